/**
 * The glue store → rules, shared by `orglife check`, the daemon and the reports: loads each chunk
 * of branches with only the meetings inside the rules' windows, applies the pure rules, and hands
 * the findings on chunk by chunk, so memory stays bounded however many branches there are.
 */
import type { Config } from '../config/schema.js';
import { rulesFor } from '../config/rules.js';
import type { RulesConfig } from '../config/rules-schema.js';
import { parsePeriod } from '../domain/calendar.js';
import { DOMAINS, LEVELS, type Domain, type Finding, type Level, type MeetingType } from '../domain/types.js';
import {
  evaluateBranch,
  inLoadWindow,
  requestsBeyondWindow,
  isMeetingCheckRule,
  loadWindow,
  meetingCheckWindow,
  tallyLayout,
  type TallyLayout,
  type BranchExtras,
  type EvalRequest,
  type TypeWindow,
} from '../rules/index.js';
import { MEETING_CHECK_RULE_IDS, MEMBER_RULE_IDS } from '../domain/types.js';
import type { Store } from '../store/port.js';
import type { BranchRow, LoadedMeeting, OrgHeader } from '../store/types/facts.js';
import type { MeetingDetail } from '../store/types/members.js';

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

/** Branch ids in scope, ascending; rejects with UnknownOrgError for an unknown code. */
export async function branchIdsInScope(store: Store, org?: string): Promise<number[]> {
  if (org === undefined) return store.facts.allBranchIds();
  if (!(await store.orgs.header(org))) throw new UnknownOrgError(org);
  return store.facts.branchIdsUnder(org);
}

/** The organization named by a code (for callers that show it), or rejects with UnknownOrgError. */
export async function resolveOrg(store: Store, code: string): Promise<OrgHeader> {
  const org = await store.orgs.header(code);
  if (!org) throw new UnknownOrgError(code);
  return org;
}

/** Everything a chunk evaluation needs besides the database: computed once per run. */
export interface EvalContext {
  now: number;
  rules: ReadonlyMap<Domain | null, RulesConfig>;
  /** Per meeting type, what any rule of any domain reads (loadWindow). */
  window: ReadonlyMap<MeetingType, TypeWindow>;
  /**
   * The window's slices in which meetings are counted, not listed (tallyLayout); null = list every
   * meeting. Branches asked to re-judge older periods (alsoEvaluate) are always read in full.
   */
  tallies: TallyLayout | null;
  alsoEvaluate?: ReadonlyMap<string, readonly EvalRequest[]>;
  /** Whether any domain enables a member rule (then rosters are loaded). */
  memberRules: boolean;
  /** From when meeting details are loaded for the single-meeting checks; null = none enabled. */
  detailsFrom: number | null;
  /**
   * Whether only meetings with sign-ins or minutes elements need their details: true unless a domain
   * enables meeting-too-short or evidence-missing (which judge meetings without either).
   */
  detailsInformative: boolean;
}

/** The context of one check run as of `now`. */
export function evalContext(config: Config, now: number, alsoEvaluate?: ReadonlyMap<string, readonly EvalRequest[]>): EvalContext {
  const rules = rulesByDomain(config);
  const all = [...rules.values()];
  const memberRules = all.some((r) => MEMBER_RULE_IDS.some((id) => r[id].enabled));
  const checks = all.some((r) => MEETING_CHECK_RULE_IDS.some((id) => r[id].enabled));
  const detailsFrom = checks ? meetingCheckWindow(now).at(-1)!.start : null;
  const detailsInformative = !all.some((r) => r['meeting-too-short'].enabled || r['evidence-missing'].enabled);
  return { now, rules, window: loadWindow(all, now), tallies: tallyLayout(all, now), alsoEvaluate, memberRules, detailsFrom, detailsInformative };
}

/**
 * Evaluate the branches with these ids (ascending), loading only their window meetings: counted per
 * slice of the tally layout (only the meetings a record rule could flag are read one by one), or
 * listed in full where there is no layout or a branch has older periods to re-judge. A chunk costs a
 * fixed handful of batch reads, issued together (a server store answers them in parallel), plus one
 * per kind of older data when open alerts ask for older periods.
 */
export async function evaluateChunk(store: Store, ids: readonly number[], ctx: EvalContext): Promise<BranchFindings[]> {
  const layout = ctx.tallies;
  const also = ctx.alsoEvaluate;
  // With requests to re-judge, the branch rows come first (which branches have older periods decides
  // how each is read), and serve the chunk too: one read of them either way.
  const known = layout && also?.size ? await store.facts.branchesByIds(ids) : undefined;
  const fullIds = !layout ? ids : known ? known.filter((b) => olderRequests(b, ctx)).map((b) => b.id) : [];
  const full = new Set(fullIds);
  const tallyIds = layout ? (full.size ? ids.filter((id) => !full.has(id)) : ids) : [];
  const [branches, meetings, tallied, rosters, details] = await Promise.all([
    known ?? store.facts.branchesByIds(ids),
    fullIds.length ? store.facts.windowMeetings(fullIds, ctx.window, ctx.now) : new Map<number, LoadedMeeting[]>(),
    layout && tallyIds.length ? store.facts.windowTallies(tallyIds, layout) : undefined,
    ctx.memberRules ? store.members.rosters(ids) : undefined,
    ctx.detailsFrom !== null ? store.members.meetingDetails(ids, ctx.detailsFrom, ctx.now, { informative: ctx.detailsInformative }) : undefined,
  ]);
  const [first, older, olderDetails] = await Promise.all([
    rosters?.size ? store.members.firstTrackedAt([...rosters.keys()], ctx.now) : undefined,
    olderMeetings(store, branches, ctx),
    details ? olderMeetingDetails(store, branches, ctx) : undefined,
  ]);
  const chunk: BranchFindings[] = [];
  for (const branch of branches) {
    const also = ctx.alsoEvaluate?.get(branch.code);
    let own = meetings.get(branch.id) ?? tallied?.listed.get(branch.id) ?? [];
    const more = older.get(branch.id)?.filter((m) => !inLoadWindow(ctx.window, m));
    if (more?.length) own = [...own, ...more];
    const extras: BranchExtras = {};
    const counts = full.has(branch.id) ? undefined : tallied?.counts.get(branch.id);
    if (counts) extras.tallies = { layout: layout!, counts };
    const roster = rosters?.get(branch.id);
    if (roster) extras.members = { members: roster, firstTrackedAt: first?.get(branch.id) ?? null };
    let detail = details?.get(branch.id);
    const moreDetails = olderDetails?.get(branch.id);
    if (moreDetails?.length) detail = [...(detail ?? []), ...moreDetails];
    if (detail) extras.details = detail;
    chunk.push({ branch, findings: evaluateBranch(branch, own, ctx.rules.get(branch.domain)!, ctx.now, also, extras) });
  }
  await translateMeetingIds(store, chunk);
  return chunk;
}

/**
 * A branch's requests for periods beyond its rules' windows (rules/evaluate.ts requestsBeyondWindow),
 * or undefined for none. A branch with some is read in full, never counted; one whose requests are
 * all of periods its window judges anyway (most open alerts) is counted as if it had none.
 */
function olderRequests(b: BranchRow, ctx: EvalContext): readonly EvalRequest[] | undefined {
  const also = ctx.alsoEvaluate?.get(b.code);
  if (!also?.length) return undefined;
  const beyond = requestsBeyondWindow(also, ctx.rules.get(b.domain)!, ctx.now);
  return beyond.length ? beyond : undefined;
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

/** What receives each evaluated chunk; a returned promise is awaited before the next chunk is handed on. */
export type ChunkHandler = (chunk: BranchFindings[]) => void | Promise<void>;

/**
 * Evaluate every branch in scope as of `now`, calling `onChunk` with each chunk of evaluated
 * branches (all of them, in id order, including those without findings: a caller reconciling
 * alerts needs to know what was judged clean). Meeting ids in findings are record ids.
 * On this thread; see parallel.ts for the multi-core variant.
 */
export async function forEachBranchFindings(store: Store, config: Config, now: number, onChunk: ChunkHandler, opts: CheckOptions = {}): Promise<CheckStats> {
  return evaluateIds(store, await branchIdsInScope(store, opts.org), evalContext(config, now, opts.alsoEvaluate), onChunk, opts.chunkSize);
}

/**
 * Chunks whose reads are under way while `onChunk` handles the current one. A server store answers
 * each chunk's reads in a few dependent round trips (facts, then the listed meetings, then record
 * ids; the alert states in `onChunk`): with one chunk ahead, a check waited for every round trip
 * in turn (40 chunks at 20,000 branches), and on a busy machine each wake-up of the server costs
 * milliseconds; three ahead keep the server's connections and this thread busy together. SQLite's
 * reads are synchronous: there one ahead is as quick and holds less.
 */
export function readAhead(store: Store): number {
  return store.kind === 'sqlite' ? 1 : 3;
}

/**
 * forEachBranchFindings over given branch ids (ascending), on this thread. The next chunks' reads
 * are under way while `onChunk` handles the current one (readAhead chunks ahead, so memory stays
 * bounded); chunks are handed on in id order.
 */
export async function evaluateIds(store: Store, ids: readonly number[], ctx: EvalContext, onChunk: ChunkHandler, chunkSize = DEFAULT_CHUNK): Promise<CheckStats> {
  const stats = emptyStats();
  const chunks = chunksOf(ids, chunkSize);
  const start = (k: number) => {
    if (k >= chunks.length) return undefined;
    const p = evaluateChunk(store, chunks[k]!, ctx);
    p.catch(() => undefined); // awaited below; this only keeps a failure while onChunk runs from counting as unhandled
    return p;
  };
  const ahead = readAhead(store);
  const pending: (Promise<BranchFindings[]> | undefined)[] = [];
  for (let k = 0; k < ahead && k < chunks.length; k++) pending.push(start(k));
  for (let k = 0; k < chunks.length; k++) {
    const chunk = await pending.shift()!;
    pending.push(start(k + ahead));
    addToStats(stats, chunk);
    await onChunk(chunk);
  }
  return stats;
}

/** All findings in scope as of `now` (collected; prefer forEachBranchFindings for big scopes). */
export async function runCheck(store: Store, config: Config, now: number, opts: CheckOptions = {}): Promise<Finding[]> {
  const out: Finding[] = [];
  await forEachBranchFindings(store, config, now, (chunk) => {
    for (const b of chunk) out.push(...b.findings);
  }, opts);
  return out;
}

/** The earliest start of the requested periods (of the rules `which` accepts), or Infinity. */
function earliestRequested(also: readonly EvalRequest[], which: (rule: EvalRequest['rule']) => boolean): number {
  let earliest = Infinity;
  for (const r of also) {
    if (!which(r.rule)) continue;
    const p = parsePeriod(r.period);
    if (p && p.start < earliest) earliest = p.start;
  }
  return earliest;
}

/**
 * The meetings older requested periods need, in one read for the chunk: everything of each such
 * branch from its earliest requested period start (the caller drops what the load window already brought).
 */
async function olderMeetings(store: Store, branches: readonly BranchRow[], ctx: EvalContext): Promise<Map<number, LoadedMeeting[]>> {
  const since = new Map<number, number>();
  for (const b of branches) {
    const also = olderRequests(b, ctx);
    if (!also) continue;
    const earliest = earliestRequested(also, () => true);
    if (earliest !== Infinity) since.set(b.id, earliest);
  }
  return since.size ? store.facts.branchMeetingsSince(since, ctx.now) : new Map();
}

/**
 * Meeting details of older requested months of the single-meeting checks (before the window's
 * detailsFrom): one read per distinct earliest month among the chunk's branches (a handful at most).
 */
async function olderMeetingDetails(store: Store, branches: readonly BranchRow[], ctx: EvalContext): Promise<Map<number, MeetingDetail[]>> {
  const byStart = new Map<number, number[]>();
  for (const b of branches) {
    const also = olderRequests(b, ctx);
    if (!also) continue;
    const earliest = earliestRequested(also, isMeetingCheckRule);
    if (earliest >= ctx.detailsFrom!) continue;
    const list = byStart.get(earliest);
    if (list) list.push(b.id);
    else byStart.set(earliest, [b.id]);
  }
  const out = new Map<number, MeetingDetail[]>();
  const reads = await Promise.all([...byStart].map(([from, ids]) => store.members.meetingDetails(ids, from, ctx.detailsFrom! - 1, { informative: ctx.detailsInformative })));
  for (const read of reads) for (const [org, list] of read) out.set(org, list);
  return out;
}

/** Replace store row ids in findings' meetingIds and meeting by the records' own ids. */
async function translateMeetingIds(store: Store, chunk: BranchFindings[]): Promise<void> {
  const rowIds: number[] = [];
  for (const b of chunk) {
    for (const f of b.findings) {
      if (f.meetingIds) for (const id of f.meetingIds) rowIds.push(Number(id));
      if (f.meeting !== undefined) rowIds.push(Number(f.meeting));
    }
  }
  if (!rowIds.length) return;
  const ids = await store.facts.recordIdsOf(rowIds);
  for (const b of chunk) {
    for (const f of b.findings) {
      if (f.meetingIds) f.meetingIds = f.meetingIds.map((id) => ids.get(Number(id)) ?? id);
      if (f.meeting !== undefined) f.meeting = ids.get(Number(f.meeting)) ?? f.meeting;
    }
  }
}
