/**
 * Row types of the outbox and delivery families: the alert outbox as planning reads it, the one
 * delivery log (alert digests and report mail), attempts, claims, fallbacks and the figures of
 * `orglife stats`.
 */
import type { ChannelName, LogicalChannel } from '../../domain/channels.js';
import type { Contacts, DigestItem, DigestModel, OrgContacts, PlannedDigest, PlannedSend } from '../../domain/digest.js';
import type { Level } from '../../domain/types.js';
import type { WeakDesignation } from '../../rating/weak.js';

/** Delivery states. */
export type DeliveryStatus = 'pending' | 'sent' | 'failed' | 'cancelled';

/** An unplanned outbox row with what its message needs, and the alert's state now. */
export interface OutboxEntry {
  item: DigestItem;
  alertState: 'open' | 'acknowledged' | 'resolved';
}

/** One digest of a plan with the deliveries chosen for it. */
export interface DigestPlan {
  digest: PlannedDigest;
  sends: PlannedSend[];
  /** Dedup key per send (same order as sends). */
  keys: string[];
}

/** What writing a plan created (existing digests/deliveries are left as they are). */
export interface PlanWriteResult {
  digests: number;
  deliveries: number;
}

/** A delivery that should be queued: id, channel and earliest send time. */
export interface PendingDeliveryRow {
  id: number;
  channel: ChannelName;
  notBefore: number;
}

/** Outcome of a claim at the store level. */
export type ClaimRow = { outcome: 'send' } | ClaimRefused;

/** One send attempt as recorded. */
export interface AttemptInput {
  deliveryId: number;
  channel: ChannelName | string;
  recipient: string;
  providerMessageId: string | null;
  /** null on success. */
  error: string | null;
  errorCode?: string | null;
  permanent: boolean;
  durationMs: number;
  /** When the attempt started, epoch ms. */
  at: number;
}

/** What a delivery carries: an alert digest, or a stored report with the recipient's route and contacts. */
export type DeliverySource =
  | { digestId: number }
  | { reportId: number; route: LogicalChannel[]; contacts: Contacts }
  | { reminderId: number; route: LogicalChannel[]; contacts: Contacts };

/**
 * A stored report's data as the store keeps it: the reports module's JSON, opaque here (the
 * reports module gives it its type).
 */
export type ReportData = object;

/** What a delivery carries, read from its row: an alert digest or a stored report. */
export type DeliveryCarries =
  | { kind: 'digest'; digestId: number; recipientKey: string; model: DigestModel; level: Level; /** Event ids, ascending. */ eventIds: number[];
      /** Alerts of its items that are no longer open as the row is read (resolved — org removed, exempted, fixed — or acknowledged): left out when it is sent. */
      closedAlertIds: number[] }
  | { kind: 'report'; reportId: number; /** null when the report row is gone. */ report: ReportData | null }
  | { kind: 'reminder'; reminderId: number; /** null when the reminder row is gone. */ reminder: ReminderRow | null };

/** A stored reminder (the delivery log's third source): its Chinese text, composed when planned. */
export interface ReminderRow {
  id: number;
  /** 'weak': the monthly reminder of an open weak-and-lax designation. */
  kind: 'weak';
  /** The first designation it names (a combined message names several). */
  designationId: number;
  /** 'phone:<number>' or 'email:<address>': one reminder per recipient and month. */
  recipientKey: string;
  org: string;
  /** 'YYYY-MM'. */
  month: string;
  subject: string;
  text: string;
  /** Params of the SMS template 'reminder' (name, count, level, deadline). */
  smsParams: Record<string, string>;
  /**
   * The designations it names as the row is read (in the order planned): how many, and those still
   * open whose branch is not removed (撤销), with the branch's name — what it says at send time.
   */
  named?: { total: number; live: { designation: WeakDesignation; name: string }[] };
}

/** A delivery with what it carries, as the worker sends it and fallbacks read it. */
export interface StoredDelivery {
  id: number;
  dedupKey: string;
  channel: ChannelName;
  logical: LogicalChannel;
  recipient: string;
  status: DeliveryStatus;
  notBefore: number;
  sendDay: string;
  attempts: number;
  claimedUntil: number | null;
  claimedBy: string | null;
  sentAt: number | null;
  providerMessageId: string | null;
  lastError: string | null;
  fallbackOf: number | null;
  /** The recipient's route (logical channels in fallback order) and contacts. */
  route: LogicalChannel[];
  contacts: Contacts;
  carries: DeliveryCarries;
}

/** A claim's outcome: send it now (this owner holds it), it is finished, or another live owner holds it; `D` is the delivery as the caller reads it. */
export type ClaimOutcome<D> = { outcome: 'send'; delivery: D } | ClaimRefused;

/** A claim that did not win: the delivery is finished (never send again), or another live owner holds it. */
export type ClaimRefused = { outcome: 'done'; status: Exclude<DeliveryStatus, 'pending'> | 'missing' } | { outcome: 'busy'; until: number };

/** The store's claim: the stored delivery with what it carries. */
export type DeliveryClaimRow = ClaimOutcome<StoredDelivery>;

/** One send attempt, recorded whatever its outcome. */
export interface AttemptRow {
  deliveryId: number;
  channel: ChannelName;
  recipient: string;
  /** When the attempt started, epoch ms. */
  startedAt: number;
  durationMs: number;
  providerMessageId: string | null;
  /** null on success. */
  error: string | null;
  errorCode: string | null;
  permanent: boolean;
}

/** A possible fallback delivery: the next channel of the route and its dedup key. */
export interface FallbackCandidate {
  dedupKey: string;
  send: PlannedSend;
}

/** A candidate with what the store found: the delivery of its key (if any) and the SMS count of its recipient on the send day. */
export interface LoadedFallbackCandidate extends FallbackCandidate {
  existing: { id: number; channel: ChannelName; status: DeliveryStatus; notBefore: number } | null;
  /** SMS pending or sent to `send.recipient` on the send day (0 for other channels). */
  smsCount: number;
}

/** The pure fallback policy giveUp runs inside its transaction. */
export interface FallbackPolicy {
  notBefore: number;
  sendDay: string;
  /** Candidates in route order (pure). */
  candidates(d: StoredDelivery): FallbackCandidate[];
  /** The choice (pure): an existing delivery to use, a candidate to insert, or none. */
  pick(cands: readonly LoadedFallbackCandidate[]): { use: LoadedFallbackCandidate } | { insert: FallbackCandidate } | null;
}

/** A row of the delivery log: an alert delivery (digestId) or a report delivery (reportId). */
export interface DeliveryListRow {
  id: number;
  dedupKey: string;
  digestId: number | null;
  reportId: number | null;
  channel: ChannelName;
  logical: LogicalChannel;
  recipient: string;
  status: DeliveryStatus;
  notBefore: number;
  sendDay: string;
  attempts: number;
  claimedUntil: number | null;
  claimedBy: string | null;
  sentAt: number | null;
  providerMessageId: string | null;
  lastError: string | null;
  fallbackOf: number | null;
}

/** Figures of sent notifications in one period (a month, or the period asked for). */
export interface PeriodStats {
  period: string;
  /** Warning messages sent (alert deliveries), and alert items they carried. */
  messages: number;
  items: number;
  /** Messages by physical channel. */
  byChannel: Record<string, number>;
  /** Messages by their most severe level. */
  byLevel: Record<Level, number>;
  committees: { code: string | null; name: string | null; messages: number; items: number; itemsByLevel: Record<Level, number> }[];
  /** Health-check report messages sent (report deliveries), counted apart from warnings. */
  reports: { messages: number; byChannel: Record<string, number>; branch: number; committee: number };
  /** Reminder messages sent (reminder deliveries: the monthly weak-branch reminder), counted apart too. */
  reminders: { messages: number; byChannel: Record<string, number> };
}

/** What planning an outbox reads in its transaction. */
export interface OutboxPlanLoad {
  /** Unplanned outbox rows, oldest first. */
  entries: OutboxEntry[];
  /** Contacts of the orgs of entries whose alert is open, and of their parents, by code. */
  contacts: Map<string, OrgContacts>;
  /** SMS pending or sent per phone on the send day (phones named by `phonesOf`). */
  smsCounts: Map<string, number>;
}

/** What planning an outbox writes. */
export interface OutboxPlanWrite {
  plans: DigestPlan[];
  /** Outbox rows marked planned, with their note, by event id. */
  notes: ReadonlyMap<number, string>;
  notBefore: number;
  sendDay: string;
}

/** A stored report whose deliveries are to be planned. */
export interface ReportToPlan {
  id: number;
  org: string;
  kind: 'branch' | 'committee';
}

/** One report delivery to write: a stored report to one address on one channel. */
export interface ReportSend {
  reportId: number;
  /** report:<id>:<channel>:<address> — the same report never reaches one address twice on a channel. */
  dedupKey: string;
  logical: LogicalChannel;
  channel: ChannelName;
  recipient: string;
  /** The recipient's route (for fallbacks) and contacts. */
  route: LogicalChannel[];
  contacts: Contacts;
}

/** A report delivery with the stored report it carries, as the worker and fallbacks need it. */
export interface ReportDeliveryRecord {
  id: number;
  reportId: number;
  channel: ChannelName;
  logical: LogicalChannel;
  recipient: string;
  status: DeliveryStatus;
  notBefore: number;
  route: LogicalChannel[];
  contacts: Contacts;
  /** The stored report (null when the report row is gone). */
  report: ReportData | null;
}

/** Where a stored report's mail stands, from its deliveries. */
export interface ReportMailState {
  /**
   * unplanned: not yet planned; skipped: planned, nobody to send it to (see note); pending: a
   * delivery still to go; sent: every delivery ended and at least one was sent; failed: none sent.
   */
  status: 'unplanned' | 'skipped' | 'pending' | 'sent' | 'failed';
  plannedAt: number | null;
  note: string | null;
  /** Addresses it was sent to (in planning order). */
  sentTo: string[];
  /** Deliveries of the report (fallbacks included). */
  deliveries: number;
}

/** A one-tap acknowledgement link to store with a claimed delivery (only the token's hash). */
export interface NewAckLinkRow {
  tokenHash: string;
  deliveryId: number | null;
  recipientName: string | null;
  recipientKey: string;
  alertIds: readonly number[];
  orgs: readonly string[];
  expiresAt: number;
}
