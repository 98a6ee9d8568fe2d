/**
 * The glue store → rules, shared by `orglife check`, the daemon and the reports: loads each chunk
 * of branches with only the meetings inside the rules' windows, applies the pure rules, and hands
 * the findings on chunk by chunk, so memory stays bounded however many branches there are.
 */
import type { Config } from '../config/schema.js';
import { rulesFor } from '../config/load.js';
import type { RulesConfig } from '../config/rules-schema.js';
import { parsePeriod } from '../domain/calendar.js';
import { DOMAINS, LEVELS, type Domain, type Finding, type Level, type MeetingType } from '../domain/types.js';
import {
  evaluateBranch,
  inLoadWindow,
  isMeetingCheckRule,
  loadWindow,
  meetingCheckWindow,
  type BranchExtras,
  type EvalRequest,
  type TypeWindow,
} from '../rules/index.js';
import { MEETING_CHECK_RULE_IDS, MEMBER_RULE_IDS } from '../domain/types.js';
import { firstTrackedAt, meetingDetails, rostersOf, type MeetingDetail } from '../store/sqlite/members.js';
import {
  allBranchIds,
  branchIdsUnder,
  branchMeetingsBetween,
  branchesByIds,
  findOrgHeader,
  recordIdsOf,
  windowMeetings,
  type BranchRow,
  type LoadedMeeting,
  type OrgHeader,
} from '../store/sqlite/facts.js';
import type { Db } from '../store/sqlite/db.js';

/** One evaluated branch and its findings (empty when all is well). */
export interface BranchFindings {
  branch: BranchRow;
  findings: Finding[];
}

export interface CheckOptions {
  /** Only this branch, or every branch under this committee (code). */
  org?: string;
  /** Older (rule, period) pairs to re-evaluate per org code, e.g. open alerts. */
  alsoEvaluate?: ReadonlyMap<string, readonly EvalRequest[]>;
  /** Branches per chunk (default 500). */
  chunkSize?: number;
}

/** Totals of one check run. */
export interface CheckStats {
  branches: number;
  branchesWithFindings: number;
  findings: Record<Level, number>;
}

/** The --org code names no organization. */
export class UnknownOrgError extends Error {
  constructor(readonly code: string) {
    super(`未找到组织编码 ${code} / unknown organization code: ${code}`);
    this.name = 'UnknownOrgError';
  }
}

/** Branches per chunk: small chunks keep rows young for the GC (measured faster than 2,000 or 5,000). */
export const DEFAULT_CHUNK = 500;

/** The effective rules of every domain (and of branches without one), computed once per run. */
function rulesByDomain(config: Config): Map<Domain | null, RulesConfig> {
  const map = new Map<Domain | null, RulesConfig>([[null, rulesFor(config, null)]]);
  for (const d of DOMAINS) map.set(d, rulesFor(config, d));
  return map;
}

/** Branch ids in scope, ascending; throws UnknownOrgError for an unknown code. */
export function branchIdsInScope(db: Db, org?: string): number[] {
  if (org === undefined) return allBranchIds(db);
  if (!findOrgHeader(db, org)) throw new UnknownOrgError(org);
  return branchIdsUnder(db, org);
}

/** The organization named by a code (for callers that show it), or throws UnknownOrgError. */
export function resolveOrg(db: Db, code: string): OrgHeader {
  const org = findOrgHeader(db, code);
  if (!org) throw new UnknownOrgError(code);
  return org;
}

/** Everything a chunk evaluation needs besides the database: computed once per run. */
export interface EvalContext {
  now: number;
  rules: ReadonlyMap<Domain | null, RulesConfig>;
  /** Per meeting type, what any rule of any domain reads (loadWindow). */
  window: ReadonlyMap<MeetingType, TypeWindow>;
  alsoEvaluate?: ReadonlyMap<string, readonly EvalRequest[]>;
  /** Whether any domain enables a member rule (then rosters are loaded). */
  memberRules: boolean;
  /** From when meeting details are loaded for the single-meeting checks; null = none enabled. */
  detailsFrom: number | null;
}

/** The context of one check run as of `now`. */
export function evalContext(config: Config, now: number, alsoEvaluate?: ReadonlyMap<string, readonly EvalRequest[]>): EvalContext {
  const rules = rulesByDomain(config);
  const all = [...rules.values()];
  const memberRules = all.some((r) => MEMBER_RULE_IDS.some((id) => r[id].enabled));
  const checks = all.some((r) => MEETING_CHECK_RULE_IDS.some((id) => r[id].enabled));
  const detailsFrom = checks ? meetingCheckWindow(now).at(-1)!.start : null;
  return { now, rules, window: loadWindow(all, now), alsoEvaluate, memberRules, detailsFrom };
}

/** Evaluate the branches with these ids (ascending), loading only their window meetings. */
export function evaluateChunk(db: Db, ids: readonly number[], ctx: EvalContext): BranchFindings[] {
  const branches = branchesByIds(db, ids);
  const meetings = windowMeetings(db, ids, ctx.window, ctx.now);
  const rosters = ctx.memberRules ? rostersOf(db, ids) : undefined;
  const first = rosters?.size ? firstTrackedAt(db, [...rosters.keys()], ctx.now) : undefined;
  const details = ctx.detailsFrom !== null ? meetingDetails(db, ids, ctx.detailsFrom, ctx.now) : undefined;
  const chunk: BranchFindings[] = [];
  for (const branch of branches) {
    const also = ctx.alsoEvaluate?.get(branch.code);
    let own = meetings.get(branch.id) ?? [];
    if (also?.length) own = withOlderMeetings(db, branch.id, own, also, ctx.window, ctx.now);
    const extras: BranchExtras = {};
    const roster = rosters?.get(branch.id);
    if (roster) extras.members = { members: roster, firstTrackedAt: first?.get(branch.id) ?? null };
    let detail = details?.get(branch.id);
    if (details && also?.length) detail = withOlderDetails(db, branch.id, detail, also, ctx);
    if (detail) extras.details = detail;
    chunk.push({ branch, findings: evaluateBranch(branch, own, ctx.rules.get(branch.domain)!, ctx.now, also, extras) });
  }
  translateMeetingIds(db, chunk);
  return chunk;
}

/** Empty totals. */
export function emptyStats(): CheckStats {
  return {
    branches: 0,
    branchesWithFindings: 0,
    findings: Object.fromEntries(LEVELS.map((l) => [l, 0])) as Record<Level, number>,
  };
}

/** Add a chunk to the totals. */
export function addToStats(stats: CheckStats, chunk: readonly BranchFindings[]): void {
  for (const { findings } of chunk) {
    stats.branches++;
    if (findings.length) stats.branchesWithFindings++;
    for (const f of findings) stats.findings[f.level]++;
  }
}

/** Split ascending ids into chunks. */
export function chunksOf(ids: readonly number[], size: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < ids.length; i += size) out.push(ids.slice(i, i + size));
  return out;
}

/**
 * Evaluate every branch in scope as of `now`, calling `onChunk` with each chunk of evaluated
 * branches (all of them, in id order, including those without findings: a caller reconciling
 * alerts needs to know what was judged clean). Meeting ids in findings are record ids.
 * Synchronous, on this thread; see parallel.ts for the multi-core variant.
 */
export function forEachBranchFindings(
  db: Db,
  config: Config,
  now: number,
  onChunk: (chunk: BranchFindings[]) => void,
  opts: CheckOptions = {},
): CheckStats {
  return evaluateIds(db, branchIdsInScope(db, opts.org), evalContext(config, now, opts.alsoEvaluate), onChunk, opts.chunkSize);
}

/** forEachBranchFindings over given branch ids (ascending), on this thread. */
export function evaluateIds(
  db: Db,
  ids: readonly number[],
  ctx: EvalContext,
  onChunk: (chunk: BranchFindings[]) => void,
  chunkSize = DEFAULT_CHUNK,
): CheckStats {
  const stats = emptyStats();
  for (const chunkIds of chunksOf(ids, chunkSize)) {
    const chunk = evaluateChunk(db, chunkIds, ctx);
    addToStats(stats, chunk);
    onChunk(chunk);
  }
  return stats;
}

/** All findings in scope as of `now` (collected; prefer forEachBranchFindings for big scopes). */
export function runCheck(db: Db, config: Config, now: number, opts: CheckOptions = {}): Finding[] {
  const out: Finding[] = [];
  forEachBranchFindings(db, config, now, (chunk) => {
    for (const b of chunk) out.push(...b.findings);
  }, opts);
  return out;
}

/**
 * Add the meetings an older requested period needs: everything of the branch from the earliest
 * requested period start that the load window did not already bring.
 */
function withOlderMeetings(
  db: Db,
  orgId: number,
  own: LoadedMeeting[],
  also: readonly EvalRequest[],
  window: ReadonlyMap<MeetingType, TypeWindow>,
  now: number,
): LoadedMeeting[] {
  let earliest = Infinity;
  for (const r of also) {
    const p = parsePeriod(r.period);
    if (p && p.start < earliest) earliest = p.start;
  }
  if (earliest === Infinity) return own;
  const older = branchMeetingsBetween(db, orgId, earliest, now).filter((m) => !inLoadWindow(window, m));
  return older.length ? [...own, ...older] : own;
}

/** Meeting details of older requested months of the single-meeting checks, added to the window's. */
function withOlderDetails(db: Db, orgId: number, own: MeetingDetail[] | undefined, also: readonly EvalRequest[], ctx: EvalContext): MeetingDetail[] | undefined {
  let earliest = Infinity;
  for (const r of also) {
    if (!isMeetingCheckRule(r.rule)) continue;
    const p = parsePeriod(r.period);
    if (p && p.start < earliest) earliest = p.start;
  }
  if (earliest >= ctx.detailsFrom!) return own;
  const older = meetingDetails(db, [orgId], earliest, ctx.detailsFrom! - 1).get(orgId) ?? [];
  return older.length ? [...(own ?? []), ...older] : own;
}

/** Replace store row ids in findings' meetingIds and meeting by the records' own ids. */
function translateMeetingIds(db: Db, chunk: BranchFindings[]): void {
  const rowIds: number[] = [];
  for (const b of chunk) {
    for (const f of b.findings) {
      if (f.meetingIds) for (const id of f.meetingIds) rowIds.push(Number(id));
      if (f.meeting !== undefined) rowIds.push(Number(f.meeting));
    }
  }
  if (!rowIds.length) return;
  const ids = recordIdsOf(db, rowIds);
  for (const b of chunk) {
    for (const f of b.findings) {
      if (f.meetingIds) f.meetingIds = f.meetingIds.map((id) => ids.get(Number(id)) ?? id);
      if (f.meeting !== undefined) f.meeting = ids.get(Number(f.meeting)) ?? f.meeting;
    }
  }
}
