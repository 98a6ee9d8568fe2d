/**
 * The decision of the report generation claim, shared by both adapters (pure): of a period's built
 * reports, those whose (org, kind) is not stored yet, with the rectification items of the branch
 * reports among them. A report stored before (another daemon, `orglife report --save --org X`)
 * is kept as it is: its data, its mail marker and its items.
 */
import type { NewRectification, StoredReportInput } from '../types/reports.js';

export interface MissingReports {
  reports: StoredReportInput[];
  rectifications: NewRectification[];
  counts: { branch: number; committee: number };
}

export function missingReports(
  built: { reports: readonly StoredReportInput[]; rectifications: readonly NewRectification[] },
  existing: readonly { org: string; kind: 'branch' | 'committee' }[],
): MissingReports {
  const have = new Set(existing.map((e) => `${e.kind}\u0000${e.org}`));
  const reports = built.reports.filter((r) => !have.has(`${r.kind}\u0000${r.org}`));
  const branches = new Set(reports.filter((r) => r.kind === 'branch').map((r) => r.org));
  return {
    reports,
    rectifications: built.rectifications.filter((i) => branches.has(i.org)),
    counts: { branch: branches.size, committee: reports.length - branches.size },
  };
}
