/**
 * The delivery transactions of the port on SQLite: a delivery with what it carries (one query:
 * the row says digest or report), the worker's claim / sent / failure / give-up writes, and
 * outbox planning as load → decide (pure) → apply. The database write lock is the "sms-day" lock:
 * counting SMS and writing the deliveries that count happen in one IMMEDIATE transaction.
 */
import type { OrgContacts } from '../../domain/digest.js';
import type {
  AttemptRow,
  DeliveryClaimRow,
  FallbackPolicy,
  LoadedFallbackCandidate,
  NewAckLinkRow,
  OutboxPlanLoad,
  OutboxPlanWrite,
  PendingDeliveryRow,
  PlanWriteResult,
  StoredDelivery,
} from '../types/deliveries.js';
import { inTransaction, prepared } from './alerts.js';
import { insertAckLink } from './ack-links.js';
import type { Db } from './db.js';
import { reminderNamed } from './weak-branches.js';
import { storedDeliveryFromRow } from '../rows/stored-delivery.js';
import {
  claimDeliveryRow,
  deliveryByKey,
  insertFallback,
  markFailed,
  markSent,
  orgContacts,
  recordAttempt,
  releaseClaim,
  smsCountsOn,
  unplannedOutbox,
  unplannedOutboxUnder,
  writePlan,
} from './deliveries.js';
import type { DeliverySource, DeliveryStatus } from '../types/deliveries.js';
import { STALE_DELIVERY, STALE_REASON } from '../rows/stale-delivery.js';

/** One delivery with what it carries, read from its row (digest_id, report_id or reminder_id), or undefined. */
export function storedDelivery(db: Db, id: number): StoredDelivery | undefined {
  const r = prepared(
    db,
    `SELECT d.id, d.dedup_key AS dedupKey, d.channel, d.logical, d.recipient, d.status, d.not_before AS notBefore,
            d.send_day AS sendDay, d.attempts, d.claimed_until AS claimedUntil, d.claimed_by AS claimedBy, d.sent_at AS sentAt,
            d.provider_message_id AS providerMessageId, d.last_error AS lastError, d.fallback_of AS fallbackOf,
            d.digest_id AS digestId, d.report_id AS reportId, d.route AS dRoute, d.contacts AS dContacts,
            d.reminder_id AS reminderId, m.kind AS mKind, m.designation_id AS mDesignation, m.recipient_key AS mRecipient, m.org AS mOrg, m.month AS mMonth, m.subject AS mSubject, m.text AS mText, m.sms_params AS mSms,
            g.recipient_key AS recipientKey, g.contacts AS gContacts, g.route AS gRoute, g.model, g.level,
            CASE WHEN g.id IS NULL THEN NULL ELSE
              (SELECT json_group_array(event_id) FROM (SELECT event_id FROM alert_digest_items WHERE digest_id = g.id ORDER BY event_id)) END AS eventIds,
            CASE WHEN g.id IS NULL THEN NULL ELSE
              (SELECT json_group_array(alert_id) FROM (SELECT DISTINCT i.alert_id FROM alert_digest_items i JOIN alerts a ON a.id = i.alert_id
                                                        WHERE i.digest_id = g.id AND a.state <> 'open' ORDER BY i.alert_id)) END AS closedAlerts,
            r.data AS reportData
       FROM deliveries d
       LEFT JOIN alert_digests g ON g.id = d.digest_id
       LEFT JOIN reports r ON r.id = d.report_id
       LEFT JOIN reminders m ON m.id = d.reminder_id
      WHERE d.id = ?`,
  ).get(id) as Record<string, unknown> | undefined;
  const d = r ? storedDeliveryFromRow(r, (raw) => JSON.parse(raw as string) as number[]) : undefined;
  if (d?.carries.kind === 'reminder' && d.carries.reminder) d.carries.reminder.named = reminderNamed(db, d.carries.reminderId);
  return d;
}

/** Claim (see DeliveriesRepo.claim); the delivery is read in the same transaction as the claim. */
export function claimTx(db: Db, id: number, owner: string, now: number, leaseMs: number, linkFor?: (d: StoredDelivery) => NewAckLinkRow | null): DeliveryClaimRow {
  const c = claimDeliveryRow(db, id, owner, now, leaseMs);
  if (c.outcome !== 'send') return c;
  const delivery = storedDelivery(db, id);
  if (!delivery) return { outcome: 'done', status: 'missing' };
  const link = linkFor?.(delivery);
  if (link) insertAckLink(db, link, now);
  return { outcome: 'send', delivery };
}

// `+status` in both: the rows are found by their ids (primary key). Without it SQLite's planner
// walks the (status, not_before) index over every pending delivery and filters by id: with 100,000
// SMS pending, each claim of 16 read them all (tests/store/sqlite-claim-plan.test.ts).
/** claimMany's stale-cancel of a list of ids (@ids: a JSON array). */
export const STALE_MANY_SQL = `UPDATE deliveries SET status = 'cancelled', claimed_until = NULL, claimed_by = NULL, last_error = ${STALE_REASON}
        WHERE id IN (SELECT value FROM json_each(@ids)) AND +status = 'pending' AND ${STALE_DELIVERY} RETURNING id`;
/** claimMany's compare-and-set of a list of ids (@ids, @owner, @now, @until). */
export const CLAIM_MANY_SQL = `UPDATE deliveries SET claimed_by = @owner, claimed_until = @until
        WHERE id IN (SELECT value FROM json_each(@ids)) AND +status = 'pending'
          AND (claimed_until IS NULL OR claimed_until <= @now OR claimed_by = @owner) RETURNING id`;

/**
 * Claims of several deliveries for one owner (see DeliveriesRepo.claimMany): the stale ones cancelled
 * and the others compare-and-set in ONE statement each for the whole list (the conditions of
 * claimDeliveryRow), then each won delivery read as claimTx reads it. Call inside a transaction.
 */
export function claimManyTx(db: Db, ids: readonly number[], owner: string, now: number, leaseMs: number, linkFor?: (d: StoredDelivery) => NewAckLinkRow | null): DeliveryClaimRow[] {
  if (ids.length <= 1) return ids.map((id) => claimTx(db, id, owner, now, leaseMs, linkFor));
  const list = JSON.stringify(ids);
  const stale = new Set(prepared(db, STALE_MANY_SQL).pluck().all({ ids: list }) as number[]);
  const won = new Set(prepared(db, CLAIM_MANY_SQL).pluck().all({ ids: list, owner, now, until: now + leaseMs }) as number[]);
  const statusOf = prepared(db, 'SELECT status, claimed_until AS claimedUntil FROM deliveries WHERE id = ?');
  return ids.map((id): DeliveryClaimRow => {
    if (stale.has(id)) return { outcome: 'done', status: 'cancelled' };
    if (!won.has(id)) {
      const row = statusOf.get(id) as { status: DeliveryStatus; claimedUntil: number | null } | undefined;
      if (!row) return { outcome: 'done', status: 'missing' };
      if (row.status !== 'pending') return { outcome: 'done', status: row.status };
      return { outcome: 'busy', until: row.claimedUntil ?? now };
    }
    const delivery = storedDelivery(db, id);
    if (!delivery) return { outcome: 'done', status: 'missing' };
    const link = linkFor?.(delivery);
    if (link) insertAckLink(db, link, now);
    return { outcome: 'send', delivery };
  });
}

function attempt(db: Db, a: AttemptRow): number {
  return recordAttempt(db, {
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
}

export function markSentTx(db: Db, a: AttemptRow, now: number): void {
  inTransaction(db, () => {
    attempt(db, a);
    markSent(db, a.deliveryId, a.providerMessageId, now);
  });
}

/**
 * Several sent-marks in one transaction (the batch delivery job's): per attempt, ONE update counts it,
 * marks the delivery sent (when pending or failed: a cancelled one stays cancelled, as markSent's
 * WHERE) and releases the claim, returning the attempt's number; then its attempt row. Two statements
 * a message instead of markSentTx's four (count, insert, count update, sent update); the same rows.
 */
export function markSentManyTx(db: Db, list: readonly AttemptRow[], now: number): void {
  const mark = prepared(
    db,
    `UPDATE deliveries SET attempts = attempts + 1, last_error = coalesce(@error, last_error),
            status = CASE WHEN status IN ('pending', 'failed') THEN 'sent' ELSE status END,
            sent_at = CASE WHEN status IN ('pending', 'failed') THEN coalesce(sent_at, @now) ELSE sent_at END,
            provider_message_id = CASE WHEN status IN ('pending', 'failed') THEN coalesce(provider_message_id, @pid) ELSE provider_message_id END,
            claimed_until = CASE WHEN status IN ('pending', 'failed') THEN NULL ELSE claimed_until END,
            claimed_by = CASE WHEN status IN ('pending', 'failed') THEN NULL ELSE claimed_by END
      WHERE id = @id RETURNING attempts`,
  ).pluck();
  const insert = prepared(
    db,
    `INSERT INTO delivery_attempts (delivery_id, attempt, channel, recipient, started_at, duration_ms, provider_message_id, error, error_code, permanent)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  inTransaction(db, () => {
    for (const a of list) {
      const n = mark.get({ id: a.deliveryId, error: a.error, now, pid: a.providerMessageId }) as number | undefined;
      if (n === undefined) throw new Error(`delivery ${a.deliveryId} not found / 投递 ${a.deliveryId} 不存在`);
      insert.run(a.deliveryId, n, a.channel, a.recipient, a.startedAt, Math.round(a.durationMs), a.providerMessageId, a.error, a.errorCode ?? null, a.permanent ? 1 : 0);
    }
  });
}

export function recordFailureTx(db: Db, a: AttemptRow): void {
  inTransaction(db, () => {
    attempt(db, a);
    releaseClaim(db, a.deliveryId);
  });
}

/** The fallback of a delivery chosen by `policy` (see DeliveriesRepo.giveUp); call inside a transaction. */
export function fallbackOf(db: Db, deliveryId: number, policy: FallbackPolicy, now: number): PendingDeliveryRow | null {
  const d = storedDelivery(db, deliveryId);
  if (!d) return null;
  const cands = policy.candidates(d);
  const smsPhones = cands.filter((c) => c.send.logical === 'sms').map((c) => c.send.recipient);
  const counts = smsPhones.length ? smsCountsOn(db, smsPhones, policy.sendDay) : new Map<string, number>();
  const loaded: LoadedFallbackCandidate[] = cands.map((c) => ({
    ...c,
    existing: deliveryByKey(db, c.dedupKey) ?? null,
    smsCount: c.send.logical === 'sms' ? (counts.get(c.send.recipient) ?? 0) : 0,
  }));
  const choice = policy.pick(loaded);
  if (!choice) return null;
  if ('use' in choice) {
    const e = choice.use.existing!;
    return { id: e.id, channel: e.channel, notBefore: e.notBefore };
  }
  const c = choice.insert;
  const source = sourceOf(d);
  const { id } = insertFallback(db, { dedupKey: c.dedupKey, source, send: c.send, notBefore: policy.notBefore, sendDay: policy.sendDay, fallbackOf: d.id }, now);
  return { id, channel: c.send.channel, notBefore: policy.notBefore };
}

export function giveUpTx(db: Db, a: AttemptRow, now: number, policy: FallbackPolicy): PendingDeliveryRow | null {
  return inTransaction(db, () => {
    attempt(db, a);
    markFailed(db, a.deliveryId, a.error, now);
    return fallbackOf(db, a.deliveryId, policy, now);
  });
}

export function planOutboxTx<R>(
  db: Db,
  spec: { sendDay: string; now: number; phonesOf(contacts: ReadonlyMap<string, OrgContacts>): string[]; committees?: readonly string[] },
  decide: (load: OutboxPlanLoad) => { write: OutboxPlanWrite; result: R },
): { result: R; written: PlanWriteResult } {
  return inTransaction(db, () => {
    const entries = spec.committees === undefined ? unplannedOutbox(db) : spec.committees.length ? unplannedOutboxUnder(db, spec.committees) : [];
    const contacts = orgContacts(db, entries.filter((e) => e.alertState === 'open').map((e) => e.item.org));
    const phones = spec.phonesOf(contacts);
    const smsCounts = phones.length ? smsCountsOn(db, phones, spec.sendDay) : new Map<string, number>();
    const { write, result } = decide({ entries, contacts, smsCounts });
    const written = writePlan(db, write.plans, write.notBefore, write.sendDay, write.notes, spec.now);
    return { result, written };
  });
}

/** What a fallback of `d` carries: the same digest, report or reminder (with the route and contacts a report or reminder keeps on its rows). */
function sourceOf(d: StoredDelivery): DeliverySource {
  const c = d.carries;
  if (c.kind === 'digest') return { digestId: c.digestId };
  if (c.kind === 'report') return { reportId: c.reportId, route: d.route, contacts: d.contacts };
  return { reminderId: c.reminderId, route: d.route, contacts: d.contacts };
}
