/**
 * Colour grades (红黄绿) in the reports: each branch report shows its colour of the period's last
 * month, each committee summary the counts, the consequences of repeated red (约谈 …) and its red and
 * yellow branches. One store read (the warning spans), then pure (src/grades/compute.ts).
 */
import type { Config } from '../config/schema.js';
import { parseDate, periodOf, type Period } from '../domain/calendar.js';
import { COLOUR_MEANINGS_ZH, COLOUR_NAMES_ZH, countColours, gradeBranches, monthsBack, type BranchGrade } from '../grades/compute.js';
import type { Store } from '../store/port.js';
import type { WarningSpan } from '../store/types/alerts.js';
import type { BranchReport, CommitteeSummary } from './types.js';

export interface ColourFacts {
  month: Period;
  spans: Map<string, WarningSpan[]>;
  /** As of: the month's end, or now when it is still running. */
  asOf: number;
}

/** The warning spans the grades of p's last month depend on (with `codes`, only those orgs': enough to grade just them). */
export async function colourFacts(store: Store, config: Config, p: Period, now: number, codes?: readonly string[]): Promise<ColourFacts> {
  const month = periodOf('month', p.end - 1);
  const asOf = Math.min(now, month.end - 1);
  const spans = await store.alerts.warningSpans(monthsBack(month, config.grades)[0]!.start, asOf + 1, codes);
  return { month, spans, asOf };
}

/** The colour grades of every reported branch, graded once for the whole city; null before go-live. */
export interface ColourGrades {
  month: Period;
  /** Red first, longest streak first (as gradeBranches orders them). */
  grades: BranchGrade[];
  byCode: Map<string, BranchGrade>;
  /** Position in `grades` (a committee's red and yellow branches in that order, without a scan of the city per committee). */
  order: Map<BranchGrade, number>;
}

/** Grade the branches (code, name, parent of each report, in report order); null when the month is before go-live. */
export function colourGrades(facts: ColourFacts, config: Config, branches: readonly { code: string; name: string; parent: string | null }[]): ColourGrades | null {
  const goLive = config.alerts.start_from ? parseDate(config.alerts.start_from) : null;
  // Months before go-live are not graded: the reports then say nothing about colours.
  if (goLive !== null && facts.month.end <= goLive) return null;
  const grades = gradeBranches({ branches, spans: facts.spans, month: facts.month, config: config.grades, goLive, now: facts.asOf });
  return { month: facts.month, grades, byCode: new Map(grades.map((g) => [g.code, g])), order: new Map(grades.map((g, i) => [g, i])) };
}

/** Attach each report's colour (pure). */
export function attachBranchColours(g: ColourGrades | null, reports: readonly BranchReport[]): void {
  if (!g) return;
  for (const r of reports) {
    const x = g.byCode.get(r.org);
    if (!x) continue;
    r.colour = {
      month: g.month.label,
      colour: x.colour,
      name: COLOUR_NAMES_ZH[x.colour],
      meaning: COLOUR_MEANINGS_ZH[x.colour],
      warningMonths: x.warningMonths,
      redMonths: x.redMonths,
      consequence: x.consequence,
    };
  }
}

/** Attach each summary's colour grades (pure). */
export function attachCommitteeColours(g: ColourGrades | null, summaries: readonly CommitteeSummary[]): void {
  if (!g) return;
  for (const s of summaries) {
    const mine = s.branches.map((b) => g.byCode.get(b.org)).filter((x) => x !== undefined);
    const ordered = [...new Set(mine)].sort((a, b) => g.order.get(a)! - g.order.get(b)!); // red first, longest streak first
    s.colours = {
      month: g.month.label,
      counts: countColours(mine),
      consequences: ordered.filter((x) => x.consequence !== null).map((x) => ({ org: x.code, name: x.name, redMonths: x.redMonths, consequence: x.consequence! })),
      flagged: ordered.filter((x) => x.colour !== 'green').map((x) => ({ org: x.code, name: x.name, colour: x.colour as 'red' | 'yellow', warningMonths: x.warningMonths })),
    };
  }
}

/** Attach each report's colour and each summary's colour grades (pure). */
export function attachColourSections(facts: ColourFacts, config: Config, reports: BranchReport[], summaries: CommitteeSummary[]): void {
  const g = colourGrades(facts, config, reports.map((r) => ({ code: r.org, name: r.name, parent: r.parent })));
  attachBranchColours(g, reports);
  attachCommitteeColours(g, summaries);
}
