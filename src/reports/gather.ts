/**
 * Loads what the reports of one period need through the store port, in bulk, and runs the pure
 * computation. Per chunk of branches one query reads their meetings (store.reports.periodMeetings)
 * and one each their rosters and sign-ins (store.members); assessments, vetoes, rectification
 * items, alerts and earlier reports are one query each for the whole city.
 */
import { ancestry } from '../domain/exemptions.js';
import { attachColourSections, colourFacts } from './colour-sections.js';
import { periodOf, previousPeriod, type Period } from '../domain/calendar.js';
import type { Config } from '../config/schema.js';
import type { Store } from '../store/port.js';
import type { AlertFact, AssessmentFact, OrgInfo, RectificationFact, VetoFact } from '../store/types/reports.js';
import type { Exemption } from '../domain/exemptions.js';
import { branchFacts, evaluationInstant, foundedAfter, meetingSince, sinceKey } from './compute-facts.js';
import { memberRaws } from './member-raws.js';
import { MeetingsMemo } from './meetings-memo.js';
import { paceHeap } from '../heap-pace.js';
import { computeBranchReports, recentPeriods, type BranchRanks } from './compute.js';
import { computeCommitteeSummaries } from './compute-committee.js';
import { categoryScores, gradeOf, totalScore } from './compute-score.js';
import { rankWithin } from './compute-rank.js';
import type { BranchFacts, BranchReport, CommitteeSummary, HistoryPoint, MeetingInfo } from './types.js';
import { attachRatingSectionsFrom, ratingSectionFacts } from './rating-sections.js';

/** A report request that cannot be served; the message is for people (中文 / English). */
export class ReportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReportError';
  }
}

/** An org with its row id (meetings are read by it). */
export type OrgRow = OrgInfo & { id: number };

export interface BuildResult {
  reports: BranchReport[];
  summaries: CommitteeSummary[];
  orgs: OrgRow[];
}

export interface BuildOptions {
  /** Branches per meetings query (bounded memory per query). */
  chunk?: number;
  /** Compute the previous period when none of its reports is stored (for rank change). Default true. */
  previous?: boolean;
  /** Called after each chunk with (done, total) branches. */
  onProgress?: (done: number, total: number) => void;
}

/** Period labels whose assessments or vetoes can apply to p: those enclosing it and those inside it. */
export function relatedLabels(p: Period): string[] {
  const out = new Set<string>();
  for (const kind of ['month', 'quarter', 'year'] as const) {
    const enclosing = periodOf(kind, p.start);
    if (enclosing.end >= p.end) out.add(enclosing.label);
    else for (let t = p.start; t < p.end; t = periodOf(kind, t).end) out.add(periodOf(kind, t).label);
  }
  return [...out];
}

/**
 * Reports of all branches for period p (which must have ended by `now`), and committee summaries,
 * all held in memory: for one branch or a small city (API, demo, tests). The CLI and the daemon
 * stream them instead (./stream.ts: the same reports in bounded memory); a test keeps both equal.
 */
export async function buildReports(store: Store, config: Config, p: Period, now: number, opts: BuildOptions = {}): Promise<BuildResult> {
  if (p.end > now) throw notEnded(p);
  const orgs = await store.reports.orgs();
  const history = await reportHistory(store, config, orgs, p, now, opts);
  const facts: BranchFacts[] = [];
  await forEachFactsChunk(store, config, orgs, p, now, opts.chunk ?? 2000, false, (chunk, done, total) => {
    facts.push(...chunk);
    opts.onProgress?.(done, total);
  });
  const reports = computeBranchReports(facts, history, p, config, now);
  facts.length = 0;
  const summaries = computeCommitteeSummaries(reports, orgs, config, now);
  attachRatingSectionsFrom(await ratingSectionFacts(store, p), config, p, reports, summaries);
  attachColourSections(await colourFacts(store, config, p, now), config, reports, summaries);
  return { reports, summaries, orgs };
}

export function notEnded(p: Period): ReportError {
  return new ReportError(`期间 ${p.label} 尚未结束，不能生成体检报告 / period ${p.label} has not ended yet`);
}

/**
 * Earlier reports' headlines (trend window, previous period) by org code. The previous period's
 * are computed when a branch of it has no stored report (never generated, or only some reports
 * saved by hand): the stored headlines win, the computed fill the gaps. Its facts are dropped
 * chunk by chunk (small headlines are kept).
 */
export async function reportHistory(
  store: Store,
  config: Config,
  orgs: OrgRow[],
  p: Period,
  now: number,
  opts: BuildOptions,
  /** How the previous period's headlines are computed (./stream.ts may hand it to a helper thread). */
  compute: (prev: Period) => Promise<(HistoryPoint & { org: string })[]> = (prev) => computeHeadlines(store, config, orgs, prev, now, opts.chunk),
): Promise<Map<string, HistoryPoint[]>> {
  const labels = recentPeriods(p, config.reports.trend_periods).slice(0, -1);
  const history = await store.reports.history(labels);
  const prev = previousPeriod(p);
  if (opts.previous ?? true) {
    const stored = labels.includes(prev.label) ? history : await store.reports.history([prev.label]);
    const missing = reportBranches(orgs, prev).some((b) => !stored.get(b.code)?.some((h) => h.period === prev.label));
    if (missing) for (const h of await compute(prev)) addHistory(history, h.org, h);
  }
  return history;
}

/** A branch's headline figures of a period: score, stars and ranks (city-wide in its domain, in its committee). */
export type Headline = BranchRanks & { org: string; score: number | null; stars: number | null };

/**
 * Score, stars and ranks of every branch for period p, without problems, evidence or summaries
 * (the rules judge only the term): the first pass of a streamed generation, and the previous
 * period's figures when its reports were never stored.
 */
export async function headlines(
  store: Store,
  config: Config,
  orgs: OrgRow[],
  p: Period,
  now: number,
  chunk = 2000,
  inputs?: PeriodInputs,
  memo?: MeetingsMemo,
): Promise<Headline[]> {
  const rows: { org: string; domain: string; parent: string | null; score: number | null; stars: number | null }[] = [];
  await forEachFactsChunk(
    store,
    config,
    orgs,
    p,
    now,
    chunk,
    true,
    (part) => {
      for (const f of part) {
        const score = totalScore(f, categoryScores(f, config, false), config);
        rows.push({ org: f.org.code, domain: f.org.domain ?? '', parent: f.org.parent, score, stars: gradeOf(score, f.vetoes.length > 0, config).stars });
      }
    },
    inputs,
    memo,
  );
  const byDomain = rankWithin(rows, (r) => r.score, (r) => r.domain);
  const byParent = rankWithin(rows, (r) => r.score, (r) => r.parent);
  return rows.map((r) => {
    const d = byDomain.get(r)!;
    const c = byParent.get(r)!;
    return { org: r.org, score: r.score, stars: r.stars, rank: d.rank, rankOf: d.of, committeeRank: c.rank, committeeRankOf: c.of };
  });
}

/**
 * Score, stars and ranks of every branch for period p, as history points: what the next period's
 * report needs to show changes when p's reports were never stored.
 */
export async function computeHeadlines(store: Store, config: Config, orgs: OrgRow[], p: Period, now: number, chunk = 2000): Promise<(HistoryPoint & { org: string })[]> {
  return (await headlines(store, config, orgs, p, now, chunk)).map((h) => ({
    org: h.org,
    period: p.label,
    score: h.score,
    stars: h.stars,
    rank: h.rank,
    committeeRank: h.committeeRank,
  }));
}

/** The branches that get a report of period p: every branch except those founded after it. */
export function reportBranches<O extends Pick<OrgInfo, 'kind' | 'establishedOn'>>(orgs: readonly O[], p: Period): O[] {
  return orgs.filter((o) => o.kind === 'branch' && !foundedAfter(o.establishedOn, p));
}

/** What every branch's facts of period p read beside its own meetings and roster: one query each, for the whole city. */
export interface PeriodInputs {
  period: string;
  names: Map<string, string>;
  assessments: Map<string, AssessmentFact[]>;
  vetoes: Map<string, VetoFact[]>;
  items: Map<string, RectificationFact[]>;
  alerts: Map<string, AlertFact[]>;
  exemptionsOf: (code: string) => { list: Exemption[]; chain: string[] } | undefined;
}

/** The store reads behind PeriodInputs (assessments … exemptions), before the org maps are made. */
export interface PeriodRecords {
  period: string;
  assessments: Map<string, AssessmentFact[]>;
  vetoes: Map<string, VetoFact[]>;
  items: Map<string, RectificationFact[]>;
  alerts: Map<string, AlertFact[]>;
  exemptions: Exemption[];
}

/** The records of period p for every branch, or with `codes` only those branches' (the rest of each map is empty). */
export async function periodRecords(store: Store, p: Period, codes?: readonly string[]): Promise<PeriodRecords> {
  const labels = relatedLabels(p);
  const [assessments, vetoes, items, alerts, exemptions] = await Promise.all([
    store.reports.assessments(labels, codes),
    store.reports.vetoes(labels, codes),
    store.reports.rectificationFacts(p.start, p.end, codes),
    store.reports.alertFacts(p.start, codes),
    store.exemptions.list({ all: true }),
  ]);
  return { period: p.label, assessments, vetoes, items, alerts, exemptions };
}

/**
 * The inputs of the branches in `orgs` from the records (pure): parent names and exemption chains
 * come from `orgs`, which must hold those branches and every org above them.
 */
export function inputsOf(records: PeriodRecords, orgs: readonly OrgRow[]): PeriodInputs {
  const { exemptions } = records;
  const parents = exemptions.length ? new Map(orgs.map((o) => [o.code, o.parent])) : null;
  /** The exemptions above or at a branch, with its chain (none: the common case, nothing to match). */
  const exemptionsOf = (code: string) => {
    if (!parents) return undefined;
    const chain = ancestry(code, (c) => parents.get(c));
    const list = exemptions.filter((e) => chain.includes(e.org));
    return list.length ? { list, chain } : undefined;
  };
  const { period, assessments, vetoes, items, alerts } = records;
  return { period, names: new Map(orgs.map((o) => [o.code, o.name])), assessments, vetoes, items, alerts, exemptionsOf };
}

/**
 * Load the city-wide inputs of period p (the two passes of a streamed generation share them); with
 * `codes`, only those branches' (the rest of each map is empty): what facts of just those read.
 * `orgs` must then hold them and every org above them (store.reports.orgsOf).
 */
export async function periodInputs(store: Store, orgs: readonly OrgRow[], p: Period, codes?: readonly string[]): Promise<PeriodInputs> {
  return inputsOf(await periodRecords(store, p, codes), orgs);
}

/** What identifies forEachFactsChunk's reads: the period, its per-type window, the chunking and the branch count. */
function memoKey(p: Period, config: Config, chunk: number, branches: number): string {
  return `${p.label}|${sinceKey(meetingSince(p, config))}|${chunk}|${branches}`;
}

/** A memo for forEachFactsChunk's reads of period p in chunks of `chunk`. */
export function meetingsMemoFor(orgs: readonly OrgRow[], p: Period, config: Config, chunk: number, budget?: number): MeetingsMemo {
  return new MeetingsMemo(memoKey(p, config, chunk, reportBranches(orgs, p).length), budget);
}

/**
 * Gather the facts of every branch that existed in p, a chunk of branches at a time (the callback
 * may be async: the next chunk waits). With `memo` (./meetings-memo.ts, from meetingsMemoFor), a
 * headline pass keeps the meetings it read and a later full pass takes them instead of reading again.
 */
export async function forEachFactsChunk(
  store: Store,
  config: Config,
  orgs: OrgRow[],
  p: Period,
  now: number,
  chunk: number,
  headline: boolean,
  cb: (facts: BranchFacts[], done: number, total: number) => void | Promise<void>,
  loaded?: PeriodInputs,
  memo?: MeetingsMemo,
): Promise<void> {
  const branches = reportBranches(orgs, p);
  const inputs = loaded && loaded.period === p.label ? loaded : await periodInputs(store, orgs, p);
  const since = meetingSince(p, config);
  // A memo serves the same reads only: this period, these chunks.
  const memoOf = memo && memo.key === memoKey(p, config, chunk, branches.length) ? memo : undefined;
  for (let i = 0; i < branches.length; i += chunk) {
    const part = branches.slice(i, i + chunk);
    const read = async (ids: number[]) => {
      const kept = memoOf?.take(i);
      if (kept) return kept;
      const m = await store.reports.periodMeetings(ids, since, p.end);
      if (headline) memoOf?.put(i, m);
      return m;
    };
    const made = await chunkFacts(store, config, part, p, now, headline, inputs, read);
    await cb(made, Math.min(i + chunk, branches.length), branches.length);
    paceHeap();
  }
}

/**
 * The facts of one chunk of branches (forEachFactsChunk's step; a helper thread of a streamed
 * generation runs it too): their meetings from `read` (the store's, or kept ones), rosters and
 * sign-ins from the store, the city-wide inputs of the period.
 */
export async function chunkFacts(
  store: Store,
  config: Config,
  part: readonly OrgRow[],
  p: Period,
  now: number,
  headline: boolean,
  inputs: PeriodInputs,
  read: (ids: number[]) => Promise<Map<number, MeetingInfo[]>> = (ids) => store.reports.periodMeetings(ids, meetingSince(p, config), p.end),
): Promise<BranchFacts[]> {
  const { names, assessments, vetoes, items, alerts, exemptionsOf } = inputs;
  const ids = part.map((b) => b.id);
  const [meetings, members] = await Promise.all([read(ids), memberRaws(store, ids, p, evaluationInstant(p, config))]);
  const made: BranchFacts[] = [];
  for (const b of part) {
    const own: MeetingInfo[] = meetings.get(b.id) ?? [];
    const roster = members.get(b.id);
    made.push(
      branchFacts(
        {
          org: b,
          parentName: b.parent ? (names.get(b.parent) ?? null) : null,
          meetings: own,
          alerts: alerts.get(b.code) ?? [],
          items: items.get(b.code) ?? [],
          assessments: assessments.get(b.code) ?? [],
          vetoes: vetoes.get(b.code) ?? [],
          ...(roster ? { members: roster } : {}),
          ...(exemptionsOf(b.code) ? { exemptions: exemptionsOf(b.code)! } : {}),
        },
        p,
        config,
        now,
        headline,
      ),
    );
  }
  if (!headline) await remapMeetingIds(store, made);
  return made;
}

function addHistory(history: Map<string, HistoryPoint[]>, org: string, h: HistoryPoint): void {
  const list = history.get(org);
  if (!list) history.set(org, [h]);
  else if (!list.some((x) => x.period === h.period)) list.push(h);
}

/** Meetings were loaded by row id; evidence shows the record ids of the interchange format. */
async function remapMeetingIds(store: Store, facts: BranchFacts[]): Promise<void> {
  const rowIds = new Set<number>();
  for (const f of facts) for (const id of Object.keys(f.meetings)) rowIds.add(Number(id));
  if (!rowIds.size) return;
  const map = await store.facts.recordIdsOf([...rowIds]);
  const to = (id: string) => map.get(Number(id)) ?? id;
  for (const f of facts) {
    const meetings: Record<string, MeetingInfo> = {};
    for (const m of Object.values(f.meetings)) meetings[to(m.id)] = { ...m, id: to(m.id) };
    f.meetings = meetings;
    for (const o of f.stats.obligations) o.meetingIds = o.meetingIds.map(to);
    for (const x of f.findings) if (x.meetingIds) x.meetingIds = x.meetingIds.map(to);
  }
}
