/**
 * Read queries of the web console on PostgreSQL (ConsoleRepo): the same answers as
 * ../sqlite/console-reads.ts, one statement each; lists are one array parameter.
 */
import { ALERT_COLUMNS } from '../rows/alert-columns.js';
import { one, rows, type Q } from './q.js';
import type { AlertListRow } from '../types/alerts.js';
import type {
  ActiveAlertCounts,
  AlertFilter,
  AlertPage,
  AttemptLine,
  CommitteeLevelCount,
  DeliveryLine,
  MeetingLine,
  MonthLevelCount,
  PendingSend,
  ReportLine,
  RunLine,
  TreeOrg,
} from '../types/console.js';

export const orgTreeRows = (q: Q) => rows<TreeOrg>(q, 'SELECT code, name, kind, parent, domain FROM orgs WHERE removed_at IS NULL ORDER BY code COLLATE "C"');

export async function orgTreeVersion(q: Q): Promise<string> {
  const r = (await one<{ n: number; t: number | null }>(q, 'SELECT count(*) - count(removed_at) AS n, max(updated_at) AS t FROM orgs'))!;
  return `${r.n}:${r.t ?? 0}`;
}

const ALERT_SELECT = `SELECT ${Object.entries(ALERT_COLUMNS)
  .map(([f, c]) => `a.${c} AS "${f}"`)
  .join(', ')}, o.name AS "orgName", o.parent AS parent`;
const ALERT_LIST = `${ALERT_SELECT} FROM alerts a LEFT JOIN orgs o ON o.code = a.org`;

function alertWhere(f: AlertFilter, orgs: readonly string[] | null): { sql: string; params: unknown[] } {
  const w: string[] = [];
  const params: unknown[] = [];
  const p = (v: unknown) => `$${params.push(v)}`;
  if (orgs) w.push(`a.org = ANY(${p(orgs)}::text[])`);
  if (f.state === 'active' || !f.state) w.push("a.state IN ('open', 'acknowledged')");
  else if (f.state !== 'all') w.push(`a.state = ${p(f.state)}`);
  for (const [key, col] of [
    ['level', 'a.level'],
    ['rule', 'a.rule'],
    ['period', 'a.period'],
    ['org', 'a.org'],
    ['committee', 'o.parent'],
  ] as const) {
    const v = f[key];
    if (v) w.push(`${col} = ${p(v)}`);
  }
  return { sql: w.length ? `WHERE ${w.join(' AND ')}` : '', params };
}

/**
 * The statements of one alert page (exported for the plan test, tests/store/alert-page-plan.test.ts):
 * the page's ids first, from an index (alerts_pkey scanned backwards, or alerts_state_org for a
 * scope), then only those rows read and named. Joining every skipped row to orgs and sorting whole
 * rows cost ~30 ms at offset 8,000 of 17,000 open alerts, this ~4 ms (same rows, same order).
 */
export function alertPageSql(f: AlertFilter, orgs: readonly string[] | null, limit: number, offset: number): { page: string; count: string; params: unknown[] } {
  const { sql, params } = alertWhere(f, orgs);
  // The join is needed to pick rows (and count them) only when filtering by committee (o.parent).
  const join = f.committee ? 'LEFT JOIN orgs o ON o.code = a.org' : '';
  const ids = `SELECT a.id FROM alerts a ${join} ${sql} ORDER BY a.id DESC LIMIT ${Math.floor(limit)} OFFSET ${Math.floor(offset)}`;
  return {
    page: `${ALERT_SELECT} FROM (${ids}) p JOIN alerts a ON a.id = p.id LEFT JOIN orgs o ON o.code = a.org ORDER BY a.id DESC`,
    count: `SELECT count(*) AS n FROM alerts a ${join} ${sql}`,
    params,
  };
}

export async function alertPage(q: Q, f: AlertFilter, orgs: readonly string[] | null, limit: number, offset: number): Promise<AlertPage> {
  const { page, count, params } = alertPageSql(f, orgs, limit, offset);
  const list = await rows<AlertListRow>(q, page, params);
  const total = (await one<{ n: number }>(q, count, params))!.n;
  return { rows: list, total };
}

export function openAlertsByCommittee(q: Q, orgs: readonly string[] | null): Promise<CommitteeLevelCount[]> {
  const { sql, params } = alertWhere({ state: 'active' }, orgs);
  return rows<CommitteeLevelCount>(q, `SELECT o.parent AS committee, a.level, a.state, count(*) AS n FROM alerts a LEFT JOIN orgs o ON o.code = a.org ${sql} GROUP BY o.parent, a.level, a.state`, params);
}

export async function activeAlertCounts(q: Q, orgs: readonly string[] | null): Promise<Map<string, ActiveAlertCounts>> {
  const { sql, params } = alertWhere({ state: 'active' }, orgs);
  const r = await rows<ActiveAlertCounts>(
    q,
    `SELECT a.org, count(*) FILTER (WHERE a.state = 'open') AS open, count(*) FILTER (WHERE a.state = 'acknowledged') AS acknowledged,
            count(*) FILTER (WHERE a.state = 'open' AND a.level = 'escalation') AS escalations
       FROM alerts a ${sql} GROUP BY a.org`,
    params,
  );
  return new Map(r.map((x) => [x.org, x]));
}

export async function alertMessagesSent(q: Q, from: number, to: number): Promise<number> {
  return (await one<{ n: number }>(q, "SELECT count(*) AS n FROM deliveries WHERE sent_at >= $1 AND sent_at < $2 AND digest_id IS NOT NULL AND status = 'sent'", [from, to]))!.n;
}

export function alertMessagesPerMonth(q: Q, from: number): Promise<MonthLevelCount[]> {
  return rows<MonthLevelCount>(
    q,
    `SELECT to_char(to_timestamp((d.sent_at + 28800000) / 1000.0) AT TIME ZONE 'UTC', 'YYYY-MM') AS month, g.level, count(*) AS n
       FROM deliveries d JOIN alert_digests g ON g.id = d.digest_id
      WHERE d.sent_at >= $1 AND d.status = 'sent'
      GROUP BY 1, g.level ORDER BY 1`,
    [from],
  );
}

export async function deliveryStatusCounts(q: Q): Promise<Record<string, number>> {
  const out: Record<string, number> = { pending: 0, sent: 0, failed: 0, cancelled: 0 };
  for (const r of await rows<{ status: string; n: number }>(q, 'SELECT status, count(*) AS n FROM deliveries GROUP BY status')) out[r.status] = r.n;
  return out;
}

export const lastRuns = (q: Q) =>
  rows<RunLine>(
    q,
    `SELECT kind, status, as_of AS "asOf", started_at AS "startedAt", finished_at AS "finishedAt" FROM cycle_runs
      WHERE id IN (SELECT max(id) FROM cycle_runs GROUP BY kind) ORDER BY kind`,
  );

export async function reportPeriods(q: Q): Promise<string[]> {
  return (await rows<{ period: string }>(q, "SELECT DISTINCT period FROM reports WHERE kind = 'branch' ORDER BY period DESC")).map((r) => r.period);
}

/** The ranking's version check: an index-only scan of reports_period_generated (tests/store/reports-version-index.test.ts EXPLAINs it). */
export const REPORTS_VERSION_SQL = "SELECT count(*)::int AS n, max(generated_at) AS t FROM reports WHERE kind = 'branch' AND period = $1";

export async function reportsVersion(q: Q, period: string): Promise<string> {
  const r = (await one<{ n: number; t: number | null }>(q, REPORTS_VERSION_SQL, [period]))!;
  return `${r.n}:${r.t ?? 0}`;
}

export async function branchReportsData(q: Q, period: string): Promise<string[]> {
  return (await rows<{ data: string }>(q, "SELECT data FROM reports WHERE kind = 'branch' AND period = $1", [period])).map((r) => r.data);
}

export const reportsOf = (q: Q, org: string) =>
  rows<ReportLine>(q, 'SELECT period, kind, score, grade, stars, rank, generated_at AS "generatedAt" FROM reports WHERE org = $1 ORDER BY period DESC', [org]);

export const recentMeetingsOf = (q: Q, org: string, limit: number) =>
  rows<MeetingLine>(
    q,
    `SELECT m.record_id AS "recordId", m.type, m.held_at AS "heldAt", m.expected, m.attended, m.minutes, m.topic
       FROM meetings m JOIN orgs o ON o.id = m.org_id WHERE o.code = $1 ORDER BY m.held_at DESC LIMIT ${Math.floor(limit)}`,
    [org],
  );

export const alertsOfOrg = (q: Q, org: string, limit: number) => rows<AlertListRow>(q, `${ALERT_LIST} WHERE a.org = $1 ORDER BY a.id DESC LIMIT ${Math.floor(limit)}`, [org]);

export const alertsByIds = (q: Q, ids: readonly number[]) =>
  ids.length ? rows<AlertListRow>(q, `${ALERT_LIST} WHERE a.id = ANY($1::int[]) ORDER BY a.org COLLATE "C", a.id`, [ids]) : Promise.resolve([]);

const DELIVERY_LINE = `SELECT DISTINCT d.id, d.channel, d.recipient, d.status, d.not_before AS "notBefore", d.sent_at AS "sentAt", d.attempts,
  d.last_error AS "lastError", g.level, g.recipient_name AS "recipientName"
  FROM alert_digest_items i JOIN alert_digests g ON g.id = i.digest_id JOIN deliveries d ON d.digest_id = g.id`;

export const deliveriesOfAlert = (q: Q, alertId: number) => rows<DeliveryLine>(q, `${DELIVERY_LINE} WHERE i.alert_id = $1 ORDER BY d.id`, [alertId]);

export const deliveriesOfOrg = (q: Q, org: string, limit: number) => rows<DeliveryLine>(q, `${DELIVERY_LINE} WHERE i.org = $1 ORDER BY d.id DESC LIMIT ${Math.floor(limit)}`, [org]);

export const attemptsOf = (q: Q, ids: readonly number[]) =>
  ids.length
    ? rows<AttemptLine>(
        q,
        `SELECT delivery_id AS "deliveryId", attempt, channel, started_at AS "startedAt", duration_ms AS "durationMs", error, permanent::int AS permanent
           FROM delivery_attempts WHERE delivery_id = ANY($1::int[]) ORDER BY delivery_id, attempt`,
        [ids],
      )
    : Promise.resolve([]);

export const pendingSends = (q: Q) =>
  rows<PendingSend>(
    q,
    `SELECT d.id, d.channel, d.recipient, g.recipient_name AS "recipientName", g.level, d.not_before AS "notBefore", d.created_at AS "createdAt",
            (SELECT count(*) FROM alert_digest_items i WHERE i.digest_id = d.digest_id) AS items,
            coalesce((SELECT string_agg(DISTINCT i.org, ',') FROM alert_digest_items i WHERE i.digest_id = d.digest_id), (SELECT r.org FROM reports r WHERE r.id = d.report_id)) AS orgs,
            CASE WHEN d.digest_id IS NULL THEN 'report' ELSE 'alert' END AS kind
       FROM deliveries d LEFT JOIN alert_digests g ON g.id = d.digest_id
      WHERE d.status = 'pending' ORDER BY d.not_before, d.id`,
  );
