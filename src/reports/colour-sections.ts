/**
 * Colour grades (红黄绿) in the reports: each branch report shows its colour of the period's last
 * month, each committee summary the counts, the consequences of repeated red (约谈 …) and its red and
 * yellow branches. One store read (the warning spans), then pure (src/grades/compute.ts).
 */
import type { Config } from '../config/schema.js';
import { parseDate, periodOf, type Period } from '../domain/calendar.js';
import { COLOUR_MEANINGS_ZH, COLOUR_NAMES_ZH, countColours, gradeBranches, monthsBack } from '../grades/compute.js';
import type { Store } from '../store/port.js';
import type { WarningSpan } from '../store/types/alerts.js';
import type { BranchReport, CommitteeSummary } from './types.js';

export interface ColourFacts {
  month: Period;
  spans: Map<string, WarningSpan[]>;
  /** As of: the month's end, or now when it is still running. */
  asOf: number;
}

/** The warning spans the grades of p's last month depend on. */
export async function colourFacts(store: Store, config: Config, p: Period, now: number): Promise<ColourFacts> {
  const month = periodOf('month', p.end - 1);
  const asOf = Math.min(now, month.end - 1);
  const spans = await store.alerts.warningSpans(monthsBack(month, config.grades)[0]!.start, asOf + 1);
  return { month, spans, asOf };
}

/** Attach each report's colour and each summary's colour grades (pure). */
export function attachColourSections(facts: ColourFacts, config: Config, reports: BranchReport[], summaries: CommitteeSummary[]): void {
  const goLive = config.alerts.start_from ? parseDate(config.alerts.start_from) : null;
  // Months before go-live are not graded: the reports then say nothing about colours.
  if (goLive !== null && facts.month.end <= goLive) return;
  const grades = gradeBranches({
    branches: reports.map((r) => ({ code: r.org, name: r.name, parent: r.parent })),
    spans: facts.spans,
    month: facts.month,
    config: config.grades,
    goLive,
    now: facts.asOf,
  });
  const byCode = new Map(grades.map((g) => [g.code, g]));
  for (const r of reports) {
    const g = byCode.get(r.org);
    if (!g) continue;
    r.colour = {
      month: facts.month.label,
      colour: g.colour,
      name: COLOUR_NAMES_ZH[g.colour],
      meaning: COLOUR_MEANINGS_ZH[g.colour],
      warningMonths: g.warningMonths,
      redMonths: g.redMonths,
      consequence: g.consequence,
    };
  }
  for (const s of summaries) {
    const mine = s.branches.map((b) => byCode.get(b.org)).filter((g) => g !== undefined);
    const members = new Set(mine);
    const ordered = grades.filter((g) => members.has(g)); // red first, longest streak first
    s.colours = {
      month: facts.month.label,
      counts: countColours(mine),
      consequences: ordered.filter((g) => g.consequence !== null).map((g) => ({ org: g.code, name: g.name, redMonths: g.redMonths, consequence: g.consequence! })),
      flagged: ordered.filter((g) => g.colour !== 'green').map((g) => ({ org: g.code, name: g.name, colour: g.colour as 'red' | 'yellow', warningMonths: g.warningMonths })),
    };
  }
}
