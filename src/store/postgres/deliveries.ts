/**
 * PostgreSQL queries of the delivery side (mirror of the SQLite module): the unplanned outbox,
 * contacts, per-day SMS counts, writing a plan, the worker's claim (compare-and-set in one UPDATE)
 * and attempt/sent/failed writes, fallbacks, and the figures of `orglife stats`. Lists go to the
 * server as one parameter (a JSON recordset, an array for = ANY), never one query per row.
 */
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
} from '../sqlite/deliveries.js';
import { emptyPeriodStats } from '../rows/period-stats.js';
import { changes, one, recordset, rows, type Q } from './q.js';
import { STALE_DELIVERY, STALE_REASON } from '../rows/stale-delivery.js';

export async function unplannedOutbox(q: Q): Promise<OutboxEntry[]> {
  const r = await rows<Omit<DigestItem, 'repeat'> & { detail: string | null; alertState: OutboxEntry['alertState'] }>(
    q,
    `SELECT o.event_id AS "eventId", o.alert_id AS "alertId", e.kind, e.reason, e.level, e.detail,
            a.org, a.rule, a.period, a.due_at AS "dueAt", a.message, a.state AS "alertState"
       FROM alert_outbox o
       JOIN alert_events e ON e.id = o.event_id
       JOIN alerts a ON a.id = o.alert_id
      WHERE o.planned_at IS NULL
      ORDER BY o.event_id`,
  );
  return r.map(({ detail, alertState, ...x }) => {
    const d = detail ? (JSON.parse(detail) as { repeat?: number }) : null;
    return { alertState, item: d?.repeat ? { ...x, repeat: d.repeat } : x };
  });
}

const ORG_CONTACT_COLUMNS = `code, name, kind, parent, secretary, secretary_phone AS "secretaryPhone", secretary_email AS "secretaryEmail",
  clerk, clerk_phone AS "clerkPhone", clerk_email AS "clerkEmail", deputy, deputy_phone AS "deputyPhone", deputy_email AS "deputyEmail"`;

export async function orgContacts(q: Q, codes: readonly string[]): Promise<Map<string, OrgContacts>> {
  const list = [...new Set(codes)];
  const r = await rows<OrgContacts>(
    q,
    `SELECT ${ORG_CONTACT_COLUMNS} FROM orgs
      WHERE code = ANY($1::text[]) OR code IN (SELECT parent FROM orgs WHERE code = ANY($1::text[]))`,
    [list],
  );
  return new Map(r.map((x) => [x.code, x]));
}

export async function smsCountsOn(q: Q, phones: readonly string[], day: string): Promise<Map<string, number>> {
  const r = await rows<{ recipient: string; n: number }>(
    q,
    `SELECT recipient, count(*) AS n FROM deliveries
      WHERE logical = 'sms' AND send_day = $1 AND status IN ('pending', 'sent') AND recipient = ANY($2::text[])
      GROUP BY recipient`,
    [day, [...new Set(phones)]],
  );
  return new Map(r.map((x) => [x.recipient, x.n]));
}

/**
 * Write a plan: digests (keyed), their items, deliveries (dedup key), outbox rows marked planned.
 * Batched: one statement per table for the whole plan. Call inside the planner's transaction.
 */
export async function writePlan(
  q: Q,
  plans: readonly DigestPlan[],
  notBefore: number,
  sendDay: string,
  notes: ReadonlyMap<number, string>,
  now: number,
): Promise<PlanWriteResult> {
  const out: PlanWriteResult = { digests: 0, deliveries: 0 };
  for (let i = 0; i < plans.length; i += 2000) {
    const chunk = plans.slice(i, i + 2000);
    // Rows as one JSON parameter (see recordset): a plan's digests carry megabytes of contacts and models.
    const inserted = await rows<{ id: number; key: string }>(
      q,
      `INSERT INTO alert_digests (key, recipient_key, recipient_name, contacts, route, level, model, created_at)
       SELECT k, rk, rn, c, r, l, m, $2 FROM json_to_recordset($1::json) AS t(k text, rk text, rn text, c text, r text, l text, m text)
       ON CONFLICT (key) DO NOTHING RETURNING id, key`,
      [
        recordset(
          chunk.map(({ digest: d }) => ({
            k: d.key,
            rk: d.recipientKey,
            rn: d.recipientName,
            c: JSON.stringify(d.contacts),
            r: JSON.stringify(d.route),
            l: d.level,
            m: JSON.stringify(d.model),
          })),
        ),
        now,
      ],
    );
    const ids = new Map(inserted.map((r) => [r.key, r.id]));
    const fresh = new Set(inserted.map((r) => r.id));
    out.digests += inserted.length;
    const existing = chunk.filter((p) => !ids.has(p.digest.key)).map((p) => p.digest.key);
    if (existing.length) {
      for (const r of await rows<{ id: number; key: string }>(q, 'SELECT id, key FROM alert_digests WHERE key = ANY($1::text[])', [existing])) ids.set(r.key, r.id);
    }
    const items: object[] = [];
    const dels: object[] = [];
    for (const { digest: d, sends, keys } of chunk) {
      const id = ids.get(d.key)!;
      // Items only for a digest written now: an existing one already has its own.
      if (fresh.has(id)) for (const it of d.items) items.push({ d: id, e: it.eventId, a: it.alertId, o: it.org, c: it.committee, l: it.level, r: it.role });
      sends.forEach((s, n) => dels.push({ k: keys[n], d: id, c: s.channel, l: s.logical, r: s.recipient }));
    }
    if (items.length) {
      await q.query(
        `INSERT INTO alert_digest_items (digest_id, event_id, alert_id, org, committee, level, role)
         SELECT d, e, a, o, c, l, r FROM json_to_recordset($1::json) AS t(d int4, e int4, a int4, o text, c text, l text, r text) ON CONFLICT DO NOTHING`,
        [recordset(items)],
      );
    }
    if (dels.length) {
      out.deliveries += await changes(
        q,
        `INSERT INTO deliveries (dedup_key, digest_id, channel, logical, recipient, status, not_before, send_day, created_at)
         SELECT k, d, c, l, r, 'pending', $2, $3, $4 FROM json_to_recordset($1::json) AS t(k text, d int4, c text, l text, r text)
         ON CONFLICT (dedup_key) DO NOTHING`,
        [recordset(dels), notBefore, sendDay, now],
      );
    }
  }
  if (notes.size) {
    await q.query(
      `UPDATE alert_outbox o SET planned_at = $3, note = t.note FROM unnest($1::int[], $2::text[]) AS t(id, note)
        WHERE o.event_id = t.id AND o.planned_at IS NULL`,
      [[...notes.keys()], [...notes.values()], now],
    );
  }
  return out;
}

export async function pendingDeliveries(q: Q, opts: { dueBy?: number } = {}): Promise<PendingDeliveryRow[]> {
  return opts.dueBy !== undefined
    ? rows<PendingDeliveryRow>(q, `SELECT id, channel, not_before AS "notBefore" FROM deliveries WHERE status = 'pending' AND not_before <= $1 ORDER BY not_before, id`, [opts.dueBy])
    : rows<PendingDeliveryRow>(q, `SELECT id, channel, not_before AS "notBefore" FROM deliveries WHERE status = 'pending' ORDER BY not_before, id`);
}

/**
 * Claim a pending delivery for `owner` until now + leaseMs: a compare-and-set UPDATE (under READ
 * COMMITTED a second claimer waits for the first's row lock, re-reads the row and finds it taken),
 * so two workers on two hosts can never both win. Stale deliveries are cancelled instead.
 */
export async function claimDeliveryRow(q: Q, id: number, owner: string, now: number, leaseMs: number): Promise<ClaimRow> {
  const stale = await changes(
    q,
    `UPDATE deliveries SET status = 'cancelled', claimed_until = NULL, claimed_by = NULL, last_error = ${STALE_REASON}
      WHERE id = $1 AND status = 'pending' AND ${STALE_DELIVERY}`,
    [id],
  );
  if (stale) return { outcome: 'done', status: 'cancelled' };
  const won = await changes(
    q,
    `UPDATE deliveries SET claimed_by = $2, claimed_until = $4
      WHERE id = $1 AND status = 'pending' AND (claimed_until IS NULL OR claimed_until <= $3 OR claimed_by = $2)`,
    [id, owner, now, now + leaseMs],
  );
  if (won) return { outcome: 'send' };
  const row = await one<{ status: DeliveryStatus; claimedUntil: number | null }>(q, 'SELECT status, claimed_until AS "claimedUntil" FROM deliveries WHERE id = $1', [id]);
  if (!row) return { outcome: 'done', status: 'missing' };
  if (row.status !== 'pending') return { outcome: 'done', status: row.status };
  return { outcome: 'busy', until: row.claimedUntil ?? now };
}

/** Record an attempt; its number comes from the same UPDATE that counts it (no read-then-write race). */
export async function recordAttempt(q: Q, a: AttemptInput): Promise<number> {
  const r = await one<{ attempts: number }>(
    q,
    'UPDATE deliveries SET attempts = attempts + 1, last_error = coalesce($2, last_error) WHERE id = $1 RETURNING attempts',
    [a.deliveryId, a.error],
  );
  const n = r?.attempts ?? 1;
  await q.query(
    `INSERT INTO delivery_attempts (delivery_id, attempt, channel, recipient, started_at, duration_ms, provider_message_id, error, error_code, permanent)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [a.deliveryId, n, a.channel, a.recipient, a.at, Math.round(a.durationMs), a.providerMessageId, a.error, a.errorCode ?? null, a.permanent],
  );
  return n;
}

export async function markSent(q: Q, id: number, providerMessageId: string | null, now: number): Promise<void> {
  await q.query(
    `UPDATE deliveries SET status = 'sent', sent_at = coalesce(sent_at, $2), provider_message_id = coalesce(provider_message_id, $3),
            claimed_until = NULL, claimed_by = NULL
      WHERE id = $1 AND status IN ('pending', 'failed')`,
    [id, now, providerMessageId],
  );
}

export async function releaseClaim(q: Q, id: number): Promise<void> {
  await q.query(`UPDATE deliveries SET claimed_until = NULL, claimed_by = NULL WHERE id = $1 AND status = 'pending'`, [id]);
}

export async function markFailed(q: Q, id: number, error: string | null, _now: number): Promise<void> {
  await q.query(
    `UPDATE deliveries SET status = 'failed', last_error = coalesce($2, last_error), claimed_until = NULL, claimed_by = NULL WHERE id = $1 AND status = 'pending'`,
    [id, error],
  );
}

export async function deliveryByKey(q: Q, dedupKey: string) {
  return one<{ id: number; channel: ChannelName; status: DeliveryStatus; notBefore: number }>(
    q,
    'SELECT id, channel, status, not_before AS "notBefore" FROM deliveries WHERE dedup_key = $1',
    [dedupKey],
  );
}

export async function insertFallback(
  q: Q,
  f: { dedupKey: string; source: DeliverySource; send: PlannedSend; notBefore: number; sendDay: string; fallbackOf: number },
  now: number,
): Promise<{ id: number; created: boolean }> {
  const src = f.source;
  const report = 'reportId' in src ? src : null;
  const own = 'digestId' in src ? null : src;
  const r = await one<{ id: number }>(
    q,
    `INSERT INTO deliveries (dedup_key, digest_id, report_id, reminder_id, route, contacts, channel, logical, recipient, status, not_before, send_day, created_at, fallback_of)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'pending', $10, $11, $12, $13) ON CONFLICT (dedup_key) DO NOTHING RETURNING id`,
    [
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
    ],
  );
  if (r) return { id: r.id, created: true };
  return { id: (await deliveryByKey(q, f.dedupKey))!.id, created: false };
}

export async function digestItemsOf(q: Q, digestId: number): Promise<DigestItemRow[]> {
  return rows<DigestItemRow>(
    q,
    'SELECT event_id AS "eventId", alert_id AS "alertId", org, committee, level, role FROM alert_digest_items WHERE digest_id = $1 ORDER BY event_id',
    [digestId],
  );
}

export async function listDeliveries(q: Q): Promise<DeliveryListRow[]> {
  return rows<DeliveryListRow>(
    q,
    `SELECT id, dedup_key AS "dedupKey", digest_id AS "digestId", report_id AS "reportId", channel, logical, recipient, status,
            not_before AS "notBefore", send_day AS "sendDay", attempts, claimed_until AS "claimedUntil", claimed_by AS "claimedBy",
            sent_at AS "sentAt", provider_message_id AS "providerMessageId", last_error AS "lastError", fallback_of AS "fallbackOf"
       FROM deliveries ORDER BY id`,
  );
}

const SHANGHAI_MONTH = `to_char(to_timestamp((d.sent_at + 28800000) / 1000.0) AT TIME ZONE 'UTC', 'YYYY-MM')`;

/** Sent notifications grouped by period and committee (see the SQLite module). */
export async function deliveryStats(q: Q, range?: { label: string; start: number; end: number }): Promise<PeriodStats[]> {
  const bucket = range ? '$1::text' : SHANGHAI_MONTH;
  const where = `d.status = 'sent'` + (range ? ' AND d.sent_at >= $2 AND d.sent_at < $3' : '');
  const params = range ? [range.label, range.start, range.end] : [];
  const periods = new Map<string, PeriodStats>();
  const get = (p: string) => {
    let s = periods.get(p);
    if (!s) periods.set(p, (s = emptyPeriodStats(p)));
    return s;
  };
  for (const r of await rows<{ period: string; channel: string; level: Level; n: number }>(
    q,
    `SELECT ${bucket} AS period, d.channel, g.level, count(*) AS n FROM deliveries d JOIN alert_digests g ON g.id = d.digest_id
      WHERE ${where} GROUP BY 1, 2, 3`,
    params,
  )) {
    const s = get(r.period);
    s.messages += r.n;
    s.byChannel[r.channel] = (s.byChannel[r.channel] ?? 0) + r.n;
    s.byLevel[r.level] += r.n;
  }
  for (const r of await rows<{ period: string; committee: string | null; name: string | null; messages: number; items: number; reminder: number; warning: number; escalation: number }>(
    q,
    `SELECT ${bucket} AS period, i.committee, min(o.name) AS name, count(DISTINCT d.id) AS messages, count(*) AS items,
            count(*) FILTER (WHERE i.level = 'reminder') AS reminder, count(*) FILTER (WHERE i.level = 'warning') AS warning,
            count(*) FILTER (WHERE i.level = 'escalation') AS escalation
       FROM deliveries d JOIN alert_digest_items i ON i.digest_id = d.digest_id LEFT JOIN orgs o ON o.code = i.committee
      WHERE ${where} GROUP BY 1, 2 ORDER BY 1, i.committee COLLATE "C" NULLS FIRST`,
    params,
  )) {
    const s = get(r.period);
    s.items += r.items;
    s.committees.push({ code: r.committee, name: r.name, messages: r.messages, items: r.items, itemsByLevel: { reminder: r.reminder, warning: r.warning, escalation: r.escalation } });
  }
  for (const r of await rows<{ period: string; channel: string; kind: 'branch' | 'committee'; n: number }>(
    q,
    `SELECT ${bucket} AS period, d.channel, r.kind, count(*) AS n FROM deliveries d JOIN reports r ON r.id = d.report_id WHERE ${where} GROUP BY 1, 2, 3`,
    params,
  )) {
    const s = get(r.period).reports;
    s.messages += r.n;
    s.byChannel[r.channel] = (s.byChannel[r.channel] ?? 0) + r.n;
    s[r.kind] += r.n;
  }
  for (const r of await rows<{ period: string; channel: string; n: number }>(
    q,
    `SELECT ${bucket} AS period, d.channel, count(*)::int AS n FROM deliveries d WHERE d.reminder_id IS NOT NULL AND ${where} GROUP BY 1, 2`,
    params,
  )) {
    const s = get(r.period).reminders;
    s.messages += r.n;
    s.byChannel[r.channel] = (s.byChannel[r.channel] ?? 0) + r.n;
  }
  return [...periods.values()].sort((a, b) => a.period.localeCompare(b.period));
}
