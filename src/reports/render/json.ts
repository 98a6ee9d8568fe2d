/** Reports as JSON: the report data itself, stable keys, pretty-printed. Pure. */
import type { BranchReport, CommitteeSummary } from '../types.js';

/** The branch report as JSON (org, period, score, grade, stars, rank, problems[] with rule ids, …). */
export function renderBranchJson(r: BranchReport): string {
  return `${JSON.stringify(r, null, 2)}\n`;
}

/** The committee summary as JSON. */
export function renderCommitteeJson(c: CommitteeSummary): string {
  return `${JSON.stringify(c, null, 2)}\n`;
}
