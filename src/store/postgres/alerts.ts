/**
 * PostgreSQL queries of the alert lifecycle (mirror of the SQLite module): open alerts in one
 * read, a writer of alert changes, events and outbox rows, and the read side of `orglife alerts`.
 */
import type { AlertState } from '../../domain/alerts.js';
import type { RuleId } from '../../domain/types.js';
import type { EvalRequest } from '../../domain/facts.js';
import type { AlertEventRow, AlertListRow, AlertRow, NewEvent, OrgAlertSummary } from '../types/alerts.js';
import { ALERT_COLUMNS } from '../rows/alert-columns.js';

export { ALERT_COLUMNS };
import { one, rows, type Q } from './q.js';


const SELECT_ALERT = `SELECT ${Object.entries(ALERT_COLUMNS)
  .map(([f, c]) => `a.${c} AS "${f}"`)
  .join(', ')} FROM alerts a`;

export async function loadOpenAlerts(q: Q, keyOf: (a: AlertRow) => string, orgs: readonly string[] | null = null): Promise<Map<string, AlertRow>> {
  const r =
    orgs === null
      ? await rows<AlertRow>(q, `${SELECT_ALERT} WHERE a.state IN ('open', 'acknowledged')`)
      : await rows<AlertRow>(q, `${SELECT_ALERT} WHERE a.state IN ('open', 'acknowledged') AND a.org = ANY($1::text[])`, [orgs]);
  const map = new Map<string, AlertRow>();
  for (const a of r) map.set(keyOf(a), a);
  return map;
}

export async function openAlertPeriods(q: Q): Promise<Map<string, EvalRequest[]>> {
  const r = await rows<{ org: string; rule: RuleId; period: string }>(
    q,
    `SELECT org, rule, period FROM alerts WHERE state IN ('open', 'acknowledged') AND rule NOT IN ('member-absence', 'probation-due')
      GROUP BY org, rule, period ORDER BY org COLLATE "C", rule COLLATE "C", period COLLATE "C"`,
  );
  const map = new Map<string, EvalRequest[]>();
  for (const x of r) {
    let list = map.get(x.org);
    if (!list) map.set(x.org, (list = []));
    list.push({ rule: x.rule, period: x.period });
  }
  return map;
}

const INSERT_FIELDS = (Object.keys(ALERT_COLUMNS) as (keyof AlertRow)[]).filter((f) => f !== 'id');

/** Writes of reconcile and acknowledge, one statement each (use inside a transaction). */
export const alertWrites = {
  async insert(q: Q, row: Omit<AlertRow, 'id'>): Promise<number | null> {
    const r = await one<{ id: number }>(
      q,
      `INSERT INTO alerts (${INSERT_FIELDS.map((f) => ALERT_COLUMNS[f]).join(', ')}) VALUES (${INSERT_FIELDS.map((_, i) => `$${i + 1}`).join(', ')})
       ON CONFLICT (org, rule, period, subject) DO NOTHING RETURNING id`,
      INSERT_FIELDS.map((f) => (row as Record<string, unknown>)[f]),
    );
    return r ? r.id : null;
  },
  byKey: (q: Q, org: string, rule: string, period: string, subject = '') =>
    one<AlertRow>(q, `${SELECT_ALERT} WHERE a.org = $1 AND a.rule = $2 AND a.period = $3 AND a.subject = $4`, [org, rule, period, subject]),
  async update(q: Q, id: number, patch: Partial<AlertRow>, now: number): Promise<void> {
    const keys = (Object.keys(patch) as (keyof AlertRow)[]).filter((k) => k !== 'id' && k !== 'updatedAt').sort();
    const sets = [...keys.map((k, i) => `${ALERT_COLUMNS[k]} = $${i + 3}`), 'updated_at = $2'];
    await q.query(`UPDATE alerts SET ${sets.join(', ')} WHERE id = $1`, [id, now, ...keys.map((k) => patch[k])]);
  },
  async event(q: Q, alertId: number, ev: NewEvent, now: number): Promise<number> {
    const r = await one<{ id: number }>(
      q,
      'INSERT INTO alert_events (alert_id, at, kind, level, from_level, reason, detail) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id',
      [alertId, now, ev.kind, ev.level, ev.fromLevel, ev.reason, ev.detail ? JSON.stringify(ev.detail) : null],
    );
    return r!.id;
  },
  async outbox(q: Q, eventId: number, alertId: number, now: number): Promise<void> {
    await q.query('INSERT INTO alert_outbox (event_id, alert_id, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [eventId, alertId, now]);
  },
};

export async function getAlert(q: Q, id: number): Promise<AlertRow | undefined> {
  return one<AlertRow>(q, `${SELECT_ALERT} WHERE a.id = $1`, [id]);
}

export async function activeAlertsOf(q: Q, org: string): Promise<AlertRow[]> {
  return rows<AlertRow>(q, `${SELECT_ALERT} WHERE a.org = $1 AND a.state IN ('open', 'acknowledged') ORDER BY a.id`, [org]);
}

export async function listAlerts(q: Q, opts: { open?: boolean; org?: string; limit?: number } = {}): Promise<AlertListRow[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (opts.open) where.push(`a.state IN ('open', 'acknowledged')`);
  if (opts.org) {
    params.push(opts.org);
    where.push(`a.org = $${params.length}`);
  }
  const sql =
    `${SELECT_ALERT.replace(' FROM alerts a', ', o.name AS "orgName", o.parent AS parent FROM alerts a')} LEFT JOIN orgs o ON o.code = a.org` +
    (where.length ? ` WHERE ${where.join(' AND ')}` : '') +
    ' ORDER BY a.id DESC' +
    (opts.limit ? ` LIMIT ${Math.floor(opts.limit)}` : '');
  return rows<AlertListRow>(q, sql, params);
}

export async function alertHistory(q: Q, alertId: number): Promise<AlertEventRow[]> {
  const r = await rows<Omit<AlertEventRow, 'detail'> & { detail: string | null }>(
    q,
    'SELECT id, alert_id AS "alertId", at, kind, level, from_level AS "fromLevel", reason, detail FROM alert_events WHERE alert_id = $1 ORDER BY id',
    [alertId],
  );
  return r.map((x) => ({ ...x, detail: x.detail ? (JSON.parse(x.detail) as Record<string, unknown>) : null }));
}

export async function orgKindOf(q: Q, code: string): Promise<'committee' | 'branch' | undefined> {
  return (await one<{ kind: 'committee' | 'branch' }>(q, 'SELECT kind FROM orgs WHERE code = $1', [code]))?.kind;
}

export async function countAlertsByState(q: Q): Promise<Record<AlertState, number>> {
  const out: Record<AlertState, number> = { open: 0, acknowledged: 0, resolved: 0 };
  for (const r of await rows<{ state: AlertState; n: number }>(q, 'SELECT state, count(*) AS n FROM alerts GROUP BY state')) out[r.state] = r.n;
  return out;
}

export async function alertSummaryByOrg(q: Q, start: number, end: number): Promise<Map<string, OrgAlertSummary>> {
  const r = await rows<OrgAlertSummary>(
    q,
    `SELECT a.org,
            count(*) AS opened,
            count(*) FILTER (WHERE m.r >= 2) AS warnings,
            count(*) FILTER (WHERE m.r = 3) AS escalations,
            count(*) FILTER (WHERE a.ack_at IS NOT NULL) AS acknowledged,
            avg(CASE WHEN a.ack_at IS NOT NULL THEN (a.ack_at - a.opened_at) / 3600000.0 END)::float8 AS "meanHoursToAck",
            count(*) FILTER (WHERE a.state <> 'resolved') AS unresolved
       FROM alerts a
       JOIN (SELECT e.alert_id, max(CASE e.level WHEN 'escalation' THEN 3 WHEN 'warning' THEN 2 ELSE 1 END) AS r
               FROM alert_events e JOIN alerts x ON x.id = e.alert_id
              WHERE x.opened_at >= $1 AND x.opened_at < $2
              GROUP BY e.alert_id) m ON m.alert_id = a.id
      GROUP BY a.org`,
    [start, end],
  );
  return new Map(r.map((x) => [x.org, { ...x, meanHoursToAck: x.meanHoursToAck === null ? null : Math.round(x.meanHoursToAck * 10) / 10 }]));
}
