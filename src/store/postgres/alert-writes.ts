/**
 * Set-based writes of decided alert changes on PostgreSQL: a reconcile chunk carries thousands of
 * inserts and updates, and one statement per row made the daily cycle a round trip per alert.
 * Here each table gets one statement per chunk of rows (unnest() of one array per column):
 *   ids — alert and event ids drawn from their sequences first, in the changes' order, so ids
 *         come out exactly as the one-row-at-a-time writer (and SQLite) assigns them;
 *   alerts — one INSERT … ON CONFLICT DO NOTHING (a conflict still aborts: reconcile must have seen it);
 *   updates — one UPDATE … FROM unnest per set of changed columns (a handful of shapes);
 *   events, then outbox rows.
 * Use inside the reconcile / amend transaction.
 */
import type { AlertChanges } from '../port.js';
import type { AlertRow, NewEvent } from '../types/alerts.js';
import { ALERT_COLUMNS } from '../rows/alert-columns.js';
import { rows, type Q } from './q.js';

/** Rows per statement: large enough that round trips vanish, small enough to bound the arrays. */
const CHUNK = 5000;

type Field = keyof AlertRow;

/** The PostgreSQL array type of each column of `alerts` (schema/alerts.ts). */
const ARRAY_TYPE: Record<Field, string> = {
  id: 'int4[]',
  org: 'text[]',
  rule: 'text[]',
  period: 'text[]',
  subject: 'text[]',
  state: 'text[]',
  level: 'text[]',
  ruleLevel: 'text[]',
  dueAt: 'int8[]',
  message: 'text[]',
  openedAt: 'int8[]',
  updatedAt: 'int8[]',
  resolvedAt: 'int8[]',
  lastNotifiedAt: 'int8[]',
  notifications: 'int4[]',
  repeats: 'int4[]',
  ackPlan: 'text[]',
  ackBy: 'text[]',
  ackDeadline: 'int8[]',
  ackWho: 'text[]',
  ackAt: 'int8[]',
};

const INSERT_FIELDS = (Object.keys(ALERT_COLUMNS) as Field[]).filter((f) => f !== 'id');

const chunks = <T>(list: readonly T[]): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += CHUNK) out.push(list.slice(i, i + CHUNK));
  return out;
};

/** `n` fresh ids of a table's identity column, ascending (one statement). */
async function nextIds(q: Q, table: 'alerts' | 'alert_events', n: number): Promise<number[]> {
  if (!n) return [];
  const r = await rows<{ id: number }>(q, `SELECT nextval(pg_get_serial_sequence('${table}', 'id'))::int4 AS id FROM generate_series(1, $1::int4)`, [n]);
  return r.map((x) => x.id).sort((a, b) => a - b);
}

async function insertAlerts(q: Q, list: readonly { id: number; row: Omit<AlertRow, 'id'> }[]): Promise<void> {
  const fields: Field[] = ['id', ...INSERT_FIELDS];
  const cols = fields.map((f) => ALERT_COLUMNS[f]).join(', ');
  const args = fields.map((f, i) => `$${i + 1}::${ARRAY_TYPE[f]}`).join(', ');
  for (const c of chunks(list)) {
    const inserted = await rows<{ id: number }>(
      q,
      `INSERT INTO alerts (${cols}) SELECT * FROM unnest(${args}) ON CONFLICT (org, rule, period, subject) DO NOTHING RETURNING id`,
      fields.map((f) => c.map((x) => (f === 'id' ? x.id : nullish((x.row as Record<string, unknown>)[f])))),
    );
    if (inserted.length === c.length) continue;
    const got = new Set(inserted.map((r) => r.id));
    const lost = c.find((x) => !got.has(x.id))!.row;
    throw new Error(`alert (${lost.org}, ${lost.rule}, ${lost.period}) exists already; reconcile must see it`);
  }
}

/** Updates grouped by the columns they change; an alert changed twice keeps its changes in order (later rounds). */
async function updateAlerts(q: Q, list: readonly { id: number; patch: Partial<AlertRow> }[], now: number): Promise<void> {
  const rounds: Map<string, { keys: Field[]; items: { id: number; patch: Partial<AlertRow> }[] }>[] = [];
  const roundOf = new Map<number, number>();
  for (const u of list) {
    const r = roundOf.get(u.id) ?? 0;
    roundOf.set(u.id, r + 1);
    const shapes = (rounds[r] ??= new Map());
    const keys = (Object.keys(u.patch) as Field[]).filter((k) => k !== 'id' && k !== 'updatedAt').sort();
    const shape = keys.join(',');
    let s = shapes.get(shape);
    if (!s) shapes.set(shape, (s = { keys, items: [] }));
    s.items.push(u);
  }
  for (const shapes of rounds) {
    for (const { keys, items } of shapes.values()) {
      const sets = [...keys.map((k, i) => `${ALERT_COLUMNS[k]} = t.c${i}`), 'updated_at = $1'];
      const from = ['$2::int4[]', ...keys.map((k, i) => `$${i + 3}::${ARRAY_TYPE[k]}`)].join(', ');
      const names = ['id', ...keys.map((_, i) => `c${i}`)].join(', ');
      for (const c of chunks(items)) {
        await q.query(`UPDATE alerts a SET ${sets.join(', ')} FROM unnest(${from}) AS t(${names}) WHERE a.id = t.id`, [
          now,
          c.map((u) => u.id),
          ...keys.map((k) => c.map((u) => nullish(u.patch[k]))),
        ]);
      }
    }
  }
}

async function insertEvents(q: Q, list: readonly { id: number; alertId: number; ev: NewEvent }[], now: number): Promise<void> {
  for (const c of chunks(list)) {
    await q.query(
      `INSERT INTO alert_events (id, alert_id, at, kind, level, from_level, reason, detail)
       SELECT i, a, $1, k, l, f, r, d FROM unnest($2::int4[], $3::int4[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[]) AS t(i, a, k, l, f, r, d)`,
      [
        now,
        c.map((e) => e.id),
        c.map((e) => e.alertId),
        c.map((e) => e.ev.kind),
        c.map((e) => e.ev.level),
        c.map((e) => nullish(e.ev.fromLevel)),
        c.map((e) => e.ev.reason),
        c.map((e) => (e.ev.detail ? JSON.stringify(e.ev.detail) : null)),
      ],
    );
  }
}

async function insertOutbox(q: Q, list: readonly { eventId: number; alertId: number }[], now: number): Promise<void> {
  for (const c of chunks(list)) {
    await q.query(
      'INSERT INTO alert_outbox (event_id, alert_id, created_at) SELECT e, a, $1 FROM unnest($2::int4[], $3::int4[]) AS t(e, a) ON CONFLICT DO NOTHING',
      [now, c.map((o) => o.eventId), c.map((o) => o.alertId)],
    );
  }
}

const nullish = (v: unknown) => (v === undefined ? null : v);

/**
 * Write decided alert changes: inserts (ids assigned here), updates, their events and outbox rows.
 * Ids follow the order of `ch` (inserts' alerts; events: inserts' then updates'), as a row-by-row writer's would.
 */
export async function applyAlertChanges(q: Q, ch: AlertChanges, now: number): Promise<void> {
  const alertIds = await nextIds(q, 'alerts', ch.inserts.length);
  const inserts = ch.inserts.map((x, i) => ({ ...x, id: alertIds[i]! }));
  await insertAlerts(q, inserts);
  await updateAlerts(
    q,
    ch.updates.filter((u) => Object.keys(u.patch).length || u.event),
    now,
  );
  const events: { alertId: number; ev: NewEvent; notify: boolean }[] = [];
  for (const x of inserts) events.push({ alertId: x.id, ev: x.event, notify: x.notify });
  for (const u of ch.updates) if (u.event) events.push({ alertId: u.id, ev: u.event, notify: u.notify });
  const eventIds = await nextIds(q, 'alert_events', events.length);
  const withIds = events.map((e, i) => ({ ...e, id: eventIds[i]! }));
  await insertEvents(q, withIds, now);
  await insertOutbox(
    q,
    withIds.filter((e) => e.notify).map((e) => ({ eventId: e.id, alertId: e.alertId })),
    now,
  );
}
