/**
 * The registry of importable tables. To add a table: write src/import/tables/<name>.ts exporting a
 * TableSpec, and add it to TABLES below.
 */
import type { TableSpec } from '../table.js';
import { orgsTable } from './orgs.js';
import { meetingsTable } from './meetings.js';
import { assessmentsTable } from './assessments.js';
import { vetoesTable } from './vetoes.js';
import { ratingsTable } from './ratings.js';
import { starChangesTable } from './star-changes.js';
import { selfAssessmentsTable } from './self-assessments.js';
import { membersTable } from './members.js';
import { attendanceTable } from './attendance.js';

/** Every importable table. A file's headers pick one; importRecords names one. */
export const TABLES: readonly TableSpec<any>[] = [
  orgsTable, membersTable, meetingsTable, attendanceTable, assessmentsTable, vetoesTable, ratingsTable, starChangesTable, selfAssessmentsTable,
];

/** The table registered under `name`, or undefined. */
export function tableByName(name: string): TableSpec<any> | undefined {
  return TABLES.find((t) => t.name === name);
}
