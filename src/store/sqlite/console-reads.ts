/**
 * Read queries of the web console on SQLite (ConsoleRepo): the org tree (for scoping), paginated alert lists with filters,
 * the overview's counts, stored-report headlines for the ranking board, and a branch's timeline.
 * `orgs` arguments are the branch codes a user may see, or null for everything (the county).
 * Each query is one statement over an index; pages never load a whole table into a template.
 */
import { prepared } from './alerts.js';
import type { Db } from './db.js';
import type { AlertListRow } from '../types/alerts.js';
import type { ActiveAlertCounts, AlertFilter, AttemptLine, DeliveryLine, PendingSend, TreeOrg } from '../types/console.js';

export function orgTreeRows(db: Db): TreeOrg[] {
  return prepared(db, 'SELECT code, name, kind, parent, domain FROM orgs WHERE removed_at IS NULL ORDER BY code').all() as TreeOrg[];
}

/** Changes whenever an import touches the org table (a cheap cache key for the tree). */
export function orgTreeVersion(db: Db): string {
  const r = prepared(db, 'SELECT count(*) - count(removed_at) AS n, max(updated_at) AS t FROM orgs').get() as { n: number; t: number | null };
  return `${r.n}:${r.t ?? 0}`;
}

const ALERT_LIST_COLS = `a.id, a.org, a.rule, a.period, a.state, a.level, a.rule_level AS ruleLevel, a.due_at AS dueAt, a.message,
  a.opened_at AS openedAt, a.updated_at AS updatedAt, a.resolved_at AS resolvedAt, a.last_notified_at AS lastNotifiedAt,
  a.notifications, a.repeats, a.ack_plan AS ackPlan, a.ack_by AS ackBy, a.ack_deadline AS ackDeadline, a.ack_who AS ackWho,
  a.ack_at AS ackAt, o.name AS orgName, o.parent AS parent`;

function alertWhere(f: AlertFilter, orgs: readonly string[] | null): { sql: string; params: Record<string, unknown> } {
  const w: string[] = [];
  const params: Record<string, unknown> = {};
  if (orgs) {
    w.push('a.org IN (SELECT value FROM json_each(@orgs))');
    params.orgs = JSON.stringify(orgs);
  }
  if (f.state === 'active' || !f.state) w.push("a.state IN ('open', 'acknowledged')");
  else if (f.state !== 'all') {
    w.push('a.state = @state');
    params.state = f.state;
  }
  for (const [key, col] of [
    ['level', 'a.level'],
    ['rule', 'a.rule'],
    ['period', 'a.period'],
    ['org', 'a.org'],
    ['committee', 'o.parent'],
  ] as const) {
    const v = f[key];
    if (v) {
      w.push(`${col} = @${key}`);
      params[key] = v;
    }
  }
  return { sql: w.length ? `WHERE ${w.join(' AND ')}` : '', params };
}

/**
 * The statements of one alert page (exported for the plan test, tests/store/alert-page-plan.test.ts).
 * The page's ids first (from the index: ids only, sorted), then its rows and names: joining and
 * sorting whole rows of every matching alert cost ~150 ms at 16,000 open alerts, this ~5 ms.
 */
export function alertPageSql(f: AlertFilter, orgs: readonly string[] | null): { page: string; count: string; params: Record<string, unknown> } {
  const { sql, params } = alertWhere(f, orgs);
  // The join is needed to pick rows (and count them) only when filtering by committee (o.parent).
  const join = f.committee ? 'LEFT JOIN orgs o ON o.code = a.org' : '';
  return {
    page: `SELECT ${ALERT_LIST_COLS} FROM (SELECT a.id FROM alerts a ${join} ${sql} ORDER BY a.id DESC LIMIT @limit OFFSET @offset) p
       JOIN alerts a ON a.id = p.id LEFT JOIN orgs o ON o.code = a.org ORDER BY a.id DESC`,
    count: `SELECT count(*) AS n FROM alerts a ${join} ${sql}`,
    params,
  };
}

/** One page of alerts, newest first, with the total matching the filter. */
export function alertPage(db: Db, f: AlertFilter, orgs: readonly string[] | null, limit: number, offset: number): { rows: AlertListRow[]; total: number } {
  const { page, count, params } = alertPageSql(f, orgs);
  const rows = prepared(db, page).all({ ...params, limit, offset }) as AlertListRow[];
  const total = (prepared(db, count).get(params) as { n: number }).n;
  return { rows, total };
}

/** Open (and acknowledged) alerts counted by committee and level. */
export function openAlertsByCommittee(db: Db, orgs: readonly string[] | null): { committee: string | null; level: string; state: string; n: number }[] {
  const { sql, params } = alertWhere({ state: 'active' }, orgs);
  return prepared(
    db,
    `SELECT o.parent AS committee, a.level, a.state, count(*) AS n FROM alerts a LEFT JOIN orgs o ON o.code = a.org ${sql} GROUP BY o.parent, a.level, a.state`,
  ).all(params) as never;
}

/** Alert messages sent in [from, to): deliveries of digests with status sent. */
export function alertMessagesSent(db: Db, from: number, to: number): number {
  return (prepared(db, "SELECT count(*) AS n FROM deliveries WHERE sent_at >= ? AND sent_at < ? AND digest_id IS NOT NULL AND status = 'sent'").get(from, to) as {
    n: number;
  }).n;
}

/** Alert messages sent per Shanghai month since `from` ('YYYY-MM' → count), by the digest's level. */
export function alertMessagesPerMonth(db: Db, from: number): { month: string; level: string; n: number }[] {
  return prepared(
    db,
    `SELECT strftime('%Y-%m', (d.sent_at + 28800000) / 1000, 'unixepoch') AS month, g.level, count(*) AS n
       FROM deliveries d JOIN alert_digests g ON g.id = d.digest_id
      WHERE d.sent_at >= ? AND d.status = 'sent'
      GROUP BY month, g.level ORDER BY month`,
  ).all(from) as never;
}

/** Deliveries by status (pending = still to send, failed = gave up). */
export function deliveryStatusCounts(db: Db): Record<string, number> {
  const out: Record<string, number> = { pending: 0, sent: 0, failed: 0, cancelled: 0 };
  for (const r of prepared(db, 'SELECT status, count(*) AS n FROM deliveries GROUP BY status').all() as { status: string; n: number }[]) out[r.status] = r.n;
  return out;
}

/** Periods with stored branch reports, newest first. */
export function reportPeriods(db: Db): string[] {
  return (prepared(db, "SELECT DISTINCT period FROM reports WHERE kind = 'branch' ORDER BY period DESC").all() as { period: string }[]).map((r) => r.period);
}

/** The ranking's version check: read from the index reports_period_generated alone (tests/store/reports-version-index.test.ts EXPLAINs it). */
export const REPORTS_VERSION_SQL = "SELECT count(*) AS n, max(generated_at) AS t FROM reports WHERE kind = 'branch' AND period = ?";

/** When a period's reports were last (re)computed: the ranking cache key. */
export function reportsVersion(db: Db, period: string): string {
  const r = prepared(db, REPORTS_VERSION_SQL).get(period) as { n: number; t: number | null };
  return `${r.n}:${r.t ?? 0}`;
}

/** Every stored branch report's JSON of a period (the ranking board parses them once per version). */
export function branchReportsData(db: Db, period: string): string[] {
  return (prepared(db, "SELECT data FROM reports WHERE kind = 'branch' AND period = ?").raw().all(period) as [string][]).map((r) => r[0]);
}

/** Stored reports of one org: period, kind, score, grade, stars, ranks (newest first). */
export function reportsOf(db: Db, org: string): { period: string; kind: string; score: number | null; grade: string | null; stars: number | null; rank: number | null; generatedAt: number }[] {
  return prepared(db, 'SELECT period, kind, score, grade, stars, rank, generated_at AS generatedAt FROM reports WHERE org = ? ORDER BY period DESC').all(org) as never;
}

/** The last `limit` meetings of a branch, newest first. */
export function recentMeetingsOf(db: Db, org: string, limit: number): { recordId: string; type: string; heldAt: number; expected: number; attended: number; minutes: number | null; topic: string | null }[] {
  return prepared(
    db,
    `SELECT m.record_id AS recordId, m.type, m.held_at AS heldAt, m.expected, m.attended, m.minutes, m.topic
       FROM meetings m JOIN orgs o ON o.id = m.org_id WHERE o.code = ? ORDER BY m.held_at DESC LIMIT ?`,
  ).all(org, limit) as never;
}

const DELIVERY_LINE = `SELECT DISTINCT d.id, d.channel, d.recipient, d.status, d.not_before AS notBefore, d.sent_at AS sentAt, d.attempts,
  d.last_error AS lastError, g.level, g.recipient_name AS recipientName
  FROM alert_digest_items i JOIN alert_digests g ON g.id = i.digest_id JOIN deliveries d ON d.digest_id = g.id`;

/** Deliveries that carried this alert, oldest first. */
export function deliveriesOfAlert(db: Db, alertId: number): DeliveryLine[] {
  return prepared(db, `${DELIVERY_LINE} WHERE i.alert_id = ? ORDER BY d.id`).all(alertId) as DeliveryLine[];
}

/** The last `limit` deliveries that carried alerts of this branch, newest first. */
export function deliveriesOfOrg(db: Db, org: string, limit: number): DeliveryLine[] {
  return prepared(db, `${DELIVERY_LINE} WHERE i.org = ? ORDER BY d.id DESC LIMIT ?`).all(org, limit) as DeliveryLine[];
}

export function attemptsOf(db: Db, deliveryIds: readonly number[]): AttemptLine[] {
  if (!deliveryIds.length) return [];
  return prepared(
    db,
    `SELECT delivery_id AS deliveryId, attempt, channel, started_at AS startedAt, duration_ms AS durationMs, error, permanent
       FROM delivery_attempts WHERE delivery_id IN (SELECT value FROM json_each(?)) ORDER BY delivery_id, attempt`,
  ).all(JSON.stringify(deliveryIds)) as AttemptLine[];
}

/** Alerts of one branch, newest first (any state). */
export function alertsOfOrg(db: Db, org: string, limit: number): AlertListRow[] {
  return prepared(db, `SELECT ${ALERT_LIST_COLS} FROM alerts a LEFT JOIN orgs o ON o.code = a.org WHERE a.org = ? ORDER BY a.id DESC LIMIT ?`).all(
    org,
    limit,
  ) as AlertListRow[];
}

/** Open/acknowledged alerts among the given ids, plus the ids' current state (for a secretary's link). */
export function alertsByIds(db: Db, ids: readonly number[]): AlertListRow[] {
  return prepared(db, `SELECT ${ALERT_LIST_COLS} FROM alerts a LEFT JOIN orgs o ON o.code = a.org WHERE a.id IN (SELECT value FROM json_each(?)) ORDER BY a.org, a.id`).all(
    JSON.stringify(ids),
  ) as AlertListRow[];
}

/** Last finished evaluate run and the newest cycle runs, for the overview's health panel. */
export function lastRuns(db: Db): { kind: string; status: string; asOf: number; startedAt: number; finishedAt: number | null }[] {
  return prepared(
    db,
    `SELECT kind, status, as_of AS asOf, started_at AS startedAt, finished_at AS finishedAt FROM cycle_runs
      WHERE id IN (SELECT max(id) FROM cycle_runs GROUP BY kind) ORDER BY kind`,
  ).all() as never;
}

/** Open and acknowledged alerts per branch (for a committee's branch list). */
export function activeAlertCounts(db: Db, orgs: readonly string[] | null): Map<string, ActiveAlertCounts> {
  const { sql, params } = alertWhere({ state: 'active' }, orgs);
  const rows = prepared(
    db,
    `SELECT a.org, sum(a.state = 'open') AS open, sum(a.state = 'acknowledged') AS acknowledged, sum(a.state = 'open' AND a.level = 'escalation') AS escalations
       FROM alerts a LEFT JOIN orgs o ON o.code = a.org ${sql} GROUP BY a.org`,
  ).all(params) as ActiveAlertCounts[];
  return new Map(rows.map((r) => [r.org, r]));
}

/** Every pending delivery (alert digests and report mail), earliest first, with what it carries. */
export function pendingSends(db: Db): PendingSend[] {
  return prepared(
    db,
    `SELECT d.id, d.channel, d.recipient, g.recipient_name AS recipientName, g.level, d.not_before AS notBefore, d.created_at AS createdAt,
            (SELECT count(*) FROM alert_digest_items i WHERE i.digest_id = d.digest_id) AS items,
            coalesce((SELECT group_concat(DISTINCT i.org) FROM alert_digest_items i WHERE i.digest_id = d.digest_id), (SELECT r.org FROM reports r WHERE r.id = d.report_id)) AS orgs,
            CASE WHEN d.digest_id IS NULL THEN 'report' ELSE 'alert' END AS kind
       FROM deliveries d LEFT JOIN alert_digests g ON g.id = d.digest_id
      WHERE d.status = 'pending' ORDER BY d.not_before, d.id`,
  ).all() as PendingSend[];
}
