/**
 * Year-over-year movement (能上能下) of the filed stars: per branch up, down, same, new (rated
 * this year, not last) or dropped (rated last year, not this); its star ranking position within
 * its domain both years (competition ranking: 1 + branches with more stars) and the positions
 * gained or lost; and the counts per committee and per domain. Pure.
 */
import type { Domain } from '../domain/types.js';
import type { RatingBranch, RatingFact } from './types.js';

export type Move = 'up' | 'down' | 'same' | 'new' | 'dropped';
export const MOVE_NAMES_ZH: Record<Move, string> = { up: '升星', down: '降星', same: '持平', new: '新评', dropped: '未评' };

export interface MovementRow {
  org: string;
  name: string;
  committee: string | null;
  committeeName: string | null;
  domain: Domain | null;
  previous: number | null;
  stars: number | null;
  move: Move;
  /** stars − previous (null unless both are rated). */
  delta: number | null;
  previousRank: number | null;
  rank: number | null;
  /** Positions gained (positive) or lost (negative). */
  rankChange: number | null;
}

export interface MovementCount {
  key: string | null;
  name: string | null;
  up: number;
  down: number;
  same: number;
  new: number;
  dropped: number;
}

function ranks(rows: { org: string; domain: Domain | null; stars: number | null }[]): Map<string, number> {
  const out = new Map<string, number>();
  const byDomain = new Map<Domain | null, number[]>();
  for (const r of rows) if (r.stars !== null) byDomain.set(r.domain, [...(byDomain.get(r.domain) ?? []), r.stars]);
  for (const r of rows) {
    if (r.stars === null) continue;
    out.set(r.org, 1 + byDomain.get(r.domain)!.filter((s) => s > r.stars!).length);
  }
  return out;
}

export function computeMovement(branches: readonly RatingBranch[], ratings: ReadonlyMap<string, readonly RatingFact[]>, year: number): MovementRow[] {
  const starOf = (org: string, y: number) => ratings.get(org)?.find((r) => r.year === y)?.stars ?? null;
  const base = branches.map((b) => ({ b, previous: starOf(b.code, year - 1), stars: starOf(b.code, year) })).filter((x) => x.previous !== null || x.stars !== null);
  const rankNow = ranks(base.map((x) => ({ org: x.b.code, domain: x.b.domain, stars: x.stars })));
  const rankPrev = ranks(base.map((x) => ({ org: x.b.code, domain: x.b.domain, stars: x.previous })));
  return base.map(({ b, previous, stars }) => {
    const move: Move = previous === null ? 'new' : stars === null ? 'dropped' : stars > previous ? 'up' : stars < previous ? 'down' : 'same';
    const rank = rankNow.get(b.code) ?? null;
    const previousRank = rankPrev.get(b.code) ?? null;
    return {
      org: b.code,
      name: b.name,
      committee: b.parent,
      committeeName: b.parentName,
      domain: b.domain,
      previous,
      stars,
      move,
      delta: previous !== null && stars !== null ? stars - previous : null,
      previousRank,
      rank,
      rankChange: rank !== null && previousRank !== null ? previousRank - rank : null,
    };
  });
}

/** Counts of moves grouped by committee or by domain. */
export function movementCounts(rows: readonly MovementRow[], by: 'committee' | 'domain'): MovementCount[] {
  const out = new Map<string | null, MovementCount>();
  for (const r of rows) {
    const key = by === 'committee' ? r.committee : r.domain;
    let c = out.get(key);
    if (!c) out.set(key, (c = { key, name: by === 'committee' ? r.committeeName : r.domain, up: 0, down: 0, same: 0, new: 0, dropped: 0 }));
    c[r.move]++;
  }
  return [...out.values()];
}

/** Star distribution: how many branches have each star (1–5) in `year`, per committee key. */
export function starDistribution(ratings: readonly RatingFact[]): Record<1 | 2 | 3 | 4 | 5, number> {
  const d = { 1: 0, 2: 0, 3: 0, 4: 0, 5: 0 };
  for (const r of ratings) if (r.stars >= 1 && r.stars <= 5) d[r.stars as 1 | 2 | 3 | 4 | 5]++;
  return d;
}
