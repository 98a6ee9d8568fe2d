/**
 * What the delivery worker and the drainer use, over the store port: claim a delivery before
 * sending (a sent one is never sent again), its message composed from what the row carries — a
 * stored digest or a stored report —, attempts, sent/failed, and the fallback to the next channel
 * of the route after a permanent error (SMS invalid number → email). Warnings and report mail
 * share all of it.
 *
 * At-least-once window: if the provider accepted a message and the process died before markSent
 * committed, the claim lease expires and the delivery is sent again. markSent is one small
 * transaction right after `send` resolves, so the window is a few milliseconds of a crash.
 */
import type { Config } from '../config/schema.js';
import { shanghaiDate } from '../domain/calendar.js';
import { physicalChannel } from '../notifiers/config.js';
import type { ChannelName, LogicalChannel, OutgoingMessage } from '../notifiers/types.js';
import type { Store } from '../store/port.js';
import type { DeliveryStatus, FallbackCandidate, FallbackPolicy, NewAckLinkRow, ReminderRow, StoredDelivery } from '../store/types/deliveries.js';
import { truncateSmsParam } from '../notifiers/sms-params.js';
import { reminderDeliveryKey } from '../domain/reminders.js';
import { reportDeliveryKey, reportMessage } from '../reports/mail.js';
import type { BranchReport, CommitteeSummary } from '../reports/types.js';
import { composeMessage, type AckLinkRef } from './compose.js';
import { ackLinkFor, type AckLinkSettings } from './ack-links.js';
import { deliveryKey, sendOn } from './plan.js';
import { sendTime, type PlanConfig } from './planner.js';

/** A delivery that should be in a queue. */
export interface PendingDelivery {
  id: number;
  channel: ChannelName;
  notBefore: number;
}

/** A delivery ready to send: its address and the composed message. */
export interface DeliveryToSend extends PendingDelivery {
  status: DeliveryStatus;
  recipient: string;
  message: OutgoingMessage;
}

/** A claim's outcome: send it now, it is finished (never send again), or another worker holds it. */
export type DeliveryClaim =
  | { outcome: 'send'; delivery: DeliveryToSend }
  | { outcome: 'done'; status: Exclude<DeliveryStatus, 'pending'> | 'missing' }
  | { outcome: 'busy'; until: number };

/** One attempt as the worker reports it (the shape of src/jobs/outbox.ts AttemptRecord). */
export interface WorkerAttempt {
  deliveryId: number;
  attempt?: number;
  channel: ChannelName;
  recipient: string;
  startedAt: number;
  durationMs: number;
  providerMessageId: string | null;
  error: string | null;
  errorCode: string | null;
  permanent: boolean;
}

/**
 * A stored delivery with its message, composed by what the row carries: a digest is rendered
 * for its channel; a report is rendered on first use (a full report's HTML costs about a
 * millisecond, and callers that only read the status should not pay it). Undefined for a report
 * delivery whose report is gone (a claim cancels such a delivery).
 */
export function toSend(d: StoredDelivery, link?: AckLinkRef): DeliveryToSend | undefined {
  const base = { id: d.id, channel: d.channel, notBefore: d.notBefore, status: d.status, recipient: d.recipient };
  const c = d.carries;
  if (c.kind === 'digest') return { ...base, message: composeMessage(c.model, d.logical, d.recipient, link) };
  if (c.kind === 'reminder') return c.reminder ? { ...base, message: reminderMessage(c.reminder, d.logical, d.recipient) } : undefined;
  const report = c.report as BranchReport | CommitteeSummary | null;
  if (!report) return undefined;
  const emailCopy = !!d.contacts.email && d.route.includes('email');
  let message: OutgoingMessage | undefined;
  return {
    ...base,
    get message() {
      return (message ??= reportMessage(report, d.logical, d.recipient, emailCopy));
    },
  };
}

/** A stored reminder on a channel: its text by email and robot, the 'reminder' template by SMS (the text for a plain gateway). */
export function reminderMessage(r: ReminderRow, logical: LogicalChannel, to: string): OutgoingMessage {
  if (logical !== 'sms') return { to, subject: r.subject, text: r.text };
  const p = r.smsParams;
  return {
    to,
    subject: r.subject,
    text: r.text,
    sms: { template: 'reminder', params: { name: truncateSmsParam(p.name ?? ''), count: p.count ?? '0', level: p.level ?? '', deadline: p.deadline ?? '' } },
  };
}

/** One delivery with its message, or undefined. */
export async function getDelivery(store: Store, id: number): Promise<DeliveryToSend | undefined> {
  const d = await store.deliveries.get(id);
  return d && toSend(d);
}

/**
 * Claim delivery `id` for `owner` until now + leaseMs, BEFORE calling the provider. Only a pending
 * delivery can be claimed; another owner's unexpired claim → busy.
 */
export async function claimDelivery(store: Store, id: number, owner: string, now: number, leaseMs = 120_000, links?: AckLinkSettings): Promise<DeliveryClaim> {
  // A person's email or SMS carries a one-tap acknowledgement link, stored with the claim (only its hash).
  let ref: AckLinkRef | undefined;
  const linkFor = links
    ? (d: StoredDelivery): NewAckLinkRow | null => {
        if (d.carries.kind !== 'digest' || (d.logical !== 'email' && d.logical !== 'sms')) return null;
        const l = ackLinkFor(links, { deliveryId: d.id, recipientKey: d.carries.recipientKey, model: d.carries.model }, now);
        ref = l?.ref;
        return l?.row ?? null;
      }
    : undefined;
  const c = await store.deliveries.claim(id, owner, now, leaseMs, linkFor);
  if (c.outcome !== 'send') return c;
  const d = toSend(c.delivery, ref);
  return d ? { outcome: 'send', delivery: d } : { outcome: 'done', status: 'missing' };
}

/**
 * The fallback policy of a delivery that failed for good: the next channel of its route the
 * recipient can get. Idempotent: a delivery on that channel that already exists (the email copy
 * of an SMS, or a fallback made before a crash) is used instead of a new one; one that failed too
 * is skipped. SMS fallbacks respect the daily cap. No candidate left → null.
 */
export function fallbackPolicy(config: PlanConfig, now: number): FallbackPolicy {
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

/**
 * The outbox operations of the delivery path over the store (structurally the `Outbox` of
 * src/jobs/outbox.ts): claim, pending, get, markSent, recordFailure, giveUp.
 */
export function deliveryOutbox(config: PlanConfig & Partial<Pick<Config, 'http'>>) {
  const row = (a: WorkerAttempt) => ({
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
    claim: (store: Store, id: number, owner: string, now: number, leaseMs: number): Promise<DeliveryClaim> =>
      claimDelivery(store, id, owner, now, leaseMs, linkSettings(config)),
    pending: (store: Store, opts?: { dueBy?: number }): Promise<PendingDelivery[]> => store.deliveries.pending(opts),
    get: (store: Store, id: number): Promise<DeliveryToSend | undefined> => getDelivery(store, id),
    markSent: (store: Store, a: WorkerAttempt, now: number): Promise<void> => store.deliveries.markSent(row(a), now),
    recordFailure: (store: Store, a: WorkerAttempt, now: number): Promise<void> => store.deliveries.recordFailure(row(a), now),
    giveUp: (store: Store, a: WorkerAttempt, now: number): Promise<PendingDelivery | null> => store.deliveries.giveUp(row(a), now, fallbackPolicy(config, now)),
  };
}

/** Link settings when http.public_url is set (links need somewhere to point). */
function linkSettings(config: Partial<Pick<Config, 'http'>>): AckLinkSettings | undefined {
  const url = config.http?.public_url;
  return url ? { publicUrl: url, days: config.http!.ack_link_days } : undefined;
}
