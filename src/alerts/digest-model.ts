/**
 * The digest model: everything one message to one recipient says, as plain JSON. The planner
 * builds it and stores it with the delivery; compose.ts renders it (pure) for each channel at send
 * time, so a fallback to another channel re-renders the same content.
 */
import type { Level, RuleId } from '../domain/types.js';
import type { EventKind, EventReason } from './types.js';
import type { BacklogModel } from './backlog.js';

/** One alert event the message announces. */
export interface DigestItem {
  eventId: number;
  alertId: number;
  kind: EventKind;
  reason: EventReason;
  level: Level;
  org: string;
  rule: RuleId;
  period: string;
  /** Due instant of the obligation (exclusive end of the period), epoch ms. */
  dueAt: number;
  message: string;
  /** Repeat number for kind 'repeat'. */
  repeat?: number;
}

/** A branch and its items. */
export interface DigestBranch {
  code: string;
  name: string;
  items: DigestItem[];
}

/** The lagging branches of one committee (the 督办 part). */
export interface DigestCommittee {
  code: string;
  name: string;
  branches: DigestBranch[];
}

/** One message's content for one recipient. */
export interface DigestModel {
  /** Person's name (null when unknown, and for chat robots). */
  recipientName: string | null;
  /** Whether the recipient is a group chat robot (no personal greeting). */
  robot: boolean;
  /** Planning time: the "as of" of the message, epoch ms. */
  at: number;
  /** Branches the recipient serves as secretary or Party-affairs worker. */
  own: DigestBranch[];
  /** Committees whose lagging branches the recipient is told about (escalations). */
  committees: DigestCommittee[];
  /** Whether an email with the full list goes to this recipient too (SMS then says "详见邮件"). */
  emailCopy: boolean;
  /** The go-live backlog summary to an admin (then own and committees are empty). */
  backlog?: BacklogModel;
}

/** Every item of a model, own branches first. */
export function digestItems(m: DigestModel): DigestItem[] {
  return [...m.own.flatMap((b) => b.items), ...m.committees.flatMap((c) => c.branches.flatMap((b) => b.items))];
}
