/** Row types of the imports family: keyed upserts of imported records and the audit trail. */
import type { Meeting, Org } from '../../domain/types.js';
import type { AssessmentFact, VetoFact } from './reports.js';

/** What one upsert did. 'conflict' = the key was already written earlier in the same command with other content. */
export type UpsertOutcome = 'inserted' | 'updated' | 'unchanged' | 'conflict';

/** The outcome of each row of a batch (same order), and for a 'conflict' the line of the earlier row when known. */
export interface UpsertBatchResult {
  outcomes: UpsertOutcome[];
  conflictLines: (number | undefined)[];
}

/** A meeting to upsert with the row id of its org (from ImportSession.orgRefs). */
export interface MeetingUpsert {
  meeting: Meeting;
  orgId: number;
}

/** The importable tables, each with the record the store writes. */
export interface ImportRows {
  orgs: Org;
  meetings: MeetingUpsert;
  assessments: AssessmentFact;
  vetoes: VetoFact;
}
export type ImportTable = keyof ImportRows;

/** One accepted import, for the audit trail. */
export interface ImportRecord {
  file: string;
  sha256: string;
  table: string;
  rows: number;
  inserted: number;
  updated: number;
  unchanged: number;
  importedAt: number;
}
