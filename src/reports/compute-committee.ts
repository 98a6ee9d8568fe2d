/**
 * Committee summaries (党委汇总): for each committee, all branches below it ranked, the
 * distribution of grades and stars, the most common problems, and the branches that need
 * attention (open escalations, overdue rectifications). Pure.
 */
import { parsePeriod, periodNameZh } from '../domain/calendar.js';
import type { Config } from '../config/schema.js';
import { competitionRanks } from './compute-rank.js';
import { problemTitle } from './compute-problems.js';
import { round } from './compute-facts.js';
import type { ProblemRuleId } from './config.js';
import type { BranchReport, CommitteeSummary, OrgInfo } from './types.js';

/**
 * What a committee summary reads of a branch report. A BranchReport is one; the streaming
 * generation (./stream.ts) keeps only this much per branch (summaryRow) once the report is written.
 */
export type SummaryRow = Pick<BranchReport, 'org' | 'name' | 'parent' | 'domain' | 'period' | 'score' | 'grade' | 'stars' | 'vetoed'> & {
  change: Pick<BranchReport['change'], 'score'>;
  problems: readonly Pick<BranchReport['problems'][number], 'rule'>[];
  stats: Pick<BranchReport['stats'], 'openEscalations' | 'members'> & { rectifications: Pick<BranchReport['stats']['rectifications'], 'overdue'> };
};

/**
 * The summary row of a report: small (no categories, evidence or text), shared strings; rows with the
 * same problem rules share one list, and rows without a roster with the same counts one `stats`
 * (a streamed run keeps a row per branch: 250,000 at a province). Rows are read, never changed.
 */
export function summaryRow(r: BranchReport): SummaryRow {
  const { openEscalations } = r.stats;
  const { overdue } = r.stats.rectifications;
  return {
    org: r.org,
    name: r.name,
    parent: r.parent,
    domain: r.domain,
    period: r.period,
    score: r.score,
    grade: r.grade,
    stars: r.stars,
    vetoed: r.vetoed,
    change: { score: r.change.score },
    problems: interned(problemLists, r.problems.map((p) => p.rule).join('|'), () => Object.freeze(r.problems.map((p) => Object.freeze({ rule: p.rule })))),
    stats: r.stats.members
      ? { openEscalations, rectifications: { overdue }, members: r.stats.members }
      : interned(statsShared, `${openEscalations}|${overdue}`, () => Object.freeze({ openEscalations, rectifications: Object.freeze({ overdue }) })),
  };
}

const problemLists = new Map<string, SummaryRow['problems']>();
const statsShared = new Map<string, SummaryRow['stats']>();

/** The value kept under `key` (made once; the cache is emptied when it grows large). */
function interned<T>(cache: Map<string, T>, key: string, make: () => T): T {
  let v = cache.get(key);
  if (v === undefined) {
    if (cache.size >= 4096) cache.clear();
    cache.set(key, (v = make()));
  }
  return v;
}

/** Label used for unrated branches in the grade distribution. */
export const UNRATED_ZH = '未评定';

/** Summaries of every committee that has at least one branch below it. */
export function computeCommitteeSummaries(
  reports: readonly SummaryRow[],
  orgs: readonly OrgInfo[],
  config: Config,
  now: number,
  opts: { only?: ReadonlySet<string>; commonProblems?: number } = {},
): CommitteeSummary[] {
  return [...committeeSummaries(reports, orgs, config, now, opts)];
}

/**
 * The same summaries one at a time, in the same order: a caller that renders and drops each holds
 * one committee's branch list at a time (a city's top committee lists every branch, and each level
 * of the tree lists them again).
 */
export function* committeeSummaries(
  reports: readonly SummaryRow[],
  orgs: readonly OrgInfo[],
  config: Config,
  now: number,
  opts: { only?: ReadonlySet<string>; commonProblems?: number } = {},
): Generator<CommitteeSummary> {
  const byCode = new Map(orgs.map((o) => [o.code, o]));
  const below = new Map<string, SummaryRow[]>();
  for (const r of reports) {
    // Walk up the tree; `seen` guards against a malformed cycle.
    const seen = new Set<string>();
    for (let code = r.parent; code && !seen.has(code); code = byCode.get(code)?.parent ?? null) {
      seen.add(code);
      const list = below.get(code);
      if (list) list.push(r);
      else below.set(code, [r]);
    }
  }
  for (const o of orgs) {
    if (o.kind !== 'committee' || (opts.only && !opts.only.has(o.code))) continue;
    const list = below.get(o.code);
    if (!list?.length) continue;
    yield summarize(o, list, config, now, opts.commonProblems ?? 10);
  }
}

function summarize(c: OrgInfo, list: SummaryRow[], config: Config, now: number, topN: number): CommitteeSummary {
  const sorted = [...list].sort((a, b) => (b.score ?? -1) - (a.score ?? -1) || a.org.localeCompare(b.org));
  const ranks = competitionRanks(sorted.map((r) => r.score));
  const rated = sorted.filter((r) => r.score !== null);
  const p = parsePeriod(list[0]!.period)!;

  const gradeCounts = new Map<string, number>(config.reports.bands.map((b) => [b.grade, 0]));
  const starCounts = new Map<number, number>([5, 4, 3, 2, 1].map((s) => [s, 0]));
  let unrated = 0;
  const problemBranches = new Map<ProblemRuleId, number>();
  for (const r of sorted) {
    if (r.grade === null) unrated++;
    else gradeCounts.set(r.grade, (gradeCounts.get(r.grade) ?? 0) + 1);
    if (r.stars !== null) starCounts.set(r.stars, (starCounts.get(r.stars) ?? 0) + 1);
    for (const rule of new Set(r.problems.map((x) => x.rule))) problemBranches.set(rule, (problemBranches.get(rule) ?? 0) + 1);
  }
  const grades = [...gradeCounts].map(([grade, count]) => ({ grade, count }));
  if (unrated) grades.push({ grade: UNRATED_ZH, count: unrated });

  const overdueOf = (r: SummaryRow) => r.stats.rectifications.overdue;
  return {
    kind: 'committee',
    org: c.code,
    name: c.name,
    period: p.label,
    periodKind: p.kind,
    periodName: periodNameZh(p),
    generatedAt: now,
    branchCount: sorted.length,
    ratedCount: rated.length,
    averageScore: rated.length ? round(rated.reduce((s, r) => s + r.score!, 0) / rated.length, 1) : null,
    branches: sorted.map((r, i) => ({
      org: r.org,
      name: r.name,
      domain: r.domain,
      score: r.score,
      grade: r.grade,
      stars: r.stars,
      vetoed: r.vetoed,
      rank: ranks[i]!,
      scoreChange: r.change.score,
      problems: r.problems.length,
      openEscalations: r.stats.openEscalations,
      overdueRectifications: overdueOf(r),
      ...(r.stats.members ? { members: r.stats.members } : {}),
    })),
    ...memberTotals(sorted),
    grades,
    stars: [...starCounts].map(([stars, count]) => ({ stars, count })),
    commonProblems: [...problemBranches]
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .slice(0, topN)
      .map(([rule, branches]) => ({ rule, title: problemTitle(rule), branches })),
    // Most severe first: open escalations, then overdue rectifications, then the lower score.
    attention: sorted
      .filter((r) => r.stats.openEscalations > 0 || overdueOf(r) > 0)
      .sort(
        (a, b) =>
          b.stats.openEscalations - a.stats.openEscalations ||
          overdueOf(b) - overdueOf(a) ||
          (a.score ?? -1) - (b.score ?? -1) ||
          a.org.localeCompare(b.org),
      )
      .map((r) => ({ org: r.org, name: r.name, openEscalations: r.stats.openEscalations, overdueRectifications: overdueOf(r) })),
  };
}

/** Roster totals of a committee's branches (only when some branch has a roster). */
function memberTotals(reports: readonly SummaryRow[]): { members?: NonNullable<CommitteeSummary['members']> } {
  const with_ = reports.filter((r) => r.stats.members);
  if (!with_.length) return {};
  const sum = (k: 'roster' | 'absent3' | 'absent6' | 'probationDue') => with_.reduce((s, r) => s + r.stats.members![k], 0);
  return { members: { branches: with_.length, roster: sum('roster'), absent3: sum('absent3'), absent6: sum('absent6'), probationDue: sum('probationDue') } };
}
