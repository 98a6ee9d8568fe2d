/**
 * Queries of filed star ratings and star changes (评星定级 / 摘星降级): the importer's keyed upserts,
 * and what the rating computations read (branches with their secretary and committee, ratings
 * and changes grouped by branch). The campaign and the weak-branch tables live in
 * store/rating-campaign.ts and store/weak-branches.ts.
 */
import type { Statement } from 'better-sqlite3';
import { DOMAINS, type Domain } from '../../domain/types.js';
import type { EstimateFacts } from '../types/rating.js';
import type { AlertFact } from '../types/reports.js';
import type { Db } from './db.js';
import { starChangeUpsertParams } from '../rows/upserts.js';
import type { Channel, RatingBranch, RatingFact, StarChangeFact } from '../../rating/types.js';

const cache = new WeakMap<object, Map<string, Statement>>();
/** A prepared statement, cached per connection. */
export function stmt(db: Db, sql: string): Statement {
  let byDb = cache.get(db.$client);
  if (!byDb) cache.set(db.$client, (byDb = new Map()));
  let s = byDb.get(sql);
  if (!s) byDb.set(sql, (s = db.$client.prepare(sql)));
  return s;
}

const DOMAIN_SET = new Set<string>(DOMAINS);

/** Every branch with its committee's name and its secretary, by code. */
export function loadRatingBranches(db: Db): RatingBranch[] {
  const rows = stmt(
    db,
    `SELECT b.code, b.name, b.parent, p.name, b.domain, b.secretary FROM orgs b LEFT JOIN orgs p ON p.code = b.parent
     WHERE b.kind = 'branch' ORDER BY b.code`,
  ).raw().all() as [string, string, string | null, string | null, string | null, string | null][];
  return rows.map(toBranch);
}

/** One branch with its committee's name and its secretary. */
export function loadRatingBranch(db: Db, code: string): RatingBranch | undefined {
  const r = stmt(
    db,
    `SELECT b.code, b.name, b.parent, p.name, b.domain, b.secretary FROM orgs b LEFT JOIN orgs p ON p.code = b.parent
     WHERE b.kind = 'branch' AND b.code = ?`,
  ).raw().get(code) as [string, string, string | null, string | null, string | null, string | null] | undefined;
  return r ? toBranch(r) : undefined;
}

function toBranch([code, name, parent, parentName, domain, secretary]: [string, string, string | null, string | null, string | null, string | null]): RatingBranch {
  return { code, name, parent, parentName, domain: domain !== null && DOMAIN_SET.has(domain) ? (domain as Domain) : null, secretary };
}

/** Filed ratings (optionally of one branch), grouped by branch code. */
export function loadRatings(db: Db, org?: string): Map<string, RatingFact[]> {
  const rows = stmt(db, 'SELECT org, year, stars, rated_on AS ratedOn FROM ratings WHERE (@org IS NULL OR org = @org) ORDER BY org, year').all({
    org: org ?? null,
  }) as RatingFact[];
  return groupBy(rows);
}

/** Star changes (optionally of one branch), grouped by branch code, in date order. */
export function loadStarChanges(db: Db, org?: string): Map<string, StarChangeFact[]> {
  const rows = stmt(
    db,
    `SELECT change_id AS id, org, effective_on AS effectiveOn, stars, channel, reason, evidence FROM star_changes
     WHERE (@org IS NULL OR org = @org) ORDER BY org, effective_on, change_id`,
  ).all({ org: org ?? null }) as (StarChangeFact & { channel: Channel })[];
  return groupBy(rows);
}

/** File final stars of a year (a campaign's last step): upsert each (org, year). One transaction. */
export function fileRatings(db: Db, rows: readonly RatingFact[], now: number): void {
  const upsert = stmt(
    db,
    `INSERT INTO ratings (org, year, stars, rated_on, imported_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (org, year) DO UPDATE SET stars = excluded.stars, rated_on = excluded.rated_on, imported_at = excluded.imported_at`,
  );
  db.$client.transaction(() => {
    for (const r of rows) upsert.run(r.org, r.year, r.stars, r.ratedOn, now);
  })();
}

/** Record a star change (摘星降级) entered by hand: 'inserted', 'updated' or 'unchanged'. */
export function saveStarChange(db: Db, c: StarChangeFact, now: number): 'inserted' | 'updated' | 'unchanged' {
  const old = stmt(db, 'SELECT org, effective_on AS effectiveOn, stars, channel, reason, evidence FROM star_changes WHERE change_id = ?').get(c.id) as
    | Omit<StarChangeFact, 'id'>
    | undefined;
  if (old && old.org === c.org && old.effectiveOn === c.effectiveOn && old.stars === c.stars && old.channel === c.channel && old.reason === c.reason && old.evidence === c.evidence) {
    return 'unchanged';
  }
  stmt(
    db,
    `INSERT INTO star_changes (change_id, org, effective_on, stars, channel, reason, evidence, imported_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (change_id) DO UPDATE SET org = excluded.org, effective_on = excluded.effective_on, stars = excluded.stars,
       channel = excluded.channel, reason = excluded.reason, evidence = excluded.evidence, imported_at = excluded.imported_at`,
  ).run(...starChangeUpsertParams(c, now));
  return old ? 'updated' : 'inserted';
}

export function groupBy<T extends { org: string }>(rows: T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const r of rows) {
    const list = out.get(r.org);
    if (list) list.push(r);
    else out.set(r.org, [r]);
  }
  return out;
}

/** One branch's report inputs other than meetings (port: rating.estimateFacts); the same filters as ./reports.ts, for one org. */
export function loadEstimateFacts(db: Db, org: string, q: { periods: readonly string[]; from: number; to: number; alertsSince: number }): EstimateFacts {
  const periods = JSON.stringify(q.periods);
  const alerts = stmt(
    db,
    `WITH w AS (SELECT e.alert_id, min(e.at) AS warned_at FROM alert_events e JOIN alerts x ON x.id = e.alert_id
                WHERE x.org = ? AND e.level IN ('warning', 'escalation') GROUP BY e.alert_id)
     SELECT a.org, a.rule, a.period, a.level, a.state, a.ack_at, w.warned_at
     FROM alerts a JOIN w ON w.alert_id = a.id
     WHERE w.warned_at >= ? OR a.state = 'open'`,
  ).raw().all(org, q.alertsSince) as [string, string, string, AlertFact['level'], string, number | null, number][];
  return {
    assessments: stmt(db, 'SELECT org, indicator, period, score FROM assessments WHERE org = ? AND period IN (SELECT value FROM json_each(?))').all(org, periods) as EstimateFacts['assessments'],
    vetoes: stmt(db, 'SELECT org, period, item FROM vetoes WHERE org = ? AND period IN (SELECT value FROM json_each(?))').all(org, periods) as EstimateFacts['vetoes'],
    items: stmt(
      db,
      `SELECT id, org, rule, problem_period AS problemPeriod, report_period AS reportPeriod, title, due_at AS dueAt, status, closed_at AS closedAt
       FROM rectification_items WHERE org = ? AND (status = 'open' OR (due_at >= ? AND due_at < ?))`,
    ).all(org, q.from, q.to) as EstimateFacts['items'],
    alerts: alerts.map(([o, rule, period, level, state, ackAt, warnedAt]) => ({ org: o, rule, period, level, raisedAt: warnedAt, acknowledgedAt: ackAt, open: state === 'open' })),
  };
}
