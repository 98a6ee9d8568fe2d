/**
 * Set-based writes of decided alert changes on PostgreSQL: a reconcile chunk carries thousands of
 * inserts and updates, and one statement per row made the daily cycle a round trip per alert.
 * Here each table gets one statement per chunk of rows, the rows as one JSON parameter read by
 * json_to_recordset() (pg's array parameters are escaped element by element in JavaScript, ~5 MB/s;
 * JSON.stringify is native):
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
import { recordset, rows, type Q } from './q.js';

/** Rows per statement: large enough that round trips vanish, small enough to bound the arrays. */
const CHUNK = 5000;

type Field = keyof AlertRow;

/** The PostgreSQL type of each column of `alerts` (schema/alerts.ts). */
const SQL_TYPE: Record<Field, string> = {
  id: 'int4',
  org: 'text',
  rule: 'text',
  period: 'text',
  subject: 'text',
  state: 'text',
  level: 'text',
  ruleLevel: 'text',
  dueAt: 'int8',
  message: 'text',
  openedAt: 'int8',
  updatedAt: 'int8',
  resolvedAt: 'int8',
  lastNotifiedAt: 'int8',
  notifications: 'int4',
  repeats: 'int4',
  ackPlan: 'text',
  ackBy: 'text',
  ackDeadline: 'int8',
  ackWho: 'text',
  ackAt: 'int8',
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
  const defs = fields.map((f) => `${ALERT_COLUMNS[f]} ${SQL_TYPE[f]}`).join(', ');
  for (const c of chunks(list)) {
    const inserted = await rows<{ id: number }>(
      q,
      `INSERT INTO alerts (${cols}) SELECT ${cols} FROM json_to_recordset($1::json) AS t(${defs}) ON CONFLICT (org, rule, period, subject) DO NOTHING RETURNING id`,
      [
        recordset(
          c.map((x) => {
            const o: Record<string, unknown> = { id: x.id };
            for (const f of INSERT_FIELDS) o[ALERT_COLUMNS[f]] = (x.row as Record<string, unknown>)[f];
            return o;
          }),
        ),
      ],
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
      const sets = [...keys.map((k) => `${ALERT_COLUMNS[k]} = t.${ALERT_COLUMNS[k]}`), 'updated_at = $1'];
      const defs = ['id int4', ...keys.map((k) => `${ALERT_COLUMNS[k]} ${SQL_TYPE[k]}`)].join(', ');
      for (const c of chunks(items)) {
        const list = c.map((u) => {
          const o: Record<string, unknown> = { id: u.id };
          for (const k of keys) o[ALERT_COLUMNS[k]] = u.patch[k];
          return o;
        });
        await q.query(`UPDATE alerts a SET ${sets.join(', ')} FROM json_to_recordset($2::json) AS t(${defs}) WHERE a.id = t.id`, [now, recordset(list)]);
      }
    }
  }
}

async function insertEvents(q: Q, list: readonly { id: number; alertId: number; ev: NewEvent }[], now: number): Promise<void> {
  for (const c of chunks(list)) {
    await q.query(
      `INSERT INTO alert_events (id, alert_id, at, kind, level, from_level, reason, detail)
       SELECT i, a, $1, k, l, f, r, d FROM json_to_recordset($2::json) AS t(i int4, a int4, k text, l text, f text, r text, d text)`,
      [now, recordset(c.map((e) => ({ i: e.id, a: e.alertId, k: e.ev.kind, l: e.ev.level, f: e.ev.fromLevel, r: e.ev.reason, d: e.ev.detail ? JSON.stringify(e.ev.detail) : null })))],
    );
  }
}

async function insertOutbox(q: Q, list: readonly { eventId: number; alertId: number }[], now: number): Promise<void> {
  for (const c of chunks(list)) {
    await q.query('INSERT INTO alert_outbox (event_id, alert_id, created_at) SELECT e, a, $1 FROM json_to_recordset($2::json) AS t(e int4, a int4) ON CONFLICT DO NOTHING', [
      now,
      recordset(c.map((o) => ({ e: o.eventId, a: o.alertId }))),
    ]);
  }
}

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
