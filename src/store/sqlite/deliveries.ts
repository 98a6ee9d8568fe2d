/**
 * Queries of the delivery side: the unplanned outbox, contacts of the orgs involved, per-day SMS
 * counts, writing a plan (digests, their items, deliveries; outbox rows marked planned), the
 * worker's claim/attempt/sent/failed writes, fallbacks, and the figures of `orglife stats`.
 * The deliveries table is the one log of warnings (digest_id) and report mail (report_id; written
 * by ./report-mails.ts); claim, attempts, sent/failed and fallbacks here serve both.
 * All synchronous; lists go to SQLite as one JSON parameter (json_each), never one query per row.
 */
import type { Db } from './db.js';
import { emptyPeriodStats } from '../rows/period-stats.js';
import { prepared } from './alerts.js';
import type { DigestItem, DigestItemRow, OrgContacts, PlannedSend } from '../../domain/digest.js';
import type { Level } from '../../domain/types.js';
import type { ChannelName } from '../../domain/channels.js';
import type {
  AttemptInput,
  ClaimRow,
  DeliveryListRow,
  DeliverySource,
  DeliveryStatus,
  DigestPlan,
  OutboxEntry,
  PendingDeliveryRow,
  PeriodStats,
  PlanWriteResult,
} from '../types/deliveries.js';
import { STALE_DELIVERY, STALE_REASON } from '../rows/stale-delivery.js';

/** Outbox rows not yet planned, oldest first. */
export function unplannedOutbox(db: Db): OutboxEntry[] {
  const rows = prepared(
    db,
    `SELECT o.event_id AS eventId, o.alert_id AS alertId, e.kind, e.reason, e.level, e.detail,
              a.org, a.rule, a.period, a.due_at AS dueAt, a.message, a.state AS alertState
         FROM alert_outbox o
         JOIN alert_events e ON e.id = o.event_id
         JOIN alerts a ON a.id = o.alert_id
        WHERE o.planned_at IS NULL
        ORDER BY o.event_id`,
  ).all() as (Omit<DigestItem, 'repeat'> & { detail: string | null; alertState: OutboxEntry['alertState'] })[];
  return rows.map(({ detail, alertState, ...r }) => {
    const d = detail ? (JSON.parse(detail) as { repeat?: number }) : null;
    return { alertState, item: d?.repeat ? { ...r, repeat: d.repeat } : r };
  });
}

/** Unplanned outbox rows per parent committee code ('' for branches without one), in code order. */
export function unplannedByCommittee(db: Db): { committee: string; rows: number }[] {
  return prepared(
    db,
    `SELECT coalesce(g.parent, '') AS committee, count(*) AS rows
       FROM alert_outbox o
       JOIN alerts a ON a.id = o.alert_id
       LEFT JOIN orgs g ON g.code = a.org
      WHERE o.planned_at IS NULL
      GROUP BY 1
      ORDER BY 1`,
  ).all() as { committee: string; rows: number }[];
}

/**
 * The unplanned outbox rows of the branches under these committees, oldest event first. Every chunk
 * walks the whole unplanned outbox (a province's first cycle: ~200,000 rows, ~10 chunks), so the
 * join order is fixed (CROSS JOIN): the committee test runs before the event row is read, and the
 * rows of other chunks cost two lookups (alert, org) instead of three.
 */
export const UNPLANNED_UNDER_SQL = `SELECT o.event_id AS eventId, o.alert_id AS alertId, e.kind, e.reason, e.level, e.detail,
              a.org, a.rule, a.period, a.due_at AS dueAt, a.message, a.state AS alertState
         FROM alert_outbox o
         CROSS JOIN alerts a ON a.id = o.alert_id
         LEFT JOIN orgs g ON g.code = a.org
         CROSS JOIN alert_events e ON e.id = o.event_id
        WHERE o.planned_at IS NULL
          AND coalesce(g.parent, '') IN (SELECT value FROM json_each(@committees))
        ORDER BY o.event_id`;

export function unplannedOutboxUnder(db: Db, committees: readonly string[]): OutboxEntry[] {
  const rows = prepared(
    db,
    UNPLANNED_UNDER_SQL,
  ).all({ committees: JSON.stringify(committees) }) as (Omit<DigestItem, 'repeat'> & { detail: string | null; alertState: OutboxEntry['alertState'] })[];
  return rows.map(({ detail, alertState, ...r }) => {
    const d = detail ? (JSON.parse(detail) as { repeat?: number }) : null;
    return { alertState, item: d?.repeat ? { ...r, repeat: d.repeat } : r };
  });
}

const ORG_CONTACT_COLUMNS = `code, name, kind, parent, secretary, secretary_phone AS secretaryPhone, secretary_email AS secretaryEmail,
  clerk, clerk_phone AS clerkPhone, clerk_email AS clerkEmail, deputy, deputy_phone AS deputyPhone, deputy_email AS deputyEmail`;

/** Contacts of the given orgs and of their parents, by code. */
export function orgContacts(db: Db, codes: readonly string[]): Map<string, OrgContacts> {
  const rows = prepared(
    db,
    `SELECT ${ORG_CONTACT_COLUMNS} FROM orgs
        WHERE code IN (SELECT value FROM json_each(@codes))
           OR code IN (SELECT parent FROM orgs WHERE code IN (SELECT value FROM json_each(@codes)))`,
  ).all({ codes: JSON.stringify([...new Set(codes)]) }) as OrgContacts[];
  return new Map(rows.map((r) => [r.code, r]));
}

/** SMS already sent or planned per phone on a Shanghai day ('YYYY-MM-DD'). */
export function smsCountsOn(db: Db, phones: readonly string[], day: string): Map<string, number> {
  const rows = prepared(
    db,
    `SELECT recipient, count(*) AS n FROM deliveries
        WHERE logical = 'sms' AND send_day = @day AND status IN ('pending', 'sent')
          AND recipient IN (SELECT value FROM json_each(@phones))
        GROUP BY recipient`,
  ).all({ day, phones: JSON.stringify([...new Set(phones)]) }) as { recipient: string; n: number }[];
  return new Map(rows.map((r) => [r.recipient, r.n]));
}

/**
 * Write a plan: digests (keyed, so a re-plan reuses them), their items, deliveries (dedup key:
 * never a second one), and mark the outbox rows planned with their note. Call inside the
 * planner's transaction.
 */
export function writePlan(
  db: Db,
  plans: readonly DigestPlan[],
  notBefore: number,
  sendDay: string,
  notes: ReadonlyMap<number, string>,
  now: number,
): PlanWriteResult {
  const insDigest = prepared(
    db,
    `INSERT INTO alert_digests (key, recipient_key, recipient_name, contacts, route, level, model, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING`,
  );
  const digestId = prepared(db, 'SELECT id FROM alert_digests WHERE key = ?').pluck();
  const insItem = prepared(
    db,
    `INSERT INTO alert_digest_items (digest_id, event_id, alert_id, org, committee, level, role)
     VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
  );
  const insDelivery = prepared(
    db,
    `INSERT INTO deliveries (dedup_key, digest_id, channel, logical, recipient, status, not_before, send_day, created_at)
     VALUES (?, ?, ?, ?, ?, 'pending', ?, ?, ?) ON CONFLICT (dedup_key) DO NOTHING`,
  );
  const planned = prepared(db, 'UPDATE alert_outbox SET planned_at = ?, note = ? WHERE event_id = ? AND planned_at IS NULL');
  const out: PlanWriteResult = { digests: 0, deliveries: 0 };
  for (const { digest: d, sends, keys } of plans) {
    const info = insDigest.run(d.key, d.recipientKey, d.recipientName, JSON.stringify(d.contacts), JSON.stringify(d.route), d.level, JSON.stringify(d.model), now);
    const id = info.changes ? Number(info.lastInsertRowid) : (digestId.get(d.key) as number);
    if (info.changes) {
      out.digests++;
      for (const i of d.items) insItem.run(id, i.eventId, i.alertId, i.org, i.committee, i.level, i.role);
    }
    sends.forEach((s, n) => {
      out.deliveries += insDelivery.run(keys[n], id, s.channel, s.logical, s.recipient, notBefore, sendDay, now).changes;
    });
  }
  for (const [eventId, note] of notes) planned.run(now, note, eventId);
  return out;
}

/** Pending deliveries, oldest first; with `dueBy`, only those whose not_before ≤ dueBy. */
export function pendingDeliveries(db: Db, opts: { dueBy?: number } = {}): PendingDeliveryRow[] {
  const due = opts.dueBy !== undefined ? ' AND not_before <= @dueBy' : '';
  return prepared(db, `SELECT id, channel, not_before AS notBefore FROM deliveries WHERE status = 'pending'${due} ORDER BY not_before, id`)
    .all(opts.dueBy !== undefined ? { dueBy: opts.dueBy } : {}) as PendingDeliveryRow[];
}

/**
 * Claim a pending delivery for `owner` until now + leaseMs (atomic UPDATE … WHERE: two workers can
 * never both win). A sent, failed or cancelled delivery is never claimed again; an alert delivery
 * whose alerts are all resolved or acknowledged by now, or a report delivery whose report is gone,
 * is cancelled instead.
 */
export function claimDeliveryRow(db: Db, id: number, owner: string, now: number, leaseMs: number): ClaimRow {
  // A message held by quiet hours (a week of holidays, say) may be stale by the time it is due: when
  // none of the alerts it carries is still open (all resolved or acknowledged), it is cancelled; so
  // is a report delivery whose stored report was deleted, and a reminder of a designation removed meanwhile.
  const stale = prepared(
    db,
    `UPDATE deliveries SET status = 'cancelled', claimed_until = NULL, claimed_by = NULL, last_error = ${STALE_REASON}
      WHERE id = @id AND status = 'pending' AND ${STALE_DELIVERY}`,
  ).run({ id }).changes;
  if (stale) return { outcome: 'done', status: 'cancelled' };
  const won = prepared(
    db,
    `UPDATE deliveries SET claimed_by = @owner, claimed_until = @until
        WHERE id = @id AND status = 'pending' AND (claimed_until IS NULL OR claimed_until <= @now OR claimed_by = @owner)`,
  ).run({ id, owner, now, until: now + leaseMs }).changes;
  if (won) return { outcome: 'send' };
  const row = prepared(db, 'SELECT status, claimed_until AS claimedUntil FROM deliveries WHERE id = ?').get(id) as
    | { status: DeliveryStatus; claimedUntil: number | null }
    | undefined;
  if (!row) return { outcome: 'done', status: 'missing' };
  if (row.status !== 'pending') return { outcome: 'done', status: row.status };
  return { outcome: 'busy', until: row.claimedUntil ?? now };
}

/** Record an attempt (whatever its outcome); returns its number (1 = first). */
export function recordAttempt(db: Db, a: AttemptInput): number {
  const n = (prepared(db, 'SELECT count(*) FROM delivery_attempts WHERE delivery_id = ?').pluck().get(a.deliveryId) as number) + 1;
  prepared(
    db,
    `INSERT INTO delivery_attempts (delivery_id, attempt, channel, recipient, started_at, duration_ms, provider_message_id, error, error_code, permanent)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(a.deliveryId, n, a.channel, a.recipient, a.at, Math.round(a.durationMs), a.providerMessageId, a.error, a.errorCode ?? null, a.permanent ? 1 : 0);
  prepared(db, 'UPDATE deliveries SET attempts = ?, last_error = coalesce(?, last_error) WHERE id = ?').run(n, a.error, a.deliveryId);
  return n;
}

/** Mark a delivery sent (idempotent: the first provider id stays) and release its claim. */
export function markSent(db: Db, id: number, providerMessageId: string | null, now: number): void {
  prepared(
    db,
    `UPDATE deliveries SET status = 'sent', sent_at = coalesce(sent_at, @now),
              provider_message_id = coalesce(provider_message_id, @pid), claimed_until = NULL, claimed_by = NULL
        WHERE id = @id AND status IN ('pending', 'failed')`,
  ).run({ id, now, pid: providerMessageId });
}

/** Release a claim after a failed attempt that will be retried. */
export function releaseClaim(db: Db, id: number): void {
  prepared(db, `UPDATE deliveries SET claimed_until = NULL, claimed_by = NULL WHERE id = ? AND status = 'pending'`).run(id);
}

/** Give up on a pending delivery: failed, with its error (a sent one stays sent). */
export function markFailed(db: Db, id: number, error: string | null, now: number): void {
  prepared(
    db,
    `UPDATE deliveries SET status = 'failed', last_error = coalesce(@error, last_error), claimed_until = NULL, claimed_by = NULL
        WHERE id = @id AND status = 'pending'`,
  ).run({ id, error, now });
}

/** The delivery of a dedup key, if any (fallbacks look before they create). */
export function deliveryByKey(db: Db, dedupKey: string): { id: number; channel: ChannelName; status: DeliveryStatus; notBefore: number } | undefined {
  return prepared(db, 'SELECT id, channel, status, not_before AS notBefore FROM deliveries WHERE dedup_key = ?')
    .get(dedupKey) as { id: number; channel: ChannelName; status: DeliveryStatus; notBefore: number } | undefined;
}

/** Insert a fallback delivery (no-op if its dedup key exists); returns its id and whether it is new. */
export function insertFallback(
  db: Db,
  f: { dedupKey: string; source: DeliverySource; send: PlannedSend; notBefore: number; sendDay: string; fallbackOf: number },
  now: number,
): { id: number; created: boolean } {
  const src = f.source;
  const report = 'reportId' in src ? src : null;
  const own = 'digestId' in src ? null : src;
  const info = prepared(
    db,
    `INSERT INTO deliveries (dedup_key, digest_id, report_id, reminder_id, route, contacts, channel, logical, recipient, status, not_before, send_day, created_at, fallback_of)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?) ON CONFLICT (dedup_key) DO NOTHING`,
  ).run(
    f.dedupKey,
    'digestId' in src ? src.digestId : null,
    report?.reportId ?? null,
    'reminderId' in src ? src.reminderId : null,
    own ? JSON.stringify(own.route) : null,
    own ? JSON.stringify(own.contacts) : null,
    f.send.channel,
    f.send.logical,
    f.send.recipient,
    f.notBefore,
    f.sendDay,
    now,
    f.fallbackOf,
  );
  if (info.changes) return { id: Number(info.lastInsertRowid), created: true };
  return { id: deliveryByKey(db, f.dedupKey)!.id, created: false };
}

/** The digest items of a delivery's digest (for tests and tools). */
export function digestItemsOf(db: Db, digestId: number): DigestItemRow[] {
  return prepared(db, 'SELECT event_id AS eventId, alert_id AS alertId, org, committee, level, role FROM alert_digest_items WHERE digest_id = ? ORDER BY event_id')
    .all(digestId) as DigestItemRow[];
}


/** Every delivery (tests, tools), oldest first. */
export function listDeliveries(db: Db): DeliveryListRow[] {
  return prepared(
    db,
    `SELECT id, dedup_key AS dedupKey, digest_id AS digestId, report_id AS reportId, channel, logical, recipient, status, not_before AS notBefore,
              send_day AS sendDay, attempts, claimed_until AS claimedUntil, claimed_by AS claimedBy, sent_at AS sentAt,
              provider_message_id AS providerMessageId, last_error AS lastError, fallback_of AS fallbackOf
         FROM deliveries ORDER BY id`,
  ).all() as DeliveryListRow[];
}

const SHANGHAI_MONTH = `strftime('%Y-%m', (d.sent_at + 28800000) / 1000, 'unixepoch')`;

/**
 * Sent notifications grouped by period and committee (and by channel and level), from the
 * delivery records; report mail is counted apart (`reports`), and so are reminders (`reminders`). With `range`, everything sent in
 * [start, end) is one period named `label`; without it, periods are Shanghai calendar months.
 */
export function deliveryStats(db: Db, range?: { label: string; start: number; end: number }): PeriodStats[] {
  const bucket = range ? '@label' : SHANGHAI_MONTH;
  const where = `d.status = 'sent'` + (range ? ' AND d.sent_at >= @start AND d.sent_at < @end' : '');
  const params = range ? { label: range.label, start: range.start, end: range.end } : {};
  const periods = new Map<string, PeriodStats>();
  const get = (p: string) => {
    let s = periods.get(p);
    if (!s) periods.set(p, (s = emptyPeriodStats(p)));
    return s;
  };
  const messages = prepared(
    db,
    `SELECT ${bucket} AS period, d.channel, g.level, count(*) AS n FROM deliveries d JOIN alert_digests g ON g.id = d.digest_id
        WHERE ${where} GROUP BY 1, 2, 3`,
  ).all(params) as { period: string; channel: string; level: Level; n: number }[];
  for (const r of messages) {
    const s = get(r.period);
    s.messages += r.n;
    s.byChannel[r.channel] = (s.byChannel[r.channel] ?? 0) + r.n;
    s.byLevel[r.level] += r.n;
  }
  const committees = prepared(
    db,
    `SELECT ${bucket} AS period, i.committee, o.name, count(DISTINCT d.id) AS messages, count(*) AS items,
              sum(i.level = 'reminder') AS reminder, sum(i.level = 'warning') AS warning, sum(i.level = 'escalation') AS escalation
         FROM deliveries d JOIN alert_digest_items i ON i.digest_id = d.digest_id LEFT JOIN orgs o ON o.code = i.committee
        WHERE ${where} GROUP BY 1, 2 ORDER BY 1, 2`,
  ).all(params) as { period: string; committee: string | null; name: string | null; messages: number; items: number; reminder: number; warning: number; escalation: number }[];
  for (const r of committees) {
    const s = get(r.period);
    s.items += r.items;
    s.committees.push({
      code: r.committee,
      name: r.name,
      messages: r.messages,
      items: r.items,
      itemsByLevel: { reminder: r.reminder, warning: r.warning, escalation: r.escalation },
    });
  }
  const reportMails = prepared(
    db,
    `SELECT ${bucket} AS period, d.channel, r.kind, count(*) AS n FROM deliveries d JOIN reports r ON r.id = d.report_id
        WHERE ${where} GROUP BY 1, 2, 3`,
  ).all(params) as { period: string; channel: string; kind: 'branch' | 'committee'; n: number }[];
  for (const r of reportMails) {
    const s = get(r.period).reports;
    s.messages += r.n;
    s.byChannel[r.channel] = (s.byChannel[r.channel] ?? 0) + r.n;
    s[r.kind] += r.n;
  }
  const reminders = prepared(
    db,
    `SELECT ${bucket} AS period, d.channel, count(*) AS n FROM deliveries d WHERE d.reminder_id IS NOT NULL AND ${where} GROUP BY 1, 2`,
  ).all(params) as { period: string; channel: string; n: number }[];
  for (const r of reminders) {
    const s = get(r.period).reminders;
    s.messages += r.n;
    s.byChannel[r.channel] = (s.byChannel[r.channel] ?? 0) + r.n;
  }
  return [...periods.values()].sort((a, b) => a.period.localeCompare(b.period));
}
