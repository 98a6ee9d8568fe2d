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
