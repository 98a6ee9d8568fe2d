/**
 * One ranking row per branch report (大比武): what the ranking workbook (./xlsx.ts) shows, kept per
 * branch while reports are streamed. Apart from the workbook so a helper thread makes the rows
 * without loading exceljs.
 */
import type { Domain } from '../domain/types.js';
import type { BranchReport } from './types.js';
import { CATEGORY_IDS } from './config.js';

/** One row of a ranking. */
export interface RankingRow {
  rank: number | null;
  org: string;
  name: string;
  parentName: string | null;
  domain: Domain | null;
  score: number | null;
  grade: string | null;
  stars: number | null;
  vetoed: boolean;
  rankChange: number | null;
  scoreChange: number | null;
  problems: number;
  categories: (number | null)[];
}

/** Ranking rows of the reports (optionally one domain), best first; unrated at the end. */
export function rankingRows(reports: readonly BranchReport[], domain?: Domain): RankingRow[] {
  return sortRankingRows(reports.filter((r) => !domain || r.domain === domain).map(rankingRowOf));
}

/** One report's ranking row (small: kept per branch while the reports are streamed). */
export function rankingRowOf(r: BranchReport): RankingRow {
  return {
    rank: r.rank,
    org: r.org,
    name: r.name,
    parentName: r.parentName,
    domain: r.domain,
    score: r.score,
    grade: r.grade,
    stars: r.stars,
    vetoed: r.vetoed,
    rankChange: r.change.rank,
    scoreChange: r.change.score,
    problems: r.problems.length,
    categories: sharedCategories(CATEGORY_IDS.map((id) => r.categories.find((c) => c.id === id)?.score ?? null)),
  };
}

/** Rows with the same category scores share one list (a streamed run keeps a row per branch); rows are read, never changed. */
const categoryLists = new Map<string, (number | null)[]>();
function sharedCategories(scores: (number | null)[]): (number | null)[] {
  const key = scores.join('|');
  const had = categoryLists.get(key);
  if (had) return had;
  if (categoryLists.size >= 16384) categoryLists.clear();
  categoryLists.set(key, scores);
  return scores;
}

/** Best first within each domain; unrated at the end (sorts in place, returns the array). */
export function sortRankingRows(rows: RankingRow[]): RankingRow[] {
  return rows.sort((a, b) => (a.domain ?? '').localeCompare(b.domain ?? '') || (a.rank ?? Infinity) - (b.rank ?? Infinity) || a.org.localeCompare(b.org));
}
