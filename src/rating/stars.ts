/**
 * The star in effect (生效星级) on a day, exactly as the domain reference defines it:
 *
 *   start from the branch's rating with the latest `year` whose effective date is on or before D
 *   (the effective date is `rated_on` when given, otherwise 1 January of year + 1), then apply, in
 *   date order, every star change with `effective_on` after that effective date and on or before D.
 *   No rating: no star (0).
 *
 * Days are 'YYYY-MM-DD' strings (Shanghai calendar dates), compared as text. Changes on the same day
 * apply in id order, so the answer never depends on the order rows were imported. Pure.
 */
import type { RatingFact, StarChangeFact } from './types.js';

/** The day a filed rating takes effect. */
export function ratingEffectiveOn(r: Pick<RatingFact, 'year' | 'ratedOn'>): string {
  return r.ratedOn ?? `${r.year + 1}-01-01`;
}

/** Star changes in the order they apply: by date, then id. */
export function sortChanges<T extends Pick<StarChangeFact, 'effectiveOn' | 'id'>>(changes: readonly T[]): T[] {
  return [...changes].sort((a, b) => (a.effectiveOn < b.effectiveOn ? -1 : a.effectiveOn > b.effectiveOn ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** What decides a branch's star on a day: the base rating and the changes applied after it. */
export interface StarInEffect {
  stars: number;
  /** The rating started from; null when the branch has none in effect yet. */
  rating: RatingFact | null;
  /** The last change applied, if any. */
  change: StarChangeFact | null;
}

/** The rating a day starts from: the latest year whose effective date is on or before `day`. */
export function baseRating(ratings: readonly RatingFact[], day: string): RatingFact | null {
  let best: RatingFact | null = null;
  for (const r of ratings) {
    if (ratingEffectiveOn(r) > day) continue;
    if (!best || r.year > best.year) best = r;
  }
  return best;
}

/** The star in effect on `day` for one branch, with what decided it. */
export function starInEffectDetail(ratings: readonly RatingFact[], changes: readonly StarChangeFact[], day: string): StarInEffect {
  const rating = baseRating(ratings, day);
  if (!rating) return { stars: 0, rating: null, change: null };
  const from = ratingEffectiveOn(rating);
  let stars = rating.stars;
  let change: StarChangeFact | null = null;
  for (const c of sortChanges(changes)) {
    if (c.effectiveOn <= from || c.effectiveOn > day) continue;
    stars = c.stars;
    change = c;
  }
  return { stars, rating, change };
}

/** The star in effect on `day` (0 = none) for one branch. */
export function starInEffect(ratings: readonly RatingFact[], changes: readonly StarChangeFact[], day: string): number {
  return starInEffectDetail(ratings, changes, day).stars;
}

/** The first day of each month of `year`: '2026-01-01' … '2026-12-01'. */
export function firstDaysOf(year: number): string[] {
  return Array.from({ length: 12 }, (_, i) => `${year}-${String(i + 1).padStart(2, '0')}-01`);
}

/** The star in effect on the first day of each month of `year` (12 numbers). */
export function starsByMonth(ratings: readonly RatingFact[], changes: readonly StarChangeFact[], year: number): number[] {
  return firstDaysOf(year).map((d) => starInEffect(ratings, changes, d));
}

/** One entry of a branch's star history (星级历程), oldest first. */
export interface StarHistoryEntry {
  /** 'YYYY-MM-DD' the star took effect. */
  on: string;
  stars: number;
  kind: 'rating' | 'change';
  /** The rated year (ratings) or the change id. */
  ref: string;
  channel?: StarChangeFact['channel'];
  reason?: string | null;
}

/**
 * A branch's star history: every filed rating at its effective date and every change that the
 * star-in-effect rule actually applies (a change dated on or before the next rating's effective date
 * is superseded by it and so is left out). Oldest first.
 */
export function starHistory(ratings: readonly RatingFact[], changes: readonly StarChangeFact[]): StarHistoryEntry[] {
  const out: StarHistoryEntry[] = [];
  for (const r of ratings) out.push({ on: ratingEffectiveOn(r), stars: r.stars, kind: 'rating', ref: String(r.year) });
  for (const c of changes) {
    // A change counts when it is after the effective date of the rating in effect on its own day.
    const base = baseRating(ratings, c.effectiveOn);
    if (!base || c.effectiveOn <= ratingEffectiveOn(base)) continue;
    out.push({ on: c.effectiveOn, stars: c.stars, kind: 'change', ref: c.id, channel: c.channel, reason: c.reason });
  }
  return out.sort((a, b) => (a.on < b.on ? -1 : a.on > b.on ? 1 : a.kind === b.kind ? (a.ref < b.ref ? -1 : 1) : a.kind === 'rating' ? -1 : 1));
}
