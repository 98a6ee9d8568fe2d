/**
 * Colour grades (红黄绿), pure: a branch is yellow in a month when a warning (预警 or 督办) has stood in
 * it for `yellow_months` consecutive months up to that one, red at `red_months`; green otherwise.
 * Consecutive red months bring the consequence the county configured (约谈, …). A month that ended
 * before go-live (alerts.start_from) is not graded: nobody was warned then, so it breaks a streak
 * instead of lengthening it.
 */
import { periodOf, previousPeriod, type Period } from '../domain/calendar.js';
import type { WarningSpan } from '../store/types/alerts.js';
import type { GradesConfig } from './config.js';

export const COLOURS = ['red', 'yellow', 'green'] as const;
export type Colour = (typeof COLOURS)[number];

export const COLOUR_NAMES_ZH: Record<Colour, string> = { green: '绿', yellow: '黄', red: '红' };
export const COLOUR_MEANINGS_ZH: Record<Colour, string> = {
  green: '正常',
  yellow: '组织生活运行不畅',
  red: '长期不开展组织生活',
};

export interface GradeBranch {
  code: string;
  name: string;
  /** The committee directly above (its code), null at the top. */
  parent: string | null;
}

export interface BranchGrade {
  code: string;
  name: string;
  parent: string | null;
  colour: Colour;
  /** Consecutive months up to this one with a warning standing. */
  warningMonths: number;
  /** Consecutive red months up to this one. */
  redMonths: number;
  /** Warnings standing in the month (alerts at 预警 or worse at some time in it). */
  standing: number;
  /** The consequence reached, or null. */
  consequence: string | null;
}

export interface GradesInput {
  branches: readonly GradeBranch[];
  spans: ReadonlyMap<string, readonly WarningSpan[]>;
  /** The month graded. */
  month: Period;
  config: GradesConfig;
  /** Go-live (alerts.start_from) as epoch ms, or null. */
  goLive: number | null;
  /** As of: a month still running is graded on what has happened so far. */
  now: number;
}

/** How many months back a grade can depend on (streaks longer than this change nothing). */
export function lookbackMonths(config: GradesConfig): number {
  return config.red_months + Math.max(1, ...config.consequences.map((c) => c.red_months)) - 1;
}

/** The months a grade of `month` depends on, oldest first (the month itself last). */
export function monthsBack(month: Period, config: GradesConfig): Period[] {
  const out: Period[] = [month];
  for (let i = 1; i < lookbackMonths(config); i++) out.unshift(previousPeriod(out[0]!));
  return out;
}

/** Grades of every branch for the month, ordered red first, then by longest streak, then by code. */
export function gradeBranches(input: GradesInput): BranchGrade[] {
  const { config } = input;
  if (input.month.kind !== 'month') throw new Error(`colour grades are monthly, not ${input.month.kind}`);
  const months = monthsBack(input.month, config);
  const out = input.branches.map((b) => {
    const spans = input.spans.get(b.code) ?? [];
    // Per month (oldest first): whether it is graded, and how many warnings stood in it.
    let warningStreak = 0;
    let redStreak = 0;
    let standing = 0;
    for (const m of months) {
      // A month still running counts what has happened up to and including `now`.
      const end = Math.min(m.end, input.now + 1);
      const graded = (input.goLive === null || m.end > input.goLive) && end > m.start;
      standing = graded ? spans.filter((s) => s.from < end && (s.to === null || s.to > m.start)).length : 0;
      warningStreak = standing > 0 ? warningStreak + 1 : 0;
      redStreak = warningStreak >= config.red_months ? redStreak + 1 : 0;
    }
    const colour: Colour = warningStreak >= config.red_months ? 'red' : warningStreak >= config.yellow_months ? 'yellow' : 'green';
    const reached = config.consequences.filter((c) => redStreak >= c.red_months).sort((a, b) => b.red_months - a.red_months)[0];
    // Spelled out, not `{ ...b, … }`: a spread followed by more properties gives every object its own
    // hidden class (~400 instead of ~100 bytes each; a province's run keeps 250,000 of them).
    return { code: b.code, name: b.name, parent: b.parent, colour, warningMonths: warningStreak, redMonths: redStreak, standing, consequence: reached?.action ?? null };
  });
  const rank: Record<Colour, number> = { red: 0, yellow: 1, green: 2 };
  return out.sort((a, b) => rank[a.colour] - rank[b.colour] || b.redMonths - a.redMonths || b.warningMonths - a.warningMonths || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
}

export interface CommitteeGrades {
  code: string | null;
  name: string | null;
  counts: Record<Colour, number>;
  /** Branches whose red streak reached a consequence, red first. */
  consequences: BranchGrade[];
  /** Red and yellow branches. */
  flagged: BranchGrade[];
}

/** Grades per committee (the branches' direct parent), committees in code order. */
export function byCommittee(grades: readonly BranchGrade[], committeeName: (code: string | null) => string | null): CommitteeGrades[] {
  const groups = new Map<string | null, BranchGrade[]>();
  for (const g of grades) {
    const list = groups.get(g.parent);
    if (list) list.push(g);
    else groups.set(g.parent, [g]);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => (a ?? '').localeCompare(b ?? ''))
    .map(([code, list]) => ({
      code,
      name: committeeName(code),
      counts: countColours(list),
      consequences: list.filter((g) => g.consequence !== null),
      flagged: list.filter((g) => g.colour !== 'green'),
    }));
}

export function countColours(grades: readonly BranchGrade[]): Record<Colour, number> {
  const counts: Record<Colour, number> = { red: 0, yellow: 0, green: 0 };
  for (const g of grades) counts[g.colour]++;
  return counts;
}

/** The month containing `now` (the default of `orglife grades`). */
export function currentMonth(now: number): Period {
  return periodOf('month', now);
}
