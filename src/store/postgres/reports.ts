/**
 * PostgreSQL queries of the health-check reports (mirror of the SQLite module): what a report
 * reads in a few bulk statements, and what it writes (stored reports, rectification items).
 */
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
import type { OrgRow, RectificationRow } from '../types/reports.js';
import type { ScoreAndOpenItems } from '../types/reports.js';
import { codesAndAncestors } from './org-tree.js';
import { arrays, changes, one, recordset, rows, type Q } from './q.js';

const DOMAIN_SET = new Set<string>(DOMAINS);

const ORG_COLUMNS = 'id, code, name, kind, parent, domain, groups, established_on, elected_on, term_years, secretary_email, clerk_email';

function orgRowOf(x: unknown[]): OrgRow {
  return {
    id: x[0] as number,
    code: x[1] as string,
    name: x[2] as string,
    kind: x[3] as 'committee' | 'branch',
    parent: x[4] as string | null,
    domain: DOMAIN_SET.has(x[5] as string) ? (x[5] as Domain) : null,
    groups: (x[6] as number | null) ?? 0,
    establishedOn: x[7] as string | null,
    electedOn: x[8] as string | null,
    termYears: x[9] as number | null,
    secretaryEmail: x[10] as string | null,
    clerkEmail: x[11] as string | null,
  };
}

export async function loadReportOrgs(q: Q): Promise<OrgRow[]> {
  return (await arrays<unknown[]>(q, `SELECT ${ORG_COLUMNS} FROM orgs WHERE removed_at IS NULL ORDER BY id`)).map(orgRowOf);
}

/** The orgs of these row ids, not removed, ascending by row id. */
export async function loadReportOrgsByIds(q: Q, ids: readonly number[]): Promise<OrgRow[]> {
  if (!ids.length) return [];
  return (await arrays<unknown[]>(q, `SELECT ${ORG_COLUMNS} FROM orgs WHERE removed_at IS NULL AND id = ANY($1::int[]) ORDER BY id`, [ids])).map(orgRowOf);
}

/** Every org that is not a branch, not removed, ascending by row id. */
export async function loadReportCommittees(q: Q): Promise<OrgRow[]> {
  return (await arrays<unknown[]>(q, `SELECT ${ORG_COLUMNS} FROM orgs WHERE removed_at IS NULL AND kind <> 'branch' ORDER BY id`)).map(orgRowOf);
}

/** The orgs of `codes` and every org above them, not removed (the walk up stops at a removed org), ascending by row id. */
export async function loadReportOrgsOf(q: Q, codes: readonly string[]): Promise<OrgRow[]> {
  if (!codes.length) return [];
  const all = await codesAndAncestors(q, codes);
  return (await arrays<unknown[]>(q, `SELECT ${ORG_COLUMNS} FROM orgs WHERE removed_at IS NULL AND code = ANY($1::text[]) ORDER BY id`, [all])).map(orgRowOf);
}

/**
 * Meetings held before `to` by the branches, each type's from its `since` instant, by org row id.
 * The types join as a small table of (type, since, place): each (branch, type) is one range of the
 * covering index meetings(org_id, type, held_at, …), only that type's window of it.
 */
export async function periodMeetings(q: Q, orgIds: readonly number[], since: ReadonlyMap<MeetingType, number>, to: number): Promise<Map<number, MeetingInfo[]>> {
  const out = new Map<number, MeetingInfo[]>();
  const types = MEETING_TYPES.filter((t) => since.has(t));
  if (!orgIds.length || !types.length) return out;
  const r = await arrays<[number, string, number, number, number, number | null, string | null, number]>(
    q,
    `SELECT m.org_id, m.type, m.held_at, m.expected, m.attended, m.minutes, m.lecturer_role, m.id
       FROM meetings m JOIN unnest($2::text[], $3::int8[], $5::int[]) AS w(type, since, k) ON m.type = w.type
      WHERE m.org_id = ANY($1::int[]) AND m.held_at >= w.since AND m.held_at < $4
      ORDER BY m.org_id, w.k, m.held_at, m.id`,
    [orgIds, types, types.map((t) => since.get(t)!), to, types.map((_, k) => k)],
  );
  for (const [org, type, heldAt, expected, attended, minutes, role, id] of r) {
    const m: MeetingInfo = {
      id: String(id),
      type: type as MeetingInfo['type'],
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

/** ` AND column = ANY($n)` of a read scoped to some org codes (absent = every org), and its parameter. */
const inOrgs = (column: string, orgs: readonly string[] | undefined, n: number) => (orgs ? ` AND ${column} = ANY($${n}::text[])` : '');
const orgsArg = (orgs: readonly string[] | undefined) => (orgs ? [orgs] : []);

export async function loadAssessments(q: Q, periods: readonly string[], orgs?: readonly string[]): Promise<Map<string, AssessmentFact[]>> {
  return groupBy(
    await rows<AssessmentFact>(q, `SELECT org, indicator, period, score FROM assessments WHERE period = ANY($1::text[])${inOrgs('org', orgs, 2)} ORDER BY id`, [periods, ...orgsArg(orgs)]),
  );
}

export async function loadVetoes(q: Q, periods: readonly string[], orgs?: readonly string[]): Promise<Map<string, VetoFact[]>> {
  return groupBy(await rows<VetoFact>(q, `SELECT org, period, item FROM vetoes WHERE period = ANY($1::text[])${inOrgs('org', orgs, 2)} ORDER BY id`, [periods, ...orgsArg(orgs)]));
}

const RECT_FACT = `id, org, rule, problem_period AS "problemPeriod", report_period AS "reportPeriod", title, due_at AS "dueAt", status, closed_at AS "closedAt"`;

export async function loadRectifications(q: Q, from: number, to: number, orgs?: readonly string[]): Promise<Map<string, RectificationFact[]>> {
  return groupBy(
    await rows<RectificationFact>(
      q,
      `SELECT ${RECT_FACT} FROM rectification_items WHERE (status = 'open' OR (due_at >= $1 AND due_at < $2))${inOrgs('org', orgs, 3)} ORDER BY id`,
      [from, to, ...orgsArg(orgs)],
    ),
  );
}

export async function loadHistory(q: Q, periods: readonly string[]): Promise<Map<string, HistoryPoint[]>> {
  const r = await rows<HistoryPoint & { org: string }>(
    q,
    `SELECT org, period, score, stars, rank, committee_rank AS "committeeRank" FROM reports WHERE kind = 'branch' AND period = ANY($1::text[])`,
    [periods],
  );
  const out = new Map<string, HistoryPoint[]>();
  for (const { org, ...h } of r) {
    const list = out.get(org);
    if (list) list.push(h);
    else out.set(org, [h]);
  }
  return out;
}

export async function hasStoredReports(q: Q, period: string): Promise<boolean> {
  return !!(await one(q, "SELECT 1 FROM reports WHERE kind = 'branch' AND period = $1 LIMIT 1", [period]));
}

/** Store reports (insert or replace the data of (org, period, kind)), keeping their mail marker. Batched. */
export async function saveReports(q: Q, branch: readonly BranchReport[], committees: readonly CommitteeSummary[], now: number): Promise<void> {
  const all = [
    ...branch.map((r) => [r.org, r.period, 'branch', r.score, r.grade, r.stars, r.rank, r.committeeRank, JSON.stringify(r)] as const),
    ...committees.map((s) => [s.org, s.period, 'committee', s.averageScore, null, null, null, null, JSON.stringify(s)] as const),
  ];
  for (let i = 0; i < all.length; i += 5000) {
    const chunk = all.slice(i, i + 5000);
    const cols = Array.from({ length: 9 }, (_, k) => chunk.map((r) => r[k]));
    await q.query(
      `INSERT INTO reports (org, period, kind, generated_at, score, grade, stars, rank, committee_rank, data)
       SELECT o, p, k, $10, s, g, st, r, cr, d FROM unnest($1::text[], $2::text[], $3::text[], $4::float8[], $5::text[], $6::int[], $7::int[], $8::int[], $9::text[])
         AS t(o, p, k, s, g, st, r, cr, d)
       ON CONFLICT (org, period, kind) DO UPDATE SET generated_at = excluded.generated_at, score = excluded.score,
         grade = excluded.grade, stars = excluded.stars, rank = excluded.rank, committee_rank = excluded.committee_rank, data = excluded.data`,
      [...cols, now],
    );
  }
}

export async function loadStoredReport(q: Q, org: string, period: string, kind: 'branch' | 'committee'): Promise<BranchReport | CommitteeSummary | undefined> {
  const r = await one<{ data: string }>(q, 'SELECT data FROM reports WHERE org = $1 AND period = $2 AND kind = $3', [org, period, kind]);
  return r ? (JSON.parse(r.data) as BranchReport | CommitteeSummary) : undefined;
}

/** Create the rectification item of every problem (existing ones kept as they are). Returns how many were created. */
export async function createRectificationItems(q: Q, reports: readonly BranchReport[], now: number): Promise<number> {
  const cols: unknown[][] = [[], [], [], [], [], []];
  for (const r of reports) {
    for (const p of r.problems) {
      if (p.rule === 'rectification-overdue') continue;
      [r.org, p.rule, p.period, r.period, p.title, r.rectification.dueAt].forEach((v, k) => cols[k]!.push(v));
    }
  }
  if (!cols[0]!.length) return 0;
  return changes(
    q,
    `INSERT INTO rectification_items (org, rule, problem_period, report_period, title, created_at, due_at)
     SELECT o, r, pp, rp, t, $7, d FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int8[]) AS x(o, r, pp, rp, t, d)
     ON CONFLICT (org, rule, problem_period) DO NOTHING`,
    [...cols, now],
  );
}

export async function closeRectification(q: Q, id: number, note: string | null, now: number): Promise<boolean> {
  return (await changes(q, "UPDATE rectification_items SET status = 'closed', closed_at = $2, note = $3 WHERE id = $1 AND status = 'open'", [id, now, note])) === 1;
}

const RECTIFICATION_ROW = `SELECT i.id, i.org, o.name AS "orgName", i.rule, i.problem_period AS "problemPeriod", i.report_period AS "reportPeriod",
  i.title, i.created_at AS "createdAt", i.due_at AS "dueAt", i.status, i.closed_at AS "closedAt", i.note
  FROM rectification_items i LEFT JOIN orgs o ON o.code = i.org`;

export async function listRectifications(q: Q, opts: { org?: string; all?: boolean; overdueAt?: number } = {}): Promise<RectificationRow[]> {
  return rows<RectificationRow>(
    q,
    `${RECTIFICATION_ROW}
      WHERE ($1::text IS NULL OR i.org = $1) AND ($2::int = 1 OR i.status = 'open')
        AND ($3::int8 IS NULL OR (i.status = 'open' AND i.due_at <= $3))
      ORDER BY i.due_at, i.id`,
    [opts.org ?? null, opts.all && opts.overdueAt === undefined ? 1 : 0, opts.overdueAt ?? null],
  );
}

export async function getRectification(q: Q, id: number): Promise<RectificationRow | undefined> {
  return one<RectificationRow>(q, `${RECTIFICATION_ROW} WHERE i.id = $1`, [id]);
}

export async function openRectifications(q: Q, org: string): Promise<RectificationFact[]> {
  return rows<RectificationFact>(q, `SELECT ${RECT_FACT} FROM rectification_items WHERE org = $1 AND status = 'open' ORDER BY due_at, id`, [org]);
}

/**
 * Upsert assessment scores, one statement per round (a key repeated in the batch goes to a later
 * round, as a row-by-row writer would see its earlier write); outcomes in input order: inserted,
 * updated (the score changed) or unchanged.
 */
export async function upsertAssessments(q: Q, list: readonly AssessmentFact[], now: number): Promise<('inserted' | 'updated' | 'unchanged')[]> {
  const out = new Array<'inserted' | 'updated' | 'unchanged'>(list.length).fill('unchanged');
  for (const round of rounds(list, (a) => `${a.org}\u0000${a.indicator}\u0000${a.period}`)) {
    const r = await rows<{ i: number; inserted: boolean }>(
      q,
      `WITH t AS (SELECT * FROM json_to_recordset($1::json) AS t(i int4, o text, n text, p text, s float8)),
            w AS (INSERT INTO assessments AS s (org, indicator, period, score, imported_at) SELECT o, n, p, s, $2 FROM t
                  ON CONFLICT (org, indicator, period) DO UPDATE SET score = excluded.score, imported_at = excluded.imported_at WHERE s.score <> excluded.score
                  RETURNING org, indicator, period, (xmax = 0) AS inserted)
       SELECT t.i, w.inserted FROM w JOIN t ON t.o = w.org AND t.n = w.indicator AND t.p = w.period`,
      [recordset(round.map((i) => ({ i, o: list[i]!.org, n: list[i]!.indicator, p: list[i]!.period, s: list[i]!.score }))), now],
    );
    for (const x of r) out[x.i] = x.inserted ? 'inserted' : 'updated';
  }
  return out;
}

/** Insert negative-list entries (kept as they are when present), one statement per round; outcomes in input order. */
export async function upsertVetoes(q: Q, list: readonly VetoFact[], now: number): Promise<('inserted' | 'unchanged')[]> {
  const out = new Array<'inserted' | 'unchanged'>(list.length).fill('unchanged');
  for (const round of rounds(list, (v) => `${v.org}\u0000${v.period}\u0000${v.item}`)) {
    const r = await rows<{ i: number }>(
      q,
      `WITH t AS (SELECT * FROM json_to_recordset($1::json) AS t(i int4, o text, p text, m text)),
            w AS (INSERT INTO vetoes (org, period, item, imported_at) SELECT o, p, m, $2 FROM t ON CONFLICT (org, period, item) DO NOTHING RETURNING org, period, item)
       SELECT t.i FROM w JOIN t ON t.o = w.org AND t.p = w.period AND t.m = w.item`,
      [recordset(round.map((i) => ({ i, o: list[i]!.org, p: list[i]!.period, m: list[i]!.item }))), now],
    );
    for (const x of r) out[x.i] = 'inserted';
  }
  return out;
}

/** Indexes of `list` in rounds of distinct keys, each round in input order, at most 5,000 a statement. */
function rounds<T>(list: readonly T[], keyOf: (x: T) => string): number[][] {
  const out: number[][] = [];
  const seen = new Map<string, number>();
  list.forEach((x, i) => {
    const k = keyOf(x);
    const n = seen.get(k) ?? 0;
    seen.set(k, n + 1);
    (out[n] ??= []).push(i);
  });
  return out.flatMap((r) => Array.from({ length: Math.ceil(r.length / 5000) }, (_, c) => r.slice(c * 5000, (c + 1) * 5000)));
}

export async function loadReportAlerts(q: Q, since: number, orgs?: readonly string[]): Promise<Map<string, AlertFact[]>> {
  // Some orgs: their alerts by alerts_key (org first), each one's first warning by alert_events_alert.
  const r = await arrays<[string, string, string, AlertFact['level'], string, number | null, number]>(
    q,
    orgs
      ? // Driven from the code list (one alerts_key range per org): with `a.org = ANY(…)` as a filter, a
        // planner without fresh statistics (right after a cycle's inserts) scanned every alert and
        // compared it with each of 1,000 codes (0.5 s at 20,000 branches).
        `SELECT a.org, a.rule, a.period, a.level, a.state, a.ack_at, w.warned_at
           FROM (SELECT DISTINCT unnest($2::text[]) AS code) o JOIN alerts a ON a.org = o.code
           CROSS JOIN LATERAL (SELECT min(e.at) AS warned_at FROM alert_events e WHERE e.alert_id = a.id AND e.level IN ('warning', 'escalation')) w
          WHERE w.warned_at IS NOT NULL AND (w.warned_at >= $1 OR a.state = 'open') ORDER BY a.id`
      : `WITH w AS (SELECT alert_id, min(at) AS warned_at FROM alert_events WHERE level IN ('warning', 'escalation') GROUP BY alert_id)
         SELECT a.org, a.rule, a.period, a.level, a.state, a.ack_at, w.warned_at
           FROM alerts a JOIN w ON w.alert_id = a.id
          WHERE w.warned_at >= $1 OR a.state = 'open' ORDER BY a.id`,
    [since, ...orgsArg(orgs)],
  );
  return groupBy(r.map(([org, rule, period, level, state, ackAt, warnedAt]) => ({ org, rule, period, level, raisedAt: warnedAt, acknowledgedAt: ackAt, open: state === 'open' })));
}

function groupBy<T extends { org: string }>(list: T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const r of list) {
    const l = out.get(r.org);
    if (l) l.push(r);
    else out.set(r.org, [r]);
  }
  return out;
}

/** Branches with a scored report for `period`, with their open items as of `now`. */
export async function scoresAndOpenItems(q: Q, period: string, now: number): Promise<ScoreAndOpenItems[]> {
  return rows<ScoreAndOpenItems>(
    q,
    `SELECT r.org, r.score,
            ((SELECT count(*) FROM alerts a WHERE a.org = r.org AND a.state IN ('open', 'acknowledged') AND a.level <> 'reminder')
           + (SELECT count(*) FROM rectification_items i WHERE i.org = r.org AND i.status = 'open' AND i.due_at <= $2))::int AS "openItems"
       FROM reports r
      WHERE r.period = $1 AND r.kind = 'branch' AND r.score IS NOT NULL
      ORDER BY r.org`,
    [period, now],
  );
}
