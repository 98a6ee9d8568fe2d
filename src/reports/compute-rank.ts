/**
 * Rankings (大比武): standard competition ranking ("1224"): equal scores share a rank and the
 * next rank skips. Scores are compared as rounded to 0.1, as they are shown. Unrated (null)
 * entries get no rank and do not count in "of". Pure.
 */

/** Ranks of `items` by descending score, within groups (`groupOf`); rank and rated group size per item. */
export function rankWithin<T>(
  items: readonly T[],
  scoreOf: (t: T) => number | null,
  groupOf: (t: T) => string | null,
): Map<T, { rank: number | null; of: number }> {
  const rated = new Map<string, T[]>();
  const unrated = new Map<string, T[]>();
  const out = new Map<T, { rank: number | null; of: number }>();
  for (const t of items) {
    const g = groupOf(t);
    if (g === null) {
      out.set(t, { rank: null, of: 0 });
      continue;
    }
    const target = scoreOf(t) === null ? unrated : rated;
    const list = target.get(g);
    if (list) list.push(t);
    else target.set(g, [t]);
  }
  for (const [g, list] of rated) {
    list.sort((a, b) => scoreOf(b)! - scoreOf(a)!);
    let rank = 0;
    let prev: number | null = null;
    list.forEach((t, i) => {
      const s = Math.round(scoreOf(t)! * 10);
      if (s !== prev) rank = i + 1;
      prev = s;
      out.set(t, { rank, of: list.length });
    });
    for (const t of unrated.get(g) ?? []) out.set(t, { rank: null, of: list.length });
  }
  for (const [g, list] of unrated) if (!rated.has(g)) for (const t of list) out.set(t, { rank: null, of: 0 });
  return out;
}

/** Competition ranks of plain scores, in input order (null scores get null). */
export function competitionRanks(scores: readonly (number | null)[]): (number | null)[] {
  const idx = scores.map((s, i) => ({ s, i }));
  const ranks = rankWithin(idx, (x) => x.s, () => 'all');
  return idx.map((x) => ranks.get(x)!.rank);
}
