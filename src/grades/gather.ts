/**
 * Colour grades of a month from the store: the branches, the warning spans of the months the grade
 * depends on, then the pure computation (./compute.ts).
 */
import type { Config } from '../config/schema.js';
import { parseDate, type Period } from '../domain/calendar.js';
import type { Store } from '../store/port.js';
import { byCommittee, countColours, gradeBranches, monthsBack, type BranchGrade, type Colour, type CommitteeGrades } from './compute.js';

export interface MonthGrades {
  month: Period;
  /** Every branch (or those under `org`), red first. */
  branches: BranchGrade[];
  committees: CommitteeGrades[];
  counts: Record<Colour, number>;
  /** Whether the month ended before go-live (nothing graded). */
  beforeGoLive: boolean;
}

export async function monthGrades(store: Store, config: Config, month: Period, now: number, opts: { org?: string } = {}): Promise<MonthGrades> {
  const orgs = await store.orgs.list(now);
  const names = new Map(orgs.map((o) => [o.code, o.name]));
  let inScope: (code: string) => boolean = () => true;
  if (opts.org !== undefined) {
    const under = new Set(await store.facts.branchIdsUnder(opts.org));
    const refs = await store.facts.branchesByIds([...under]);
    const codes = new Set(refs.map((r) => r.code));
    inScope = (code) => codes.has(code);
  }
  const branches = orgs.filter((o) => o.kind === 'branch' && inScope(o.code)).map((o) => ({ code: o.code, name: o.name, parent: o.parent }));
  const months = monthsBack(month, config.grades);
  const spans = await store.alerts.warningSpans(months[0]!.start, Math.min(month.end, now + 1));
  const goLive = config.alerts.start_from ? parseDate(config.alerts.start_from) : null;
  const grades = gradeBranches({ branches, spans, month, config: config.grades, goLive, now });
  return {
    month,
    branches: grades,
    committees: byCommittee(grades, (code) => (code === null ? null : names.get(code) ?? code)),
    counts: countColours(grades),
    beforeGoLive: goLive !== null && month.end <= goLive,
  };
}
