/**
 * Incremental evaluation's tables on SQLite: live 大比武 figures (upsert per batch, prune after a
 * full pass, the board's read joined with the org table) and durable re-evaluation requests (a
 * claim is one IMMEDIATE transaction: the database write lock makes it a compare-and-set).
 */
import type { Db } from './db.js';
import { inTransaction, prepared } from './alerts.js';
import { COLOURS, decodeLiveData, encodeLiveData, unionOrgs } from '../rows/live-figures.js';
import type { LiveBoardRow, LiveFigureRow, ReevaluationClaim } from '../types/live.js';

const UPSERT = `INSERT INTO live_figures (org, period, computed_at, score, grade, stars, vetoed, colour, data, stamp)
  SELECT value ->> 'org', value ->> 'period', value ->> 'computedAt', value ->> 'score', value ->> 'grade', value ->> 'stars',
         value ->> 'vetoed', value ->> 'colour', value ->> 'data', ?
    FROM json_each(?) WHERE true
  ON CONFLICT (org) DO UPDATE SET period = excluded.period, computed_at = excluded.computed_at, score = excluded.score,
    grade = excluded.grade, stars = excluded.stars, vetoed = excluded.vetoed, colour = excluded.colour, data = excluded.data, stamp = excluded.stamp`;

export function writeLive(db: Db, rows: readonly LiveFigureRow[], remove: readonly string[] = []): void {
  if (!rows.length && !remove.length) return;
  inTransaction(db, () => {
    const stamp = ((prepared(db, 'SELECT max(stamp) AS s FROM live_figures').get() as { s: number | null }).s ?? 0) + 1;
    if (remove.length) prepared(db, 'DELETE FROM live_figures WHERE org IN (SELECT value FROM json_each(?))').run(JSON.stringify(remove));
    if (rows.length) {
      const list = rows.map((r) => ({ org: r.org, period: r.period, computedAt: r.computedAt, score: r.score, grade: r.grade, stars: r.stars, vetoed: r.vetoed ? 1 : 0, colour: r.colour, data: encodeLiveData(r) }));
      prepared(db, UPSERT).run(stamp, JSON.stringify(list));
    }
  });
}

export function pruneLive(db: Db, period: string, asOf: number): number {
  return prepared(db, 'DELETE FROM live_figures WHERE period <> ? OR computed_at < ?').run(period, asOf).changes;
}

export function listLive(db: Db, page?: { after: string; limit: number }): LiveBoardRow[] {
  const rows = prepared(
    db,
    `SELECT l.org, l.period, l.computed_at, l.score, l.grade, l.stars, l.vetoed, l.colour, l.data, o.name, o.parent, p.name, o.domain
       FROM live_figures l JOIN orgs o ON o.code = l.org AND o.removed_at IS NULL LEFT JOIN orgs p ON p.code = o.parent
      ${page ? 'WHERE l.org > ? ' : ''}ORDER BY l.org${page ? ' LIMIT ?' : ''}`,
  ).raw().all(...(page ? [page.after, page.limit] : [])) as unknown[][];
  return rows.map((r) => ({
    org: r[0] as string,
    period: r[1] as string,
    computedAt: r[2] as number,
    score: r[3] as number | null,
    grade: r[4] as string | null,
    stars: r[5] as number | null,
    vetoed: r[6] === 1,
    colour: COLOURS.has(r[7] as string) ? (r[7] as LiveFigureRow['colour']) : null,
    ...decodeLiveData(r[8] as string),
    name: r[9] as string,
    parent: r[10] as string | null,
    parentName: r[11] as string | null,
    domain: r[12] as string | null,
  }));
}

export function liveVersion(db: Db): string {
  const r = prepared(db, 'SELECT count(*) AS n, max(stamp) AS s FROM live_figures').get() as { n: number; s: number | null };
  return `${r.n}:${r.s ?? 0}`;
}

export function requestReevaluation(db: Db, orgs: readonly string[], now: number): void {
  if (!orgs.length) return;
  prepared(db, 'INSERT INTO reevaluation_requests (orgs, requested_at) VALUES (?, ?)').run(JSON.stringify([...orgs]), now);
}

export function claimReevaluations(db: Db, c: { owner: string; now: number; leaseMs: number; limit?: number }): ReevaluationClaim | null {
  return inTransaction(db, () => {
    const rows = prepared(db, 'SELECT id, orgs, attempts FROM reevaluation_requests WHERE claimed_until IS NULL OR claimed_until <= ? ORDER BY id LIMIT ?').all(c.now, c.limit ?? 1000) as {
      id: number;
      orgs: string;
      attempts: number;
    }[];
    if (!rows.length) return null;
    const ids = rows.map((r) => r.id);
    prepared(db, 'UPDATE reevaluation_requests SET claimed_by = ?, claimed_until = ?, attempts = attempts + 1 WHERE id IN (SELECT value FROM json_each(?))').run(
      c.owner,
      c.now + c.leaseMs,
      JSON.stringify(ids),
    );
    return { ids, orgs: unionOrgs(rows.map((r) => r.orgs)), attempts: Math.max(...rows.map((r) => r.attempts)) + 1 };
  });
}

export function reevaluationsDone(db: Db, owner: string, ids: readonly number[]): number {
  if (!ids.length) return 0;
  return prepared(db, 'DELETE FROM reevaluation_requests WHERE claimed_by = ? AND id IN (SELECT value FROM json_each(?))').run(owner, JSON.stringify(ids)).changes;
}

export function pendingReevaluations(db: Db, now: number): number {
  return (prepared(db, 'SELECT count(*) AS n FROM reevaluation_requests WHERE claimed_until IS NULL OR claimed_until <= ?').get(now) as { n: number }).n;
}
