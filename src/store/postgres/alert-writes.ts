/**
 * Set-based writes of decided alert changes on PostgreSQL: a reconcile chunk carries thousands of
 * inserts and updates, and one statement per row made the daily cycle a round trip per alert.
 * Here a whole change set is two round trips (per CHUNK rows):
 *   ids — alert and event ids drawn from their sequences first, in the changes' order, so ids
 *         come out exactly as the one-row-at-a-time writer (and SQLite) assigns them;
 *   one statement of data-modifying CTEs — the alert inserts (ON CONFLICT DO NOTHING: a conflict
 *         still aborts, reconcile must have seen it), one UPDATE per set of changed columns, the
 *         events, the outbox rows. The tables have no foreign keys and no CTE touches a row another
 *         one does (an alert changed twice gets its later change in a later statement), so the order
 *         within the statement does not matter.
 * Rows travel as JSON recordsets (see q.ts recordset). Use inside the reconcile / amend transaction.
 */
import type { AlertChanges } from '../port.js';
import type { AlertRow, NewEvent } from '../types/alerts.js';
import { ALERT_COLUMNS } from '../rows/alert-columns.js';
import { one, recordset, type Q } from './q.js';

/** Rows per statement and table: large enough that round trips vanish, small enough to bound a parameter. */
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

interface Insert {
  id: number;
  row: Omit<AlertRow, 'id'>;
  event: Ev;
}
interface Update {
  id: number;
  patch: Partial<AlertRow>;
  event: Ev | null;
}
interface Ev {
  id: number;
  ev: NewEvent;
  notify: boolean;
}

/** Fresh ids of alerts and events, ascending, in one round trip. */
async function nextIds(q: Q, alerts: number, events: number): Promise<{ alerts: number[]; events: number[] }> {
  if (!alerts && !events) return { alerts: [], events: [] };
  const r = await one<{ a: number[]; e: number[] }>(
    q,
    // The sequences looked up once (not per row: pg_get_serial_sequence is a catalog lookup).
    `SELECT ARRAY(SELECT nextval(s.a)::int4 FROM generate_series(1, $1::int4)) AS a, ARRAY(SELECT nextval(s.e)::int4 FROM generate_series(1, $2::int4)) AS e
       FROM (SELECT pg_get_serial_sequence('alerts', 'id')::regclass AS a, pg_get_serial_sequence('alert_events', 'id')::regclass AS e) s`,
    [alerts, events],
  );
  const up = (l: number[]) => l.map(Number).sort((x, y) => x - y);
  return { alerts: up(r!.a), events: up(r!.e) };
}

/** One statement writing `inserts` and `updates` (distinct alert ids) with their events and outbox rows. */
async function writeStatement(q: Q, inserts: readonly Insert[], updates: readonly Update[], now: number): Promise<void> {
  const params: unknown[] = [now];
  const ctes: string[] = [];
  const arg = (v: unknown) => `$${params.push(v)}::json`;
  if (inserts.length) {
    const fields: Field[] = ['id', ...INSERT_FIELDS];
    const cols = fields.map((f) => ALERT_COLUMNS[f]).join(', ');
    const defs = fields.map((f) => `${ALERT_COLUMNS[f]} ${SQL_TYPE[f]}`).join(', ');
    const list = inserts.map((x) => {
      const o: Record<string, unknown> = { id: x.id };
      for (const f of INSERT_FIELDS) o[ALERT_COLUMNS[f]] = (x.row as Record<string, unknown>)[f];
      return o;
    });
    ctes.push(`ins AS (INSERT INTO alerts (${cols}) SELECT ${cols} FROM json_to_recordset(${arg(recordset(list))}) AS t(${defs})
      ON CONFLICT (org, rule, period, subject) DO NOTHING RETURNING id)`);
  }
  const shapes = new Map<string, { keys: Field[]; items: Update[] }>();
  for (const u of updates) {
    const keys = (Object.keys(u.patch) as Field[]).filter((k) => k !== 'id' && k !== 'updatedAt').sort();
    const shape = keys.join(',');
    let s = shapes.get(shape);
    if (!s) shapes.set(shape, (s = { keys, items: [] }));
    s.items.push(u);
  }
  for (const { keys, items } of shapes.values()) {
    const sets = [...keys.map((k) => `${ALERT_COLUMNS[k]} = t.${ALERT_COLUMNS[k]}`), 'updated_at = $1'];
    const defs = ['id int4', ...keys.map((k) => `${ALERT_COLUMNS[k]} ${SQL_TYPE[k]}`)].join(', ');
    const list = items.map((u) => {
      const o: Record<string, unknown> = { id: u.id };
      for (const k of keys) o[ALERT_COLUMNS[k]] = u.patch[k];
      return o;
    });
    ctes.push(`u${ctes.length} AS (UPDATE alerts a SET ${sets.join(', ')} FROM json_to_recordset(${arg(recordset(list))}) AS t(${defs}) WHERE a.id = t.id RETURNING 1)`);
  }
  const events: (Ev & { alertId: number })[] = [];
  for (const x of inserts) events.push({ ...x.event, alertId: x.id });
  for (const u of updates) if (u.event) events.push({ ...u.event, alertId: u.id });
  if (events.length) {
    const list = events.map((e) => ({ i: e.id, a: e.alertId, k: e.ev.kind, l: e.ev.level, f: e.ev.fromLevel, r: e.ev.reason, d: e.ev.detail ? JSON.stringify(e.ev.detail) : null }));
    ctes.push(`ev AS (INSERT INTO alert_events (id, alert_id, at, kind, level, from_level, reason, detail)
      SELECT i, a, $1, k, l, f, r, d FROM json_to_recordset(${arg(recordset(list))}) AS t(i int4, a int4, k text, l text, f text, r text, d text) RETURNING 1)`);
  }
  const outbox = events.filter((e) => e.notify).map((e) => ({ e: e.id, a: e.alertId }));
  if (outbox.length) {
    ctes.push(`ob AS (INSERT INTO alert_outbox (event_id, alert_id, created_at)
      SELECT e, a, $1 FROM json_to_recordset(${arg(recordset(outbox))}) AS t(e int4, a int4) ON CONFLICT DO NOTHING RETURNING 1)`);
  }
  if (!ctes.length) return;
  const r = await one<{ ids: number[] | null }>(q, `WITH ${ctes.join(',\n')} SELECT ${inserts.length ? 'ARRAY(SELECT id FROM ins)' : 'NULL::int4[]'} AS ids`, params);
  if (inserts.length && r!.ids!.length !== inserts.length) {
    const got = new Set(r!.ids!.map(Number));
    const lost = inserts.find((x) => !got.has(x.id))!.row;
    throw new Error(`alert (${lost.org}, ${lost.rule}, ${lost.period}) exists already; reconcile must see it`);
  }
}

/**
 * Write decided alert changes: inserts (ids assigned here), updates, their events and outbox rows.
 * Ids follow the order of `ch` (inserts' alerts; events: inserts' then updates'), as a row-by-row writer's would.
 */
export async function applyAlertChanges(q: Q, ch: AlertChanges, now: number): Promise<void> {
  const nEvents = ch.inserts.length + ch.updates.filter((u) => u.event).length;
  const ids = await nextIds(q, ch.inserts.length, nEvents);
  let e = 0;
  const inserts: Insert[] = ch.inserts.map((x, i) => ({ id: ids.alerts[i]!, row: x.row, event: { id: ids.events[e++]!, ev: x.event, notify: x.notify } }));
  // Rounds: an alert changed twice in one set gets its second change in a later statement.
  const rounds: Update[][] = [];
  const seen = new Map<number, number>();
  for (const u of ch.updates) {
    const event = u.event ? { id: ids.events[e++]!, ev: u.event, notify: u.notify } : null;
    if (!Object.keys(u.patch).length && !event) continue;
    const n = seen.get(u.id) ?? 0;
    seen.set(u.id, n + 1);
    (rounds[n] ??= []).push({ id: u.id, patch: u.patch, event });
  }
  const first = rounds[0] ?? [];
  for (let i = 0; i < Math.max(inserts.length, first.length); i += CHUNK) await writeStatement(q, inserts.slice(i, i + CHUNK), first.slice(i, i + CHUNK), now);
  for (const later of rounds.slice(1)) for (let i = 0; i < later.length; i += CHUNK) await writeStatement(q, [], later.slice(i, i + CHUNK), now);
}
