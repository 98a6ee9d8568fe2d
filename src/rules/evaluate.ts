/**
 * Applies every configured rule to one branch: the one entry point of the rules engine.
 * Pure: findings depend only on (branch, meetings, rules, now, alsoEvaluate). See README.md here.
 */
import { parsePeriod, type Period } from '../domain/calendar.js';
import { dateStart } from './dates.js';
import { FREQUENCY_RULE_IDS, MEETING_CHECK_RULE_IDS, RECORD_RULE_IDS, type Finding, type MeetingType, type RuleId } from '../domain/types.js';
import type { RulesConfig } from '../config/rules-schema.js';
import { FREQUENCY_MEETING_TYPE, type BranchFacts, type EvalRequest, type MeetingFacts } from './types.js';
import type { MeetingTallies } from '../domain/facts.js';
import { windowFor } from './window.js';
import { evaluateFrequency } from './frequency.js';
import { evaluateRecords } from './records.js';
import { evaluateTerm } from './term.js';
import { evaluateAbsence, evaluateProbation, type MemberData } from './members.js';
import { evaluateMeetingCheck, type MeetingDetailFacts } from './meeting-checks.js';

/** Optional data of a branch beyond its meetings' totals: roster, sign-ins, meeting details. */
export interface BranchExtras {
  /** Roster and first tracked meeting; absent = no roster (member rules skipped). */
  members?: MemberData;
  /** Meetings of the single-meeting checks' window with their details; absent = those checks skipped. */
  details?: readonly MeetingDetailFacts[];
  /**
   * Meetings the store counted instead of listing (window.ts: tallyLayout); `meetings` then holds
   * only the others (those a record rule could flag). Absent = `meetings` lists every meeting.
   */
  tallies?: MeetingTallies;
}

const NONE: readonly MeetingFacts[] = [];

/**
 * All findings of one branch as of `now`, in rule order. `rules` is the branch's effective
 * configuration (rulesFor(config, domain)). `meetings` must include every meeting in the rules'
 * windows (window.ts: loadWindow); extra ones are harmless. `alsoEvaluate` adds older periods of
 * given rules (e.g. open alerts): each is judged like a window period, so a finding missing from
 * the result means that (org, rule, period) is met, or no longer applies. Requests for periods
 * already in the window, unparsable labels, and term-expiry requests are ignored.
 */
export function evaluateBranch(
  branch: BranchFacts,
  meetings: readonly MeetingFacts[],
  rules: RulesConfig,
  now: number,
  alsoEvaluate?: readonly EvalRequest[],
  extras?: BranchExtras,
): Finding[] {
  const establishedAt = branch.establishedOn ? dateStart(branch.establishedOn) : null;
  const byType = new Map<MeetingType, MeetingFacts[]>();
  for (const m of meetings) {
    const list = byType.get(m.type);
    if (list) list.push(m);
    else byType.set(m.type, [m]);
  }
  const extra = alsoEvaluate?.length ? extraPeriods(alsoEvaluate, rules) : undefined;
  const windows = windowsOf(rules, now);

  const out: Finding[] = [];
  for (const id of FREQUENCY_RULE_IDS) {
    const cfg = rules[id];
    if (!cfg.enabled) continue;
    const own = byType.get(FREQUENCY_MEETING_TYPE[id]) ?? NONE;
    append(out, evaluateFrequency(id, cfg, branch, own, periodsOf(windows, extra, id), now, establishedAt, extras?.tallies));
  }
  for (const id of RECORD_RULE_IDS) {
    const cfg = rules[id];
    if (!cfg.enabled) continue;
    const read = id === 'assembly-quorum' ? (byType.get('assembly') ?? NONE) : meetings;
    if (!read.length) continue;
    append(out, evaluateRecords(id, cfg, branch, read, periodsOf(windows, extra, id), now));
  }
  append(out, evaluateTerm(rules['term-expiry'], branch, now));
  if (extras?.members?.members.length) {
    append(out, evaluateAbsence(rules['member-absence'], branch.code, extras.members, now));
    append(out, evaluateProbation(rules['probation-due'], branch.code, extras.members.members, now));
  }
  if (extras?.details?.length) {
    for (const id of MEETING_CHECK_RULE_IDS) {
      if (!rules[id].enabled) continue;
      append(out, evaluateMeetingCheck(id, rules, branch.code, extras.details, periodsOf(windows, extra, id), now));
    }
  }
  return out;
}

/** Push `more` onto `out` (most rules of most branches find nothing: no spread of an empty array). */
function append(out: Finding[], more: readonly Finding[]): void {
  for (let i = 0; i < more.length; i++) out.push(more[i]!);
}

/** A rule's window plus the requested older periods not already in it. */
function periodsOf(windows: Map<RuleId, readonly Period[]>, extra: Map<RuleId, Period[]> | undefined, id: RuleId): readonly Period[] {
  const periods = windows.get(id)!;
  const more = extra?.get(id);
  if (!more) return periods;
  const out = [...periods];
  for (const p of more) if (!out.some((q) => q.label === p.label)) out.push(p);
  return out;
}

/**
 * The windows of every rule of one configuration as of `now`, memoized: a check evaluates many
 * branches with the same configuration and clock, and computing calendar periods per branch showed
 * up in profiles. Transparent to callers (same inputs, same result).
 */
const windowMemo = new WeakMap<RulesConfig, { now: number; windows: Map<RuleId, readonly Period[]> }>();
function windowsOf(rules: RulesConfig, now: number): Map<RuleId, readonly Period[]> {
  const hit = windowMemo.get(rules);
  if (hit && hit.now === now) return hit.windows;
  const windows = new Map<RuleId, readonly Period[]>();
  for (const id of Object.keys(rules) as RuleId[]) windows.set(id, windowFor(id, rules[id], now));
  windowMemo.set(rules, { now, windows });
  return windows;
}

/**
 * The requests (of one branch, with its effective rules) that add a period to what evaluateBranch
 * judges as of `now`: those it would not ignore (see there) and whose period is not already in the
 * rule's window. A branch with none is judged exactly as without requests, so its window may be read
 * as counts (the open alerts of a later day are mostly of window periods).
 */
export function requestsBeyondWindow(requests: readonly EvalRequest[], rules: RulesConfig, now: number): EvalRequest[] {
  const windows = windowsOf(rules, now);
  return requests.filter((r) => {
    const p = requestedPeriod(r, rules);
    return p !== null && !windows.get(r.rule)?.some((q) => q.label === p.label);
  });
}

/** The period a request asks to judge, or null for one evaluateBranch ignores. */
function requestedPeriod(r: EvalRequest, rules: RulesConfig): Period | null {
  if (r.rule === 'term-expiry' || r.rule === 'member-absence' || r.rule === 'probation-due') return null;
  const p = parsePeriod(r.period);
  // A period of another kind than the rule now has (its period was changed in config) is no longer
  // judged: the scope resolves its alert as 'period-changed' instead of leaving it open forever.
  const kind = (rules[r.rule] as { period?: string } | undefined)?.period;
  return !p || (kind !== undefined && p.kind !== kind) ? null : p;
}

function extraPeriods(requests: readonly EvalRequest[], rules: RulesConfig): Map<RuleId, Period[]> {
  const out = new Map<RuleId, Period[]>();
  for (const r of requests) {
    const p = requestedPeriod(r, rules);
    if (!p) continue;
    const list = out.get(r.rule);
    if (list) list.push(p);
    else out.set(r.rule, [p]);
  }
  return out;
}
