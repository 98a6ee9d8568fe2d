/**
 * What the delivery worker and the drainer use: claim a delivery before sending (a sent one is
 * never sent again), its message composed from the stored digest — or, for a report delivery, from
 * the stored report —, attempts, sent/failed, and the fallback to the next channel of the route
 * after a permanent error (SMS invalid number → email). Warnings and report mail share all of it.
 *
 * At-least-once window: if the provider accepted a message and the process died before markSent
 * committed, the claim lease expires and the delivery is sent again. markSent is one small
 * transaction right after `send` resolves, so the window is a few milliseconds of a crash.
 */
import type { Config } from '../config/schema.js';
import { shanghaiDate } from '../domain/calendar.js';
import { physicalChannel } from '../notifiers/config.js';
import type { ChannelName, OutgoingMessage } from '../notifiers/types.js';
import type { Db } from '../store/sqlite/db.js';
import { inTransaction } from '../store/sqlite/alerts.js';
import { reportDeliveryRecord } from '../store/sqlite/report-mails.js';
import { reportDeliveryKey, reportMessage } from '../reports/mail.js';
import type { BranchReport, CommitteeSummary } from '../reports/types.js';
import {
  claimDeliveryRow,
  deliveryByKey,
  deliveryRecord,
  insertFallback,
  markFailed,
  markSent,
  pendingDeliveries,
  recordAttempt,
  releaseClaim,
  smsCountsOn,
  type DeliverySource,
  type DeliveryStatus,
} from '../store/sqlite/deliveries.js';
import { composeMessage } from './compose.js';
import { createAckLink, type AckLinkSettings } from './ack-links.js';
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

/** One delivery with its message composed from the stored digest (or report), or undefined. */
export function getDelivery(db: Db, id: number, links?: { settings: AckLinkSettings; now: number }): DeliveryToSend | undefined {
  const r = deliveryRecord(db, id);
  if (!r) return getReportDelivery(db, id);
  // A person's email or SMS carries a one-tap acknowledgement link (made per send: only its hash is kept).
  const link =
    links && (r.logical === 'email' || r.logical === 'sms')
      ? (createAckLink(db, links.settings, { deliveryId: r.id, recipientKey: r.recipientKey, model: r.model }, links.now) ?? undefined)
      : undefined;
  return {
    id: r.id,
    channel: r.channel,
    notBefore: r.notBefore,
    status: r.status,
    recipient: r.recipient,
    message: composeMessage(r.model, r.logical, r.recipient, link),
  };
}

/** A report delivery with the message of its stored report, or undefined. */
function getReportDelivery(db: Db, id: number): DeliveryToSend | undefined {
  const r = reportDeliveryRecord(db, id);
  // No report any more (deleted by hand): nothing to compose; a claim cancels such a delivery.
  const report = r?.report;
  if (!r || !report) return undefined;
  const emailCopy = !!r.contacts.email && r.route.includes('email');
  let message: OutgoingMessage | undefined;
  return {
    id: r.id,
    channel: r.channel,
    notBefore: r.notBefore,
    status: r.status,
    recipient: r.recipient,
    // Rendered on first use: a full report's HTML costs about a millisecond, and callers that only
    // read the status (`daemon --once` counting a city's sent reports) should not pay it.
    get message() {
      return (message ??= reportMessage(report as BranchReport | CommitteeSummary, r.logical, r.recipient, emailCopy));
    },
  };
}

/**
 * Claim delivery `id` for `owner` until now + leaseMs, BEFORE calling the provider. Only a pending
 * delivery can be claimed; another owner's unexpired claim → busy.
 */
export function claimDelivery(db: Db, id: number, owner: string, now: number, leaseMs = 120_000, links?: AckLinkSettings): DeliveryClaim {
  const c = claimDeliveryRow(db, id, owner, now, leaseMs);
  if (c.outcome !== 'send') return c;
  return { outcome: 'send', delivery: getDelivery(db, id, links ? { settings: links, now } : undefined)! };
}

/**
 * The fallback of a delivery that failed for good: the next channel of its digest's route the
 * recipient can get. Idempotent: a delivery on that channel that already exists (the email copy
 * of an SMS, or a fallback made before a crash) is returned instead of a new one; one that failed
 * too is skipped. SMS fallbacks respect the daily cap. Returns null when the route is exhausted.
 */
export function nextFallback(db: Db, deliveryId: number, config: PlanConfig, now: number): PendingDelivery | null {
  return inTransaction(db, () => {
    const alert = deliveryRecord(db, deliveryId);
    const report = alert ? undefined : reportDeliveryRecord(db, deliveryId);
    const d = alert ?? report;
    if (!d) return null;
    const source: DeliverySource = alert ? { digestId: alert.digestId } : { reportId: report!.reportId, route: report!.route, contacts: report!.contacts };
    const keyOf = (channel: ChannelName, recipient: string) =>
      alert ? deliveryKey(alert.recipientKey, channel, alert.eventIds) : reportDeliveryKey(report!.reportId, channel, recipient);
    const smsChannel = physicalChannel(config.channels, 'sms');
    const rest = d.route.slice(d.route.indexOf(d.logical) + 1);
    const notBefore = sendTime(config, now);
    const sendDay = shanghaiDate(notBefore);
    for (const logical of rest) {
      const send = sendOn(logical, d.contacts, smsChannel);
      if (!send.recipient) continue;
      const key = keyOf(send.channel, send.recipient);
      const existing = deliveryByKey(db, key);
      if (existing) {
        if (existing.status === 'failed' || existing.status === 'cancelled') continue;
        return { id: existing.id, channel: existing.channel, notBefore: existing.notBefore };
      }
      if (logical === 'sms' && (smsCountsOn(db, [send.recipient], sendDay).get(send.recipient) ?? 0) >= config.delivery.sms_daily_cap) continue;
      const { id } = insertFallback(db, { dedupKey: key, source, send, notBefore, sendDay, fallbackOf: d.id }, now);
      return { id, channel: send.channel, notBefore };
    }
    return null;
  });
}

/**
 * The outbox operations of the delivery path over this module (structurally the `Outbox` of
 * src/jobs/outbox.ts): claim, pending, get, markSent, recordFailure, giveUp.
 */
export function deliveryOutbox(config: PlanConfig & Partial<Pick<Config, 'http'>>) {
  const attempt = (db: Db, a: WorkerAttempt) =>
    recordAttempt(db, {
      deliveryId: a.deliveryId,
      channel: a.channel,
      recipient: a.recipient,
      providerMessageId: a.providerMessageId,
      error: a.error,
      errorCode: a.errorCode,
      permanent: a.permanent,
      durationMs: a.durationMs,
      at: a.startedAt,
    });
  return {
    claim: (db: Db, id: number, owner: string, now: number, leaseMs: number): DeliveryClaim => claimDelivery(db, id, owner, now, leaseMs, linkSettings(config)),
    pending: (db: Db, opts?: { dueBy?: number }): PendingDelivery[] => pendingDeliveries(db, opts),
    get: (db: Db, id: number): DeliveryToSend | undefined => getDelivery(db, id),
    markSent(db: Db, a: WorkerAttempt, now: number): void {
      inTransaction(db, () => {
        attempt(db, a);
        markSent(db, a.deliveryId, a.providerMessageId, now);
      });
    },
    recordFailure(db: Db, a: WorkerAttempt, _now: number): void {
      inTransaction(db, () => {
        attempt(db, a);
        releaseClaim(db, a.deliveryId);
      });
    },
    giveUp(db: Db, a: WorkerAttempt, now: number): PendingDelivery | null {
      return inTransaction(db, () => {
        attempt(db, a);
        markFailed(db, a.deliveryId, a.error, now);
        return nextFallback(db, a.deliveryId, config, now);
      });
    },
  };
}

/** Link settings from the configuration, or undefined while http.public_url is unset. */
function linkSettings(config: Partial<Pick<Config, 'http'>>): AckLinkSettings | undefined {
  const url = config.http?.public_url;
  return url ? { publicUrl: url, days: config.http!.ack_link_days } : undefined;
}
