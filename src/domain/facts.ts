/**
 * What the rules read of stored meetings and what an evaluation may be asked to re-check: shapes
 * shared by the rules, the evaluator and the store's facts queries.
 */
import type { LecturerRole, MeetingType, RuleId } from './types.js';

/**
 * What the rules need of a meeting (a Meeting satisfies it). `id` may be a number when the caller
 * uses store row ids internally; findings carry `String(id)` in `meetingIds`.
 */
export interface MeetingFacts {
  id: string | number;
  type: MeetingType;
  /** Epoch ms. */
  heldAt: number;
  expected: number;
  attended: number;
  /** null = unknown (never flagged). */
  minutes: boolean | null;
  lecturerRole: LecturerRole | null;
}

/** Ask to re-evaluate one older (rule, period label) of an org, e.g. the identity of an open alert. */
export interface EvalRequest {
  rule: RuleId;
  period: string;
}

/** From when meetings of one type must be loaded. */
export interface TypeWindow {
  /** The earliest instant any rule reads a meeting of this type. */
  from: number;
  /**
   * Every meeting of the type from here (Infinity: none beyond the secretary's lectures). Between
   * `from` and `all` only lectures given by the secretary are read: in a whole year of lectures the
   * yearly rule needs only those, and lectures are the bulk of a year's window.
   */
  all: number;
}

/**
 * One time slice of one meeting type in which the store counts meetings instead of listing them:
 * [start, end), with `secretaryOnly` when only lectures given by the secretary are read there.
 * The slices of a run (a TallyLayout) are cut at every boundary of every period a rule evaluates,
 * so each period is a whole number of slices.
 */
export interface TallyBucket {
  type: MeetingType;
  start: number;
  end: number;
  secretaryOnly: boolean;
}

/** The slices of a run, shared by all its branches, and which meetings the store must still list one by one. */
export interface TallyLayout {
  buckets: readonly TallyBucket[];
  /**
   * Meetings listed individually (never counted): those a record rule could flag. `minutesMissing`:
   * minutes = no; `noQuorum`: assemblies with attended·2 ≤ expected. Every other meeting of a slice
   * is only counted.
   */
  list: { minutesMissing: boolean; noQuorum: boolean };
}

/** Fields per slice in MeetingTallies.counts. */
export const TALLY_FIELDS = 3;

/**
 * The counted (not listed) meetings of one branch: for slice k of the layout, counts[3k] meetings,
 * counts[3k+1] of them with quorum (attended·2 > expected), counts[3k+2] given by the secretary.
 */
export interface MeetingTallies {
  layout: TallyLayout;
  counts: ArrayLike<number>;
}
