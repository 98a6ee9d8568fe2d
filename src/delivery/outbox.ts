/**
 * What the delivery worker and the drainer use, over the store port: claim a delivery before
 * sending (a sent one is never sent again), its message composed by what the ROW carries — a
 * digest, a stored report or a reminder: `StoredDelivery.carries` names it, and that kind's
 * composer renders it —, attempts, sent/failed, and the fallback to the next channel of the route
 * after a permanent error (SMS invalid number → email). Every kind of delivery shares all of it.
 * The composers are given by the caller (src/jobs wires alerts' and reports' renderers), so this
 * wing depends on neither.
 *
 * At-least-once window: if the provider accepted a message and the process died before markSent
 * committed, the claim lease expires and the delivery is sent again. markSent is one small
 * transaction right after `send` resolves, so the window is a few milliseconds of a crash.
 */
import type { Config } from '../config/schema.js';
import { shanghaiDate } from '../domain/calendar.js';
import type { DigestModel } from '../domain/digest.js';
import type { LogicalChannel, OutgoingMessage } from '../notifiers/types.js';
import { physicalChannel } from '../notifiers/config.js';
import type { Store } from '../store/port.js';
import type { ClaimOutcome, FallbackCandidate, FallbackPolicy, NewAckLinkRow, ReminderRow, ReportData, StoredDelivery } from '../store/types/deliveries.js';
import { withOpenItems } from './open-items.js';
import { deliveryKey, reminderDeliveryKey, reportDeliveryKey, sendOn } from './policy.js';
import { sendTime } from './schedule.js';
import type { Attempt, DeliveryClaim, DeliveryToSend, PendingDelivery } from './types.js';

/** The renderers of each kind a delivery can carry; `L` is what a one-tap link gives the digest composer. */
export interface Composers<L = unknown> {
  /** `at`: the send time (a claim's now), for what the message says as of then. */
  digest(model: DigestModel, logical: LogicalChannel, to: string, link?: L, at?: number): OutgoingMessage;
  /** `emailCopy`: the recipient also gets the full report by email (an SMS then points to it). */
  report(report: ReportData, logical: LogicalChannel, to: string, emailCopy: boolean): OutgoingMessage;
  reminder(reminder: ReminderRow, logical: LogicalChannel, to: string): OutgoingMessage;
  /** A one-tap link to store with a won claim of a digest delivery (null: none). */
  ackLink?(d: StoredDelivery & { carries: { kind: 'digest' } }, now: number): { row: NewAckLinkRow; ref: L } | null;
}

/**
 * A stored delivery with its message, composed by the kind its row carries. A report is rendered
 * on first use (a full report's HTML costs about a millisecond, and callers that only read the
 * status should not pay it). Undefined for a report or reminder that is gone (a claim cancels it).
 */
export function toSend<L>(d: StoredDelivery, composers: Composers<L>, link?: L, at?: number): DeliveryToSend | undefined {
  const base = { id: d.id, channel: d.channel, notBefore: d.notBefore, status: d.status, recipient: d.recipient, attempts: d.attempts };
  // A digest says only what is still open when it is sent (src/delivery/open-items.ts).
  const c = withOpenItems(d).carries;
  switch (c.kind) {
    case 'digest':
      return { ...base, message: composers.digest(c.model, d.logical, d.recipient, link, at) };
    case 'reminder':
      return c.reminder ? { ...base, message: composers.reminder(c.reminder, d.logical, d.recipient) } : undefined;
    case 'report': {
      const report = c.report;
      if (!report) return undefined;
      const emailCopy = !!d.contacts.email && d.route.includes('email');
      let message: OutgoingMessage | undefined;
      return {
        ...base,
        get message() {
          return (message ??= composers.report(report, d.logical, d.recipient, emailCopy));
        },
      };
    }
  }
}

/**
 * Claim delivery `id` for `owner` until now + leaseMs, BEFORE calling the provider. Only a pending
 * delivery can be claimed; another owner's unexpired claim → busy.
 */
export async function claimDelivery<L>(store: Store, composers: Composers<L>, id: number, owner: string, now: number, leaseMs = 120_000, renderAt = now): Promise<DeliveryClaim> {
  const links = linkRefs(composers, now);
  const c = await store.deliveries.claim(id, owner, now, leaseMs, links.linkFor);
  return composed(c, composers, links.refs, renderAt);
}

/** claimDelivery for several ids in one store call (a batch job): the outcome of each, in order. */
export async function claimDeliveries<L>(store: Store, composers: Composers<L>, ids: readonly number[], owner: string, now: number, leaseMs = 120_000, renderAt = now): Promise<DeliveryClaim[]> {
  const links = linkRefs(composers, now);
  const cs = await store.deliveries.claimMany(ids, owner, now, leaseMs, links.linkFor);
  return cs.map((c) => composed(c, composers, links.refs, renderAt));
}

/** The one-tap link of each won digest claim, by delivery id (what the composer puts in its message). */
function linkRefs<L>(composers: Composers<L>, now: number): { linkFor?: (d: StoredDelivery) => NewAckLinkRow | null; refs: Map<number, L> } {
  const refs = new Map<number, L>();
  if (!composers.ackLink) return { refs };
  return {
    refs,
    linkFor: (d) => {
      if (d.carries.kind !== 'digest') return null;
      const l = composers.ackLink!(withOpenItems(d) as StoredDelivery & { carries: { kind: 'digest' } }, now);
      if (l) refs.set(d.id, l.ref);
      return l?.row ?? null;
    },
  };
}

function composed<L>(c: ClaimOutcome<StoredDelivery>, composers: Composers<L>, refs: Map<number, L>, renderAt: number): DeliveryClaim {
  if (c.outcome !== 'send') return c;
  const d = toSend(c.delivery, composers, refs.get(c.delivery.id), renderAt);
  return d ? { outcome: 'send', delivery: d } : { outcome: 'done', status: 'missing' };
}

/** The config sections fallbacks read. */
export type FallbackConfig = Pick<Config, 'channels' | 'delivery' | 'calendar'>;

/**
 * The fallback policy of a delivery that failed for good: the next channel of its route the
 * recipient can get, keyed by what the row carries. Idempotent: a delivery on that channel that
 * already exists (the email copy of an SMS, or a fallback made before a crash) is used instead of
 * a new one; one that failed too is skipped. SMS fallbacks respect the daily cap. None left → null.
 */
export function fallbackPolicy(config: FallbackConfig, now: number): FallbackPolicy {
  const smsChannel = physicalChannel(config.channels, 'sms');
  const notBefore = sendTime(config, now);
  return {
    notBefore,
    sendDay: shanghaiDate(notBefore),
    candidates(d) {
      const out: FallbackCandidate[] = [];
      for (const logical of d.route.slice(d.route.indexOf(d.logical) + 1)) {
        const send = sendOn(logical, d.contacts, smsChannel);
        if (!send.recipient) continue;
        const c = d.carries;
        const dedupKey =
          c.kind === 'digest'
            ? deliveryKey(c.recipientKey, send.channel, c.eventIds)
            : c.kind === 'report'
              ? reportDeliveryKey(c.reportId, send.channel, send.recipient)
              : reminderDeliveryKey(c.reminderId, send.channel, send.recipient);
        out.push({ dedupKey, send });
      }
      return out;
    },
    pick(cands) {
      for (const c of cands) {
        if (c.existing) {
          if (c.existing.status === 'failed' || c.existing.status === 'cancelled') continue;
          return { use: c };
        }
        if (c.send.logical === 'sms' && c.smsCount >= config.delivery.sms_daily_cap) continue;
        return { insert: c };
      }
      return null;
    },
  };
}

/** The outbox operations of the delivery path, over the store port: what the delivery worker and the drainer use. */
export interface DeliveryOutbox {
  /**
   * Claim a pending delivery for `owner` (one job attempt: instance id + BullMQ token) until
   * now + leaseMs, BEFORE calling the provider. A claim of another owner whose lease has not
   * expired → busy (two jobs for one delivery exist only after Redis lost its queue mid-send).
   * markSent / recordFailure / giveUp release the claim. `renderAt`: the as-of time the message
   * is rendered for (the daemon's clock; default now).
   */
  claim(store: Store, id: number, owner: string, now: number, leaseMs: number, renderAt?: number): Promise<DeliveryClaim>;
  /** `claim` for several deliveries in one store call (a batch job): each one's outcome, in order. */
  claimMany(store: Store, ids: readonly number[], owner: string, now: number, leaseMs: number, renderAt?: number): Promise<DeliveryClaim[]>;
  /** Pending deliveries (not sent, failed or cancelled), oldest first; `dueBy` limits to notBefore ≤ dueBy. */
  pending(store: Store, opts?: { dueBy?: number }): Promise<PendingDelivery[]>;
  /** One delivery with its rendered message, or undefined if it does not exist. */
  get(store: Store, id: number): Promise<DeliveryToSend | undefined>;
  /** Success: record the attempt and mark the delivery sent, in one transaction. */
  markSent(store: Store, a: Attempt, now: number): Promise<void>;
  /** `markSent` for several successes in one store call (one transaction). */
  markSentMany(store: Store, list: readonly Attempt[], now: number): Promise<void>;
  /** A failed attempt that will be retried. */
  recordFailure(store: Store, a: Attempt, now: number): Promise<void>;
  /**
   * Give up on this delivery (permanent error, or attempts exhausted): record the attempt, mark it
   * failed and create the fallback delivery on the route's next channel, idempotently, in one
   * transaction. Returns the fallback (existing or new), or null when the route has no next channel.
   */
  giveUp(store: Store, a: Attempt, now: number): Promise<PendingDelivery | null>;
}

/** The outbox over the store with these composers. */
export function deliveryOutbox<L>(config: FallbackConfig, composers: Composers<L>): DeliveryOutbox {
  const row = (a: Attempt) => ({
    deliveryId: a.deliveryId,
    channel: a.channel,
    recipient: a.recipient,
    startedAt: a.startedAt,
    durationMs: a.durationMs,
    providerMessageId: a.providerMessageId,
    error: a.error,
    errorCode: a.errorCode,
    permanent: a.permanent,
  });
  return {
    claim: (store, id, owner, now, leaseMs, renderAt) => claimDelivery(store, composers, id, owner, now, leaseMs, renderAt),
    claimMany: (store, ids, owner, now, leaseMs, renderAt) => claimDeliveries(store, composers, ids, owner, now, leaseMs, renderAt),
    pending: (store, opts) => store.deliveries.pending(opts),
    get: async (store, id) => {
      const d = await store.deliveries.get(id);
      return d && toSend(d, composers);
    },
    markSent: (store, a, now) => store.deliveries.markSent(row(a), now),
    markSentMany: (store, list, now) => store.deliveries.markSentMany(list.map(row), now),
    recordFailure: (store, a, now) => store.deliveries.recordFailure(row(a), now),
    giveUp: (store, a, now) => store.deliveries.giveUp(row(a), now, fallbackPolicy(config, now)),
  };
}
