/**
 * What one message says and to whom: the digest model (plain JSON, stored with the digest and
 * rendered per channel at send time), contacts, and the planned digests and sends that planning
 * hands to the store's delivery log.
 */
import type { EventKind, EventReason } from './alerts.js';
import type { ChannelName, LogicalChannel, RecipientRole } from './channels.js';
import type { Level, Org, RuleId } from './types.js';

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
  /** Member rules: how many members' alerts this one item stands for (src/alerts/digest-members.ts). */
  members?: number;
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

/** What planning needs of an org (branch or committee): its place in the tree and its contacts. */
export type OrgContacts = Pick<
  Org,
  'code' | 'name' | 'kind' | 'parent' | 'secretary' | 'secretaryPhone' | 'secretaryEmail' | 'clerk' | 'clerkPhone' | 'clerkEmail' | 'deputy' | 'deputyPhone' | 'deputyEmail'
>;

/** Where a recipient can be reached. */
export interface Contacts {
  phone: string | null;
  email: string | null;
  robot: { channel: 'wecom' | 'dingtalk'; name: string } | null;
}

/** One carried event, as stored for stats. */
export interface DigestItemRow {
  eventId: number;
  alertId: number;
  org: string;
  committee: string | null;
  level: Level;
  role: RecipientRole;
}

/** One recipient's digest of a run. */
export interface PlannedDigest {
  /** sha256 of recipient key + sorted event ids. */
  key: string;
  recipientKey: string;
  recipientName: string | null;
  contacts: Contacts;
  /** Logical channels in fallback order, filtered to what this recipient can get. */
  route: LogicalChannel[];
  level: Level;
  model: DigestModel;
  items: DigestItemRow[];
}

/** One message to send: a channel of the route and the address on it. */
export interface PlannedSend {
  logical: LogicalChannel;
  channel: ChannelName;
  recipient: string;
}

/** What the backlog message says (stored in the digest model). */
export interface BacklogModel {
  startFrom: string;
  findings: number;
  branches: number;
  /** Per rule id: how many history findings. */
  byRule: Record<string, number>;
  /** Per committee (code, name): how many history findings of its branches, most first. */
  byCommittee: { code: string | null; name: string | null; findings: number; branches: number }[];
}
