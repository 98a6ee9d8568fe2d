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
} from '../types/deliveries.js';
import { emptyPeriodStats } from '../rows/period-stats.js';
import { changes, one, recordset, rows, type Q } from './q.js';
import { STALE_DELIVERY, STALE_REASON } from '../rows/stale-delivery.js';

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

/** Plans per statement of writePlan: its digests, their items and deliveries travel as three JSON parameters. */
const PLAN_SLICE = 2000;

/**
 * One slice of a plan in ONE statement: the digests (keyed; ON CONFLICT DO NOTHING), the items of
 * the digests written now (an existing one already has its own), the deliveries (dedup key) of every
 * digest — a digest key that exists already (a re-plan after a crash, or twice in a plan) resolves to
 * the existing row's id. Ids come drawn beforehand, in the order the serial defaults would have
 * drawn them ($1 rows' `i`, $3 rows' `i`); items and deliveries name their digest by its drawn id (`d`).
 */
const PLAN_SLICE_SQL = `WITH dj AS MATERIALIZED (
    SELECT * FROM json_to_recordset($1::json) AS t(i int4, k text, rk text, rn text, c json, r json, l text, m json)),
  g AS (
    INSERT INTO alert_digests (id, key, recipient_key, recipient_name, contacts, route, level, model, created_at)
    SELECT i, k, rk, rn, c::text, r::text, l, m::text, $4 FROM dj ORDER BY i
    ON CONFLICT (key) DO NOTHING RETURNING id, key),
  map AS MATERIALIZED (
    SELECT dj.i AS pre, coalesce(g.id, x.id) AS id, g.id IS NOT NULL AS fresh
      FROM dj LEFT JOIN g ON g.key = dj.k LEFT JOIN alert_digests x ON x.key = dj.k),
  it AS (
    INSERT INTO alert_digest_items (digest_id, event_id, alert_id, org, committee, level, role)
    SELECT map.id, t.e, t.a, t.o, t.c, t.l, t.r
      FROM json_to_recordset($2::json) AS t(d int4, e int4, a int4, o text, c text, l text, r text) JOIN map ON map.pre = t.d AND map.fresh
    ON CONFLICT DO NOTHING),
  dl AS (
    INSERT INTO deliveries (id, dedup_key, digest_id, channel, logical, recipient, status, not_before, send_day, created_at)
    SELECT t.i, t.k, map.id, t.c, t.l, t.r, 'pending', $5, $6, $4
      FROM json_to_recordset($3::json) AS t(i int4, k text, d int4, c text, l text, r text) JOIN map ON map.pre = t.d
    ORDER BY t.i
    ON CONFLICT (dedup_key) DO NOTHING RETURNING 1)
SELECT (SELECT count(*) FROM g)::int AS digests, (SELECT count(*) FROM dl)::int AS deliveries`;

/** `n` fresh ids of a table's serial column, ascending, as its default would draw them. */
async function drawIds(q: Q, digests: number, deliveries: number): Promise<{ digests: number[]; deliveries: number[] }> {
  if (!digests && !deliveries) return { digests: [], deliveries: [] };
  const r = await one<{ g: number[]; d: number[] }>(
    q,
    `SELECT ARRAY(SELECT nextval(s.g) FROM generate_series(1, $1::int4)) AS g, ARRAY(SELECT nextval(s.d) FROM generate_series(1, $2::int4)) AS d
       FROM (SELECT pg_get_serial_sequence('alert_digests', 'id')::regclass AS g, pg_get_serial_sequence('deliveries', 'id')::regclass AS d) s`,
    [digests, deliveries],
  );
  const up = (l: unknown[]) => l.map(Number).sort((x, y) => x - y);
  return { digests: up(r!.g), deliveries: up(r!.d) };
}

/**
 * Write a plan: digests (keyed), their items, deliveries (dedup key), outbox rows marked planned.
 * One statement per slice of PLAN_SLICE plans (ids drawn first, in one round trip); the next slice's
 * rows are encoded while the server writes the previous ones. Call inside the planner's transaction.
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
  const ids = await drawIds(q, plans.length, plans.reduce((n, p) => n + p.sends.length, 0));
  // One statement in flight at a time (a client runs one query at a time); the next one is encoded meanwhile.
  let inflight: Promise<void> | null = null;
  let nd = 0;
  for (let i = 0; i < plans.length; i += PLAN_SLICE) {
    const chunk = plans.slice(i, i + PLAN_SLICE);
    // Rows as JSON parameters (see recordset): a plan's digests carry megabytes of contacts and models.
    const digests: object[] = [];
    const items: object[] = [];
    const dels: object[] = [];
    chunk.forEach(({ digest: d, sends, keys }, n) => {
      const id = ids.digests[i + n]!;
      // Contacts, route and model as nested JSON, stored as their text (`json` keeps the input's text:
      // exactly JSON.stringify of each): encoded once, not stringified and then escaped again.
      digests.push({ i: id, k: d.key, rk: d.recipientKey, rn: d.recipientName, c: d.contacts, r: d.route, l: d.level, m: d.model });
      for (const it of d.items) items.push({ d: id, e: it.eventId, a: it.alertId, o: it.org, c: it.committee, l: it.level, r: it.role });
      sends.forEach((s, k) => dels.push({ i: ids.deliveries[nd++]!, k: keys[k], d: id, c: s.channel, l: s.logical, r: s.recipient }));
    });
    const params = [recordset(digests), recordset(items), recordset(dels), now, notBefore, sendDay];
    if (inflight) await inflight;
    inflight = one<{ digests: number; deliveries: number }>(q, PLAN_SLICE_SQL, params).then((r) => {
      out.digests += r!.digests;
      out.deliveries += r!.deliveries;
    });
  }
  const noteArgs = notes.size ? [[...notes.keys()], [...notes.values()], now] : null;
  if (inflight) await inflight;
  if (noteArgs) {
    await q.query(
      `UPDATE alert_outbox o SET planned_at = $3, note = t.note FROM unnest($1::int[], $2::text[]) AS t(id, note)
        WHERE o.event_id = t.id AND o.planned_at IS NULL`,
      noteArgs,
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
