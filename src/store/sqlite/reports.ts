/**
 * Queries of the health-check reports: what a report reads (orgs, assessments, vetoes,
 * rectification items, earlier reports) in a few bulk statements over all branches, and what it
 * writes (stored reports, rectification items and closing them). Meetings are read with the rules'
 * covering-index query (store/facts.ts); report mail lives in the delivery log (store/report-mails.ts).
 */
import type { Statement } from 'better-sqlite3';
import { DOMAINS, MEETING_TYPES, type Domain, type MeetingType } from '../../domain/types.js';
import type {
  AlertFact,
  AssessmentFact,
  BranchReport,
  CommitteeSummary,
  HistoryPoint,
  MeetingInfo,
  RectificationFact,
  VetoFact,
} from '../../reports/types.js';
import type { Db } from './db.js';
import type { OrgRow, RectificationRow, ScoreAndOpenItems } from '../types/reports.js';

const cache = new WeakMap<object, Map<string, Statement>>();
function stmt(db: Db, sql: string): Statement {
  let byDb = cache.get(db.$client);
  if (!byDb) cache.set(db.$client, (byDb = new Map()));
  let s = byDb.get(sql);
  if (!s) byDb.set(sql, (s = db.$client.prepare(sql)));
  return s;
}

const DOMAIN_SET = new Set<string>(DOMAINS);

const ORG_COLUMNS = 'id, code, name, kind, parent, domain, groups, established_on, elected_on, term_years, secretary_email, clerk_email';

function orgRowOf(r: unknown[]): OrgRow {
  return {
    id: r[0] as number,
    code: r[1] as string,
    name: r[2] as string,
    kind: r[3] as 'committee' | 'branch',
    parent: r[4] as string | null,
    domain: DOMAIN_SET.has(r[5] as string) ? (r[5] as Domain) : null,
    groups: (r[6] as number | null) ?? 0,
    establishedOn: r[7] as string | null,
    electedOn: r[8] as string | null,
    termYears: r[9] as number | null,
    secretaryEmail: r[10] as string | null,
    clerkEmail: r[11] as string | null,
  };
}

/** Every organization (committees and branches) not marked removed, ascending by row id. */
export function loadReportOrgs(db: Db): OrgRow[] {
  return (stmt(db, `SELECT ${ORG_COLUMNS} FROM orgs WHERE removed_at IS NULL ORDER BY id`).raw().all() as unknown[][]).map(orgRowOf);
}

/** The orgs of these row ids, not marked removed, ascending by row id. */
export function loadReportOrgsByIds(db: Db, ids: readonly number[]): OrgRow[] {
  if (!ids.length) return [];
  return (stmt(db, `SELECT ${ORG_COLUMNS} FROM orgs WHERE removed_at IS NULL AND id IN (SELECT value FROM json_each(?)) ORDER BY id`).raw().all(JSON.stringify(ids)) as unknown[][]).map(orgRowOf);
}

/** Every org that is not a branch, not marked removed, ascending by row id. */
export function loadReportCommittees(db: Db): OrgRow[] {
  return (stmt(db, `SELECT ${ORG_COLUMNS} FROM orgs WHERE removed_at IS NULL AND kind <> 'branch' ORDER BY id`).raw().all() as unknown[][]).map(orgRowOf);
}

/**
 * The orgs of `codes` and every org above them, not marked removed, ascending by row id: the
 * recursive walk goes up the parent links of orgs not removed (one seek in orgs_code a step), so a
 * removed committee ends the chain exactly where the whole-city list would end it.
 */
export function loadReportOrgsOf(db: Db, codes: readonly string[]): OrgRow[] {
  if (!codes.length) return [];
  const sql = `WITH RECURSIVE up(code) AS (
      SELECT value FROM json_each(?)
      UNION SELECT o.parent FROM up JOIN orgs o ON o.code = up.code WHERE o.removed_at IS NULL AND o.parent IS NOT NULL)
    SELECT ${ORG_COLUMNS} FROM orgs WHERE removed_at IS NULL AND code IN (SELECT code FROM up) ORDER BY id`;
  return (stmt(db, sql).raw().all(JSON.stringify(codes)) as unknown[][]).map(orgRowOf);
}

/**
 * Meetings held before `to` by the given branches, each type's from its `since` instant, grouped by
 * org row id; `id` is the meetings row id as a string (translate with recordIdsOf in store/facts.ts).
 * The VALUES list of (type, since) and CROSS JOINs keep the loop order branch → type → index range,
 * so each lookup is one seek in the covering index meetings(org_id, type, held_at, …) over just
 * that type's range, and the table itself is never read.
 */
export function periodMeetings(db: Db, orgIds: readonly number[], since: ReadonlyMap<MeetingType, number>, to: number): Map<number, MeetingInfo[]> {
  const out = new Map<number, MeetingInfo[]>();
  const types = MEETING_TYPES.filter((t) => since.has(t));
  if (!orgIds.length || !types.length) return out;
  const values = types.map(() => '(?, ?, ?)').join(', ');
  const sql = `WITH w(k, type, since) AS (VALUES ${values})
    SELECT j.value, w.k, m.held_at, m.expected, m.attended, m.minutes, m.lecturer_role, m.id
    FROM json_each(?) j CROSS JOIN w CROSS JOIN meetings m
    WHERE m.org_id = j.value AND m.type = w.type AND m.held_at >= w.since AND m.held_at < ?`;
  const params: unknown[] = types.flatMap((t, k) => [k, t, since.get(t)!]);
  const rows = stmt(db, sql).raw().all(...params, JSON.stringify(orgIds), to) as [number, number, number, number, number, number | null, string | null, number][];
  for (const [org, k, heldAt, expected, attended, minutes, role, id] of rows) {
    const m: MeetingInfo = {
      id: String(id),
      type: types[k]!,
      heldAt,
      expected,
      attended,
      minutes: minutes === null ? null : minutes !== 0,
      lecturerRole: role === 'secretary' || role === 'other' ? role : null,
    };
    const list = out.get(org);
    if (list) list.push(m);
    else out.set(org, [m]);
  }
  return out;
}

/**
 * The `IN` filter of a read scoped to some org codes (null = every org): `column IN (json_each(?))`,
 * which SQLite runs as one seek per code in an index leading with the org column.
 */
const inOrgs = (column: string, orgs: readonly string[] | undefined) => (orgs ? ` AND ${column} IN (SELECT value FROM json_each(?))` : '');
const orgsArg = (orgs: readonly string[] | undefined) => (orgs ? [JSON.stringify(orgs)] : []);

/** Assessments whose period label is one of `periods`, grouped by org code (each list by row id); only of `orgs` when given. */
export function loadAssessments(db: Db, periods: readonly string[], orgs?: readonly string[]): Map<string, AssessmentFact[]> {
  const rows = stmt(db, `SELECT org, indicator, period, score FROM assessments WHERE period IN (SELECT value FROM json_each(?))${inOrgs('org', orgs)} ORDER BY id`).all(
    JSON.stringify(periods),
    ...orgsArg(orgs),
  ) as AssessmentFact[];
  return groupBy(rows);
}

/** Negative-list entries whose period label is one of `periods`, grouped by org code (each list by row id); only of `orgs` when given. */
export function loadVetoes(db: Db, periods: readonly string[], orgs?: readonly string[]): Map<string, VetoFact[]> {
  const rows = stmt(db, `SELECT org, period, item FROM vetoes WHERE period IN (SELECT value FROM json_each(?))${inOrgs('org', orgs)} ORDER BY id`).all(
    JSON.stringify(periods),
    ...orgsArg(orgs),
  ) as VetoFact[];
  return groupBy(rows);
}

/** Rectification items that are open, or were due within [from, to): grouped by org code (each list by row id); only of `orgs` when given. */
export function loadRectifications(db: Db, from: number, to: number, orgs?: readonly string[]): Map<string, RectificationFact[]> {
  const rows = stmt(
    db,
    `SELECT id, org, rule, problem_period AS problemPeriod, report_period AS reportPeriod, title, due_at AS dueAt, status, closed_at AS closedAt
     FROM rectification_items WHERE (status = 'open' OR (due_at >= ? AND due_at < ?))${inOrgs('org', orgs)} ORDER BY id`,
  ).all(from, to, ...orgsArg(orgs)) as RectificationFact[];
  return groupBy(rows);
}

/** Headlines of stored branch reports for the given periods, grouped by org code. */
export function loadHistory(db: Db, periods: readonly string[]): Map<string, HistoryPoint[]> {
  const rows = stmt(
    db,
    `SELECT org, period, score, stars, rank, committee_rank AS committeeRank FROM reports
     WHERE kind = 'branch' AND period IN (SELECT value FROM json_each(?))`,
  ).all(JSON.stringify(periods)) as (HistoryPoint & { org: string })[];
  const out = new Map<string, HistoryPoint[]>();
  for (const { org, ...h } of rows) {
    const list = out.get(org);
    if (list) list.push(h);
    else out.set(org, [h]);
  }
  return out;
}

/** Whether any branch report of a period is stored. */
export function hasStoredReports(db: Db, period: string): boolean {
  return !!stmt(db, "SELECT 1 FROM reports WHERE kind = 'branch' AND period = ? LIMIT 1").get(period);
}

/**
 * Store reports (insert or replace the data of (org, period, kind)), keeping their mail marker
 * (mail_planned_at): a report regenerated after a crash is not mailed again. One transaction.
 */
export function saveReports(db: Db, branch: readonly BranchReport[], committees: readonly CommitteeSummary[], now: number): void {
  const upsert = stmt(
    db,
    `INSERT INTO reports (org, period, kind, generated_at, score, grade, stars, rank, committee_rank, data)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (org, period, kind) DO UPDATE SET generated_at = excluded.generated_at, score = excluded.score,
       grade = excluded.grade, stars = excluded.stars, rank = excluded.rank, committee_rank = excluded.committee_rank,
       data = excluded.data`,
  );
  db.$client.transaction(() => {
    for (const r of branch) upsert.run(r.org, r.period, 'branch', now, r.score, r.grade, r.stars, r.rank, r.committeeRank, JSON.stringify(r));
    for (const s of committees) upsert.run(s.org, s.period, 'committee', now, s.averageScore, null, null, null, null, JSON.stringify(s));
  })();
}

/** Store reports and create their rectification items in one transaction; returns items created. */
export function storeReports(db: Db, branch: readonly BranchReport[], committees: readonly CommitteeSummary[], now: number): number {
  return db.$client.transaction(() => {
    saveReports(db, branch, committees, now);
    return createRectificationItems(db, branch, now);
  })();
}

/** A stored report's data, or undefined. */
export function loadStoredReport(db: Db, org: string, period: string, kind: 'branch'): BranchReport | undefined;
export function loadStoredReport(db: Db, org: string, period: string, kind: 'committee'): CommitteeSummary | undefined;
export function loadStoredReport(db: Db, org: string, period: string, kind: 'branch' | 'committee'): BranchReport | CommitteeSummary | undefined {
  const row = stmt(db, 'SELECT data FROM reports WHERE org = ? AND period = ? AND kind = ?').get(org, period, kind) as { data: string } | undefined;
  return row ? (JSON.parse(row.data) as BranchReport | CommitteeSummary) : undefined;
}

/**
 * Create the rectification item of every problem of the reports (except overdue-rectification
 * problems themselves). An item that exists for (org, rule, problem period) is kept as it is, so
 * regenerating a report never moves a deadline. Returns how many were created.
 */
export function createRectificationItems(db: Db, reports: readonly BranchReport[], now: number): number {
  const insert = stmt(
    db,
    `INSERT INTO rectification_items (org, rule, problem_period, report_period, title, created_at, due_at)
     VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (org, rule, problem_period) DO NOTHING`,
  );
  let created = 0;
  db.$client.transaction(() => {
    for (const r of reports) {
      for (const p of r.problems) {
        if (p.rule === 'rectification-overdue') continue;
        created += insert.run(r.org, p.rule, p.period, r.period, p.title, now, r.rectification.dueAt).changes;
      }
    }
  })();
  return created;
}

/** Close a rectification item (整改完成). Returns false when it does not exist or is already closed. */
export function closeRectification(db: Db, id: number, note: string | null, now: number): boolean {
  return (
    stmt(db, "UPDATE rectification_items SET status = 'closed', closed_at = ?, note = ? WHERE id = ? AND status = 'open'").run(now, note, id)
      .changes === 1
  );
}

const RECTIFICATION_ROW = `SELECT i.id, i.org, o.name AS orgName, i.rule, i.problem_period AS problemPeriod, i.report_period AS reportPeriod,
  i.title, i.created_at AS createdAt, i.due_at AS dueAt, i.status, i.closed_at AS closedAt, i.note
  FROM rectification_items i LEFT JOIN orgs o ON o.code = i.org`;

/**
 * Rectification items, earliest deadline first: open ones (default), or all with `all`; of one org
 * with `org`; with `overdueAt`, only open items whose deadline had passed by then (due_at ≤ it).
 */
export function listRectifications(db: Db, opts: { org?: string; all?: boolean; overdueAt?: number } = {}): RectificationRow[] {
  return stmt(
    db,
    `${RECTIFICATION_ROW}
     WHERE (@org IS NULL OR i.org = @org) AND (@all = 1 OR i.status = 'open')
       AND (@overdueAt IS NULL OR (i.status = 'open' AND i.due_at <= @overdueAt))
     ORDER BY i.due_at, i.id`,
  ).all({ org: opts.org ?? null, all: opts.all && opts.overdueAt === undefined ? 1 : 0, overdueAt: opts.overdueAt ?? null }) as RectificationRow[];
}

/** One rectification item, or undefined. */
export function getRectification(db: Db, id: number): RectificationRow | undefined {
  return stmt(db, `${RECTIFICATION_ROW} WHERE i.id = ?`).get(id) as RectificationRow | undefined;
}

/** Open rectification items of an org. */
export function openRectifications(db: Db, org: string): RectificationFact[] {
  return stmt(
    db,
    `SELECT id, org, rule, problem_period AS problemPeriod, report_period AS reportPeriod, title, due_at AS dueAt, status, closed_at AS closedAt
     FROM rectification_items WHERE org = ? AND status = 'open' ORDER BY due_at, id`,
  ).all(org) as RectificationFact[];
}

/** Upsert imported assessments (keyed by org, indicator, period). Returns [inserted, updated, unchanged]. */
export function upsertAssessment(db: Db, a: AssessmentFact, now: number): 'inserted' | 'updated' | 'unchanged' {
  const old = stmt(db, 'SELECT score FROM assessments WHERE org = ? AND indicator = ? AND period = ?').get(a.org, a.indicator, a.period) as
    | { score: number }
    | undefined;
  if (old && old.score === a.score) return 'unchanged';
  stmt(
    db,
    `INSERT INTO assessments (org, indicator, period, score, imported_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (org, indicator, period) DO UPDATE SET score = excluded.score, imported_at = excluded.imported_at`,
  ).run(a.org, a.indicator, a.period, a.score, now);
  return old ? 'updated' : 'inserted';
}

/** Insert a negative-list entry (keyed by org, period, item): 'inserted' or 'unchanged'. */
export function upsertVeto(db: Db, v: VetoFact, now: number): 'inserted' | 'unchanged' {
  return stmt(db, 'INSERT INTO vetoes (org, period, item, imported_at) VALUES (?, ?, ?, ?) ON CONFLICT (org, period, item) DO NOTHING').run(
    v.org,
    v.period,
    v.item,
    now,
  ).changes
    ? 'inserted'
    : 'unchanged';
}

/**
 * Alerts of the warning system (src/store/schema/alerts.ts) that reached warning or escalation
 * at or after `since` (raisedAt = the first such event), plus every still-open escalation, grouped
 * by org code.
 */
export function loadReportAlerts(db: Db, since: number, orgs?: readonly string[]): Map<string, AlertFact[]> {
  // Every org: one grouping pass over alert_events. Some orgs: their alerts by alerts_key (org first),
  // and each one's first warning by alert_events_alert, never the whole table.
  const sql = orgs
    ? // MATERIALIZED: each alert's first warning computed once (flattened, the WHERE re-ran the subquery per use).
      `WITH s AS MATERIALIZED (SELECT a.id, a.org, a.rule, a.period, a.level, a.state, a.ack_at,
                         (SELECT min(e.at) FROM alert_events e WHERE e.alert_id = a.id AND e.level IN ('warning', 'escalation')) AS warned_at
                    FROM alerts a WHERE a.org IN (SELECT value FROM json_each(?)))
       SELECT org, rule, period, level, state, ack_at, warned_at FROM s
        WHERE warned_at IS NOT NULL AND (warned_at >= ? OR state = 'open') ORDER BY id`
    : `WITH w AS (SELECT alert_id, min(at) AS warned_at FROM alert_events WHERE level IN ('warning', 'escalation') GROUP BY alert_id)
       SELECT a.org, a.rule, a.period, a.level, a.state, a.ack_at, w.warned_at
       FROM alerts a JOIN w ON w.alert_id = a.id
       WHERE w.warned_at >= ? OR a.state = 'open' ORDER BY a.id`;
  const rows = stmt(db, sql).raw().all(...orgsArg(orgs), since) as [string, string, string, AlertFact['level'], string, number | null, number][];
  return groupBy(
    rows.map(([org, rule, period, level, state, ackAt, warnedAt]) => ({
      org,
      rule,
      period,
      level,
      raisedAt: warnedAt,
      acknowledgedAt: ackAt,
      open: state === 'open',
    })),
  );
}

function groupBy<T extends { org: string }>(rows: T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const r of rows) {
    const list = out.get(r.org);
    if (list) list.push(r);
    else out.set(r.org, [r]);
  }
  return out;
}

/** Branches with a scored report for `period`, with their open items as of `now`. */
export function scoresAndOpenItems(db: Db, period: string, now: number): ScoreAndOpenItems[] {
  return stmt(
    db,
    `SELECT r.org, r.score,
            (SELECT count(*) FROM alerts a WHERE a.org = r.org AND a.state IN ('open', 'acknowledged') AND a.level <> 'reminder')
          + (SELECT count(*) FROM rectification_items i WHERE i.org = r.org AND i.status = 'open' AND i.due_at <= @now) AS openItems
       FROM reports r
      WHERE r.period = @period AND r.kind = 'branch' AND r.score IS NOT NULL
      ORDER BY r.org`,
  ).all({ period, now }) as ScoreAndOpenItems[];
}
