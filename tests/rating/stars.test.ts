import { describe, expect, it } from 'vitest';
import { ratingEffectiveOn, starHistory, starInEffect, starsByMonth } from '../../src/rating/stars.js';
import type { RatingFact, StarChangeFact } from '../../src/rating/types.js';

const rating = (year: number, stars: number, ratedOn: string | null = null): RatingFact => ({ org: 'B1', year, stars, ratedOn });
const change = (id: string, effectiveOn: string, stars: number): StarChangeFact => ({
  id, org: 'B1', effectiveOn, stars, channel: 'inspection', reason: null, evidence: null,
});

describe('the star in effect on a day', () => {
  it('takes effect on rated_on, else 1 January of the next year', () => {
    expect(ratingEffectiveOn(rating(2025, 4))).toBe('2026-01-01');
    expect(ratingEffectiveOn(rating(2025, 4, '2025-12-28'))).toBe('2025-12-28');
    expect(starInEffect([rating(2025, 4)], [], '2025-12-31')).toBe(0);
    expect(starInEffect([rating(2025, 4)], [], '2026-01-01')).toBe(4);
    expect(starInEffect([rating(2025, 4, '2025-12-28')], [], '2025-12-28')).toBe(4);
    expect(starInEffect([rating(2025, 4, '2025-12-28')], [], '2025-12-27')).toBe(0);
  });

  it('no rating: no star, whatever changes say', () => {
    expect(starInEffect([], [change('X', '2026-03-01', 5)], '2026-06-01')).toBe(0);
  });

  it('starts from the latest year in effect', () => {
    const rs = [rating(2024, 3), rating(2025, 5, '2026-02-10')];
    expect(starInEffect(rs, [], '2026-02-09')).toBe(3);
    expect(starInEffect(rs, [], '2026-02-10')).toBe(5);
  });

  it('applies changes after the effective date and on or before the day, in date order', () => {
    const rs = [rating(2025, 5)];
    const cs = [change('B', '2026-09-01', 4), change('A', '2026-06-15', 0)];
    expect(starInEffect(rs, cs, '2026-06-14')).toBe(5);
    expect(starInEffect(rs, cs, '2026-06-15')).toBe(0);
    expect(starInEffect(rs, cs, '2026-08-31')).toBe(0);
    expect(starInEffect(rs, cs, '2026-09-01')).toBe(4);
  });

  it('ignores a change dated on the effective date itself or before it', () => {
    expect(starInEffect([rating(2025, 5)], [change('A', '2026-01-01', 2)], '2026-05-01')).toBe(5);
    expect(starInEffect([rating(2025, 5)], [change('A', '2025-11-01', 2)], '2026-05-01')).toBe(5);
  });

  it('a new year’s rating supersedes the changes before its effective date', () => {
    const rs = [rating(2025, 5), rating(2026, 3)];
    const cs = [change('A', '2026-06-15', 1)];
    expect(starInEffect(rs, cs, '2026-12-31')).toBe(1);
    expect(starInEffect(rs, cs, '2027-01-01')).toBe(3);
  });

  it('changes on the same day apply in id order', () => {
    const cs = [change('K2', '2026-04-01', 2), change('K1', '2026-04-01', 4)];
    expect(starInEffect([rating(2025, 5)], cs, '2026-04-01')).toBe(2);
    expect(starInEffect([rating(2025, 5)], [...cs].reverse(), '2026-04-01')).toBe(2);
  });

  it('a June demotion changes July onwards (the 1st of each month decides)', () => {
    expect(starsByMonth([rating(2025, 5)], [change('A', '2026-06-10', 3)], 2026)).toEqual([5, 5, 5, 5, 5, 5, 3, 3, 3, 3, 3, 3]);
    expect(starsByMonth([rating(2025, 5)], [change('A', '2026-06-01', 3)], 2026)).toEqual([5, 5, 5, 5, 5, 3, 3, 3, 3, 3, 3, 3]);
  });

  it('star history lists ratings and the changes that apply', () => {
    const h = starHistory([rating(2025, 5), rating(2026, 3)], [change('A', '2026-06-15', 1), change('Z', '2025-05-01', 2)]);
    expect(h.map((e) => [e.on, e.stars, e.kind])).toEqual([
      ['2026-01-01', 5, 'rating'],
      ['2026-06-15', 1, 'change'],
      ['2027-01-01', 3, 'rating'],
    ]);
  });
});
