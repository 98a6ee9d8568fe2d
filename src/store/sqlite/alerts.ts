/**
 * Queries of the alert lifecycle: open alerts in one read, a writer of alert changes, events and
 * outbox rows over prepared statements (reconcile writes tens of thousands of rows in one
 * transaction; drizzle's builder per row would cost more than the writes), and the read side of
 * `orglife alerts`. All synchronous.
 */
import type { Database, Statement } from 'better-sqlite3';
import type { Db } from './db.js';
import { flatNested } from './group-commit.js';
import type { AlertState } from '../../domain/alerts.js';
import type { AlertRow, NewEvent, AlertListRow, AlertEventRow, OrgAlertSummary } from '../types/alerts.js';
import type { Level, RuleId } from '../../domain/types.js';
import type { EvalRequest } from '../../domain/facts.js';
import { ALERT_COLUMNS } from '../rows/alert-columns.js';

const STATEMENTS = new WeakMap<Database, Map<string, Statement>>();

/**
 * The prepared statement of `sql` on this connection, prepared once and reused: the delivery
 * worker calls these queries for every message, and preparing costs more than running them.
 */
export function prepared(db: Db, sql: string): Statement {
  let cache = STATEMENTS.get(db.$client);
  if (!cache) STATEMENTS.set(db.$client, (cache = new Map()));
  let stmt = cache.get(sql);
  if (!stmt) cache.set(sql, (stmt = db.$client.prepare(sql)));
  return stmt;
}


export const SELECT_ALERT = `SELECT ${Object.entries(ALERT_COLUMNS)
  .map(([f, c]) => `a.${c} AS ${f}`)
  .join(', ')} FROM alerts a`;

/**
 * Run `fn` in one IMMEDIATE transaction (the write lock is taken at the start, so a concurrent
 * writer waits on busy_timeout instead of failing half-way). `fn` must be synchronous.
 */
export function inTransaction<T>(db: Db, fn: () => T): T {
  const client = db.$client;
  if (client.inTransaction) {
    // Inside the delivery path's optimistic group pass: no savepoint (./group-commit.ts).
    const flat = flatNested(client, fn);
    if (flat) return flat.v;
    return client.transaction(fn)();
  }
  return client.transaction(fn).immediate();
}

/**
 * Open or acknowledged alerts, keyed by `keyOf`: of the given orgs only (one indexed read per
 * chunk of a streamed run), or of every org when `orgs` is null.
 */
export function loadOpenAlerts(db: Db, keyOf: (a: AlertRow) => string, orgs: readonly string[] | null = null): Map<string, AlertRow> {
  const rows = (
    orgs === null
      ? prepared(db, `${SELECT_ALERT} WHERE a.state IN ('open', 'acknowledged')`).all()
      : prepared(db, `${SELECT_ALERT} WHERE a.state IN ('open', 'acknowledged') AND a.org IN (SELECT value FROM json_each(?))`).all(JSON.stringify(orgs))
  ) as AlertRow[];
  const map = new Map<string, AlertRow>();
  for (const r of rows) map.set(keyOf(r), r);
  return map;
}

/** (rule, period) of every open or acknowledged alert by org code, for the evaluator to re-check. */
export function openAlertPeriods(db: Db, orgs?: readonly string[]): Map<string, EvalRequest[]> {
  // Member rules judge the member's current state whatever the period (like term-expiry): no request needed.
  const where = `state IN ('open', 'acknowledged') AND rule NOT IN ('member-absence', 'probation-due')`;
  const rows = (
    orgs === undefined
      ? prepared(db, `SELECT DISTINCT org, rule, period FROM alerts WHERE ${where} ORDER BY org, rule, period`).all()
      : prepared(db, `SELECT DISTINCT org, rule, period FROM alerts WHERE org IN (SELECT value FROM json_each(?)) AND ${where} ORDER BY org, rule, period`).all(JSON.stringify(orgs))
  ) as { org: string; rule: RuleId; period: string }[];
  const map = new Map<string, EvalRequest[]>();
  for (const r of rows) {
    let list = map.get(r.org);
    if (!list) map.set(r.org, (list = []));
    list.push({ rule: r.rule, period: r.period });
  }
  return map;
}

/** Prepared writes of reconcile and acknowledge; create one per transaction. */
export interface AlertWriter {
  /** Insert a new alert; null when (org, rule, period, subject) already exists (a resolved alert). */
  insert(row: Omit<AlertRow, 'id'>): number | null;
  /** The alert of an identity, whatever its state. */
  byKey(org: string, rule: string, period: string, subject?: string): AlertRow | undefined;
  /** Write changed columns (updated_at = now). */
  update(id: number, patch: Partial<AlertRow>, now: number): void;
  /** Append an event; returns its id. */
  event(alertId: number, ev: NewEvent, now: number): number;
  /** Queue the notification intent of an event. */
  outbox(eventId: number, alertId: number, now: number): void;
}

/** A writer over prepared statements of `db`. */
export function alertWriter(db: Db): AlertWriter {
  const fields = Object.keys(ALERT_COLUMNS).filter((f) => f !== 'id') as (keyof Omit<AlertRow, 'id'>)[];
  const insert = prepared(
    db,
    `INSERT INTO alerts (${fields.map((f) => ALERT_COLUMNS[f]).join(', ')}) VALUES (${fields.map((f) => `@${f}`).join(', ')})
     ON CONFLICT (org, rule, period, subject) DO NOTHING`,
  );
  const byKey = prepared(db, `${SELECT_ALERT} WHERE a.org = ? AND a.rule = ? AND a.period = ? AND a.subject = ?`);
  const event = prepared(db, 'INSERT INTO alert_events (alert_id, at, kind, level, from_level, reason, detail) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const outbox = prepared(db, 'INSERT INTO alert_outbox (event_id, alert_id, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING');
  // One statement per distinct set of changed columns (a handful of shapes in practice).
  const updates = new Map<string, Statement>();
  return {
    insert(row) {
      const info = insert.run(row);
      return info.changes ? Number(info.lastInsertRowid) : null;
    },
    byKey: (org, rule, period, subject = '') => byKey.get(org, rule, period, subject) as AlertRow | undefined,
    update(id, patch, now) {
      const keys = (Object.keys(patch) as (keyof AlertRow)[]).filter((k) => k !== 'id' && k !== 'updatedAt').sort();
      const shape = keys.join(',');
      let stmt = updates.get(shape);
      if (!stmt) {
        const sets = [...keys.map((k) => `${ALERT_COLUMNS[k]} = @${k}`), 'updated_at = @updatedAt'];
        stmt = prepared(db, `UPDATE alerts SET ${sets.join(', ')} WHERE id = @id`);
        updates.set(shape, stmt);
      }
      const params: Record<string, unknown> = { id, updatedAt: now };
      for (const k of keys) params[k] = patch[k];
      stmt.run(params);
    },
    event(alertId, ev, now) {
      const info = event.run(alertId, now, ev.kind, ev.level, ev.fromLevel, ev.reason, ev.detail ? JSON.stringify(ev.detail) : null);
      return Number(info.lastInsertRowid);
    },
    outbox(eventId, alertId, now) {
      outbox.run(eventId, alertId, now);
    },
  };
}

/** An alert by id. */
export function getAlert(db: Db, id: number): AlertRow | undefined {
  return prepared(db, `${SELECT_ALERT} WHERE a.id = ?`).get(id) as AlertRow | undefined;
}

/** Open and acknowledged alerts of one org. */
export function activeAlertsOf(db: Db, org: string): AlertRow[] {
  return prepared(db, `${SELECT_ALERT} WHERE a.org = ? AND a.state IN ('open', 'acknowledged') ORDER BY a.id`)
    .all(org) as AlertRow[];
}

/** Alerts for `orglife alerts list`, newest first. */
export function listAlerts(db: Db, opts: { open?: boolean; org?: string; limit?: number } = {}): AlertListRow[] {
  const where: string[] = [];
  const params: unknown[] = [];
  if (opts.open) where.push(`a.state IN ('open', 'acknowledged')`);
  if (opts.org) {
    where.push('a.org = ?');
    params.push(opts.org);
  }
  const sql =
    `${SELECT_ALERT.replace(' FROM alerts a', ', o.name AS orgName, o.parent AS parent FROM alerts a')} LEFT JOIN orgs o ON o.code = a.org` +
    (where.length ? ` WHERE ${where.join(' AND ')}` : '') +
    ` ORDER BY a.id DESC` +
    (opts.limit ? ` LIMIT ${Math.floor(opts.limit)}` : '');
  return prepared(db, sql).all(...params) as AlertListRow[];
}

/** The history of an alert, oldest first. */
export function alertHistory(db: Db, alertId: number): AlertEventRow[] {
  const rows = prepared(
      db,
      'SELECT id, alert_id AS alertId, at, kind, level, from_level AS fromLevel, reason, detail FROM alert_events WHERE alert_id = ? ORDER BY id',
    )
    .all(alertId) as (Omit<AlertEventRow, 'detail'> & { detail: string | null })[];
  return rows.map((r) => ({ ...r, detail: r.detail ? (JSON.parse(r.detail) as Record<string, unknown>) : null }));
}

/** Whether an org code exists, and its kind. */
export function orgKindOf(db: Db, code: string): 'committee' | 'branch' | undefined {
  const row = prepared(db, 'SELECT kind FROM orgs WHERE code = ?').get(code) as { kind: 'committee' | 'branch' } | undefined;
  return row?.kind;
}

/** Counts of alerts by state (for status output). */
export function countAlertsByState(db: Db): Record<AlertState, number> {
  const out: Record<AlertState, number> = { open: 0, acknowledged: 0, resolved: 0 };
  for (const r of prepared(db, 'SELECT state, count(*) AS n FROM alerts GROUP BY state').all() as { state: AlertState; n: number }[]) {
    out[r.state] = r.n;
  }
  return out;
}

/**
 * Per org, the alerts opened in [start, end): how severe they became, how many were acknowledged
 * and how fast, how many are not resolved yet. Orgs without alerts are absent.
 */
export function alertSummaryByOrg(db: Db, start: number, end: number): Map<string, OrgAlertSummary> {
  const rows = prepared(
    db,
    `SELECT a.org,
              count(*) AS opened,
              sum(m.r >= 2) AS warnings,
              sum(m.r = 3) AS escalations,
              sum(a.ack_at IS NOT NULL) AS acknowledged,
              avg(CASE WHEN a.ack_at IS NOT NULL THEN (a.ack_at - a.opened_at) / 3600000.0 END) AS meanHoursToAck,
              sum(a.state <> 'resolved') AS unresolved
         FROM alerts a
         JOIN (SELECT e.alert_id, max(CASE e.level WHEN 'escalation' THEN 3 WHEN 'warning' THEN 2 ELSE 1 END) AS r
                 FROM alert_events e JOIN alerts x ON x.id = e.alert_id
                WHERE x.opened_at >= @start AND x.opened_at < @end
                GROUP BY e.alert_id) m ON m.alert_id = a.id
        GROUP BY a.org`,
  ).all({ start, end }) as OrgAlertSummary[];
  return new Map(rows.map((r) => [r.org, { ...r, meanHoursToAck: r.meanHoursToAck === null ? null : Math.round(r.meanHoursToAck * 10) / 10 }]));
}

/**
 * Per alert id: the first sent_at of a delivery to the branch (role secretary or clerk) of a digest
 * carrying the alert at warning level or above, counting only events since the alert last opened
 * or reopened (a reopened alert's escalation clock starts again). Alerts never warned are absent.
 * The CROSS JOINs and `+d.status` keep the loop order listed alert → its digest items → their
 * deliveries: left to itself SQLite walked every sent delivery (the status index) and probed each
 * one's items, a read that grows with the whole history (a later day at 20,000 branches: 9.0 ms per
 * chunk of 400 alerts against 1.8 ms; tests/store/sqlite-warned-at-plan.test.ts).
 */
export const WARNED_AT_SQL = `SELECT i.alert_id AS alertId, min(d.sent_at) AS warnedAt
       FROM json_each(?) j CROSS JOIN alert_digest_items i CROSS JOIN deliveries d
      WHERE i.alert_id = j.value AND d.digest_id = i.digest_id AND +d.status = 'sent'
        AND i.level <> 'reminder' AND i.role <> 'committee'
        AND i.event_id >= (SELECT max(e.id) FROM alert_events e WHERE e.alert_id = i.alert_id AND e.kind IN ('opened', 'reopened'))
      GROUP BY i.alert_id`;

export function warningsDeliveredAt(db: Db, alertIds: readonly number[]): Map<number, number> {
  if (!alertIds.length) return new Map();
  const rows = prepared(db, WARNED_AT_SQL).all(JSON.stringify(alertIds)) as { alertId: number; warnedAt: number }[];
  return new Map(rows.map((r) => [r.alertId, r.warnedAt]));
}
