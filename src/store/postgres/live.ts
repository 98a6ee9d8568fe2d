/**
 * Incremental evaluation's tables on PostgreSQL: live 大比武 figures (one upsert statement per
 * batch, prune after a full pass, the board's read joined with the org table) and durable
 * re-evaluation requests, claimed with FOR UPDATE SKIP LOCKED in one statement (two runners never
 * take the same request; a lapsed lease is taken over).
 */
import type pg from 'pg';
import { arrays, changes, one, recordset, rows as rowsOf, tx, type Q, type Tx } from './q.js';
import { COLOURS, decodeLiveData, unionOrgs } from '../rows/live-figures.js';
import type { LiveBoardRow, LiveFigureRow, ReevaluationClaim } from '../types/live.js';

/**
 * The upsert of live figure rows ($1) with stamp `stamp` (SQL: a subquery reading the next one, or a
 * parameter). `data` travels as nested JSON and is stored as its text (`json` keeps the input's text:
 * exactly what rows/live-figures.ts encodeLiveData writes), encoded once, not stringified and escaped again.
 */
const upsertLive = (stamp: string) => `INSERT INTO live_figures (org, period, computed_at, score, grade, stars, vetoed, colour, data, stamp)
  SELECT org, period, "computedAt", score, grade, stars, vetoed, colour, data::text, ${stamp}
    FROM json_to_recordset($1::json) AS t(org text, period text, "computedAt" int8, score float8, grade text, stars int4, vetoed bool, colour text, data json)
  ON CONFLICT (org) DO UPDATE SET period = excluded.period, computed_at = excluded.computed_at, score = excluded.score,
    grade = excluded.grade, stars = excluded.stars, vetoed = excluded.vetoed, colour = excluded.colour, data = excluded.data, stamp = excluded.stamp`;

const liveRecordset = (list: readonly LiveFigureRow[]) =>
  recordset(
    list.map((r) => ({
      org: r.org, period: r.period, computedAt: r.computedAt, score: r.score, grade: r.grade, stars: r.stars, vetoed: r.vetoed, colour: r.colour,
      data: { categories: r.categories, indicators: r.indicators },
    })),
  );

export async function writeLive(pool: pg.Pool | Tx, list: readonly LiveFigureRow[], remove: readonly string[] = []): Promise<void> {
  if (!list.length && !remove.length) return;
  if (!remove.length) {
    // Rows only (every chunk of the full pass): one statement, its stamp read in it (one round trip, not four).
    await pool.query(upsertLive('(SELECT coalesce(max(stamp), 0) + 1 FROM live_figures)'), [liveRecordset(list)]);
    return;
  }
  await tx(pool, async (c) => {
    const stamp = Number((await one<{ s: number | null }>(c, 'SELECT max(stamp) AS s FROM live_figures'))?.s ?? 0) + 1;
    await c.query('DELETE FROM live_figures WHERE org = ANY($1::text[])', [remove]);
    if (list.length) await c.query(upsertLive('$2'), [liveRecordset(list), stamp]);
  });
}

export function pruneLive(q: Q, period: string, asOf: number): Promise<number> {
  return changes(q, 'DELETE FROM live_figures WHERE period <> $1 OR computed_at < $2', [period, asOf]);
}

export async function listLive(q: Q, page?: { after: string; limit: number }): Promise<LiveBoardRow[]> {
  const list = await arrays<unknown[]>(
    q,
    `SELECT l.org, l.period, l.computed_at, l.score, l.grade, l.stars, l.vetoed, l.colour, l.data, o.name, o.parent, p.name, o.domain
       FROM live_figures l JOIN orgs o ON o.code = l.org AND o.removed_at IS NULL LEFT JOIN orgs p ON p.code = o.parent
      ${page ? 'WHERE l.org COLLATE "C" > $1 ' : ''}ORDER BY l.org COLLATE "C"${page ? ' LIMIT $2' : ''}`,
    page ? [page.after, page.limit] : [],
  );
  return list.map((r) => ({
    org: r[0] as string,
    period: r[1] as string,
    computedAt: Number(r[2]),
    score: r[3] as number | null,
    grade: r[4] as string | null,
    stars: r[5] as number | null,
    vetoed: r[6] === true,
    colour: COLOURS.has(r[7] as string) ? (r[7] as LiveFigureRow['colour']) : null,
    ...decodeLiveData(r[8] as string),
    name: r[9] as string,
    parent: r[10] as string | null,
    parentName: r[11] as string | null,
    domain: r[12] as string | null,
  }));
}

export async function liveVersion(q: Q): Promise<string> {
  const r = await one<{ n: number; s: number | null }>(q, 'SELECT count(*) AS n, max(stamp) AS s FROM live_figures');
  return `${r?.n ?? 0}:${r?.s ?? 0}`;
}

export async function requestReevaluation(q: Q, orgs: readonly string[], now: number): Promise<void> {
  if (!orgs.length) return;
  await q.query('INSERT INTO reevaluation_requests (orgs, requested_at) VALUES ($1, $2)', [JSON.stringify([...orgs]), now]);
}

export async function claimReevaluations(q: Q, c: { owner: string; now: number; leaseMs: number; limit?: number }): Promise<ReevaluationClaim | null> {
  const won = await rowsOf<{ id: number; orgs: string; attempts: number }>(
    q,
    `WITH c AS (SELECT id FROM reevaluation_requests WHERE claimed_until IS NULL OR claimed_until <= $1 ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED)
     UPDATE reevaluation_requests r SET claimed_by = $3, claimed_until = $4, attempts = r.attempts + 1 FROM c WHERE r.id = c.id
     RETURNING r.id, r.orgs, r.attempts`,
    [c.now, c.limit ?? 1000, c.owner, c.now + c.leaseMs],
  );
  if (!won.length) return null;
  won.sort((a, b) => a.id - b.id);
  return { ids: won.map((r) => r.id), orgs: unionOrgs(won.map((r) => r.orgs)), attempts: Math.max(...won.map((r) => r.attempts)) };
}

export function reevaluationsDone(q: Q, owner: string, ids: readonly number[]): Promise<number> {
  if (!ids.length) return Promise.resolve(0);
  return changes(q, 'DELETE FROM reevaluation_requests WHERE claimed_by = $1 AND id = ANY($2::int4[])', [owner, ids]);
}

export async function pendingReevaluations(q: Q, now: number): Promise<number> {
  return Number((await one<{ n: number }>(q, 'SELECT count(*) AS n FROM reevaluation_requests WHERE claimed_until IS NULL OR claimed_until <= $1', [now]))?.n ?? 0);
}
