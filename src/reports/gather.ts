/**
 * Loads what the reports of one period need, in bulk, and runs the pure computation. Per chunk
 * of branches one covering-index query reads their meetings (store/facts.ts); assessments,
 * vetoes, rectification items and earlier reports are one query each for the whole city.
 */
import { parseDate, periodOf, previousPeriod, type Period } from '../domain/calendar.js';
import type { Config } from '../config/schema.js';
import type { Db } from '../store/sqlite/db.js';
import { recordIdsOf } from '../store/sqlite/facts.js';
import {
  hasStoredReports,
  loadAssessments,
  loadHistory,
  loadRectifications,
  loadReportAlerts,
  loadReportOrgs,
  loadVetoes,
  periodMeetings,
  type OrgRow,
} from '../store/sqlite/reports.js';
import { branchFacts, evaluationInstant, meetingsFrom } from './compute-facts.js';
import type { MemberRaw } from './compute-members.js';
import { firstTrackedAt, rostersOf, trackedIn } from '../store/sqlite/members.js';
import { computeBranchReports, recentPeriods } from './compute.js';
import { computeCommitteeSummaries } from './compute-committee.js';
import { categoryScores, gradeOf, totalScore } from './compute-score.js';
import { rankWithin } from './compute-rank.js';
import type { BranchFacts, BranchReport, CommitteeSummary, HistoryPoint, MeetingInfo } from './types.js';
import { attachRatingSections } from './rating-sections.js';

/** A report request that cannot be served; the message is for people (中文 / English). */
export class ReportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReportError';
  }
}

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

/** Reports of all branches for period p (which must have ended by `now`), and committee summaries. */
export function buildReports(db: Db, config: Config, p: Period, now: number, opts: BuildOptions = {}): BuildResult {
  if (p.end > now) throw new ReportError(`期间 ${p.label} 尚未结束，不能生成体检报告 / period ${p.label} has not ended yet`);
  const orgs = loadReportOrgs(db);
  // History first: the previous period's headlines are small, its facts are dropped chunk by chunk
  // before the current period's facts are gathered (peak memory = one period's facts).
  const history = loadHistory(db, recentPeriods(p, config.reports.trend_periods).slice(0, -1));
  const prev = previousPeriod(p);
  if ((opts.previous ?? true) && !hasStoredReports(db, prev.label)) {
    for (const h of computeHeadlines(db, config, orgs, prev, now, opts.chunk)) addHistory(history, h.org, h);
  }
  const facts: BranchFacts[] = [];
  forEachFactsChunk(db, config, orgs, p, now, opts.chunk ?? 2000, false, (chunk, done, total) => {
    facts.push(...chunk);
    opts.onProgress?.(done, total);
  });
  const reports = computeBranchReports(facts, history, p, config, now);
  facts.length = 0;
  const summaries = computeCommitteeSummaries(reports, orgs, config, now);
  attachRatingSections(db, config, p, reports, summaries);
  return { reports, summaries, orgs };
}

/**
 * Score, stars and ranks of every branch for period p, without problems, evidence or summaries:
 * what the next period's report needs to show changes when p's reports were never stored.
 */
export function computeHeadlines(db: Db, config: Config, orgs: OrgRow[], p: Period, now: number, chunk = 2000): (HistoryPoint & { org: string })[] {
  const rows: { org: string; domain: string; parent: string | null; score: number | null; stars: number | null }[] = [];
  forEachFactsChunk(db, config, orgs, p, now, chunk, true, (part) => {
    for (const f of part) {
      const score = totalScore(f, categoryScores(f, config), config);
      rows.push({ org: f.org.code, domain: f.org.domain ?? '', parent: f.org.parent, score, stars: gradeOf(score, f.vetoes.length > 0, config).stars });
    }
  });
  const byDomain = rankWithin(rows, (r) => r.score, (r) => r.domain);
  const byParent = rankWithin(rows, (r) => r.score, (r) => r.parent);
  return rows.map((r) => ({
    org: r.org,
    period: p.label,
    score: r.score,
    stars: r.stars,
    rank: byDomain.get(r)!.rank,
    committeeRank: byParent.get(r)!.rank,
  }));
}

/** Gather the facts of every branch that existed in p, a chunk of branches at a time. */
function forEachFactsChunk(
  db: Db,
  config: Config,
  orgs: OrgRow[],
  p: Period,
  now: number,
  chunk: number,
  headline: boolean,
  cb: (facts: BranchFacts[], done: number, total: number) => void,
): void {
  const names = new Map(orgs.map((o) => [o.code, o.name]));
  const branches = orgs.filter((o) => o.kind === 'branch' && !foundedAfter(o.establishedOn, p));
  const labels = relatedLabels(p);
  const assessments = loadAssessments(db, labels);
  const vetoes = loadVetoes(db, labels);
  const items = loadRectifications(db, p.start, p.end);
  const alerts = loadReportAlerts(db, p.start);
  const from = meetingsFrom(p);
  for (let i = 0; i < branches.length; i += chunk) {
    const part = branches.slice(i, i + chunk);
    const meetings = periodMeetings(db, part.map((b) => b.id), from, p.end);
    const members = memberRaws(db, part.map((b) => b.id), p, evaluationInstant(p, config));
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
          },
          p,
          config,
          now,
          headline,
        ),
      );
    }
    if (!headline) remapMeetingIds(db, made);
    cb(made, Math.min(i + chunk, branches.length), branches.length);
  }
}
/** Roster, the period's tracked meetings and the first tracked meeting of the branches that have a roster. */
function memberRaws(db: Db, ids: readonly number[], p: Period, asOf: number): Map<number, MemberRaw> {
  const out = new Map<number, MemberRaw>();
  const rosters = rostersOf(db, ids);
  if (!rosters.size) return out;
  const withRoster = [...rosters.keys()];
  const first = firstTrackedAt(db, withRoster, asOf);
  const tracked = trackedIn(db, withRoster, p.start, p.end);
  for (const [org, list] of rosters) {
    const idOf = new Map(list.map((m) => [m.row, m.id]));
    out.set(org, {
      members: list,
      firstTrackedAt: first.get(org) ?? null,
      tracked: (tracked.get(org) ?? []).map((t) => ({ heldAt: t.heldAt, tookPart: new Set(t.tookPart.map((r) => idOf.get(r)!).filter(Boolean)) })),
    });
  }
  return out;
}

function foundedAfter(establishedOn: string | null, p: Period): boolean {
  const t = establishedOn ? parseDate(establishedOn) : null;
  return t !== null && t >= p.end;
}

function addHistory(history: Map<string, HistoryPoint[]>, org: string, h: HistoryPoint): void {
  const list = history.get(org);
  if (!list) history.set(org, [h]);
  else if (!list.some((x) => x.period === h.period)) list.push(h);
}

/** Meetings were loaded by row id; evidence shows the record ids of the interchange format. */
function remapMeetingIds(db: Db, facts: BranchFacts[]): void {
  const rowIds = new Set<number>();
  for (const f of facts) for (const id of Object.keys(f.meetings)) rowIds.add(Number(id));
  if (!rowIds.size) return;
  const map = recordIdsOf(db, [...rowIds]);
  const to = (id: string) => map.get(Number(id)) ?? id;
  for (const f of facts) {
    const meetings: Record<string, MeetingInfo> = {};
    for (const m of Object.values(f.meetings)) meetings[to(m.id)] = { ...m, id: to(m.id) };
    f.meetings = meetings;
    for (const o of f.stats.obligations) o.meetingIds = o.meetingIds.map(to);
    for (const x of f.findings) if (x.meetingIds) x.meetingIds = x.meetingIds.map(to);
  }
}
