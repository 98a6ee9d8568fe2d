/**
 * Incentives of one year (激励保障), from the filed ratings and the star changes:
 * - the secretary's monthly subsidy is the amount for the star in effect on the first day of the
 *   month (so a demotion dated in June changes July onwards, and a change on the 2nd of a month
 *   does not touch that month: no prorating);
 * - the five-star work fund is paid once for each five-star rating, in the calendar year of its
 *   effective date, unless the star in effect on 31 December of that year is below five.
 * Amounts per domain and star come from config `rating.incentives`. Pure.
 */
import type { RatingConfig } from './config.js';
import { incentiveOf, monthlySubsidy } from './config.js';
import { ratingEffectiveOn, starInEffect, starsByMonth } from './stars.js';
import type { RatingBranch, RatingFact, StarChangeFact } from './types.js';

/** One branch's incentives for the year. */
export interface BranchSubsidy {
  org: string;
  name: string;
  committee: string | null;
  committeeName: string | null;
  domain: RatingBranch['domain'];
  secretary: string | null;
  year: number;
  /** Star in effect on the 1st of each month, January first (0 = none). */
  starsByMonth: number[];
  /** Subsidy (yuan) of each month. */
  monthlyYuan: number[];
  /** Months with a subsidy above zero. */
  months: number;
  subsidy_yuan: number;
  /** Five-star ratings taking effect this year, and whether each pays the fund. */
  fiveStarRatings: { year: number; effectiveOn: string; paid: boolean }[];
  fund_yuan: number;
  /** Star in effect on 31 December. */
  starsAtYearEnd: number;
}

/** Totals of one committee's branches. */
export interface CommitteeSubsidyTotal {
  committee: string | null;
  committeeName: string | null;
  branches: number;
  /** Branches paid any subsidy. */
  paidBranches: number;
  subsidy_yuan: number;
  fund_yuan: number;
}

export interface SubsidyResult {
  year: number;
  branches: BranchSubsidy[];
  committees: CommitteeSubsidyTotal[];
  city: { branches: number; paidBranches: number; subsidy_yuan: number; fund_yuan: number };
}

/** The incentives of one branch for `year`. */
export function branchSubsidy(
  branch: RatingBranch,
  ratings: readonly RatingFact[],
  changes: readonly StarChangeFact[],
  year: number,
  cfg: RatingConfig,
): BranchSubsidy {
  const stars = starsByMonth(ratings, changes, year);
  const monthlyYuan = stars.map((s) => monthlySubsidy(cfg, branch.domain, s));
  const yearEnd = starInEffect(ratings, changes, `${year}-12-31`);
  const fund = incentiveOf(cfg, branch.domain)?.five_star_fund ?? 0;
  const fiveStarRatings = ratings
    .filter((r) => r.stars === 5 && ratingEffectiveOn(r).startsWith(`${year}-`))
    .sort((a, b) => a.year - b.year)
    .map((r) => ({ year: r.year, effectiveOn: ratingEffectiveOn(r), paid: yearEnd >= 5 && fund > 0 }));
  return {
    org: branch.code,
    name: branch.name,
    committee: branch.parent,
    committeeName: branch.parentName,
    domain: branch.domain,
    secretary: branch.secretary,
    year,
    starsByMonth: stars,
    monthlyYuan,
    months: monthlyYuan.filter((y) => y > 0).length,
    subsidy_yuan: monthlyYuan.reduce((a, b) => a + b, 0),
    fiveStarRatings,
    fund_yuan: fiveStarRatings.filter((f) => f.paid).length * fund,
    starsAtYearEnd: yearEnd,
  };
}

/**
 * Incentives of every branch for `year`, with totals per committee (in order of first appearance)
 * and for the city. `ratings` and `changes` are grouped by branch code.
 */
export function computeSubsidies(
  branches: readonly RatingBranch[],
  ratings: ReadonlyMap<string, readonly RatingFact[]>,
  changes: ReadonlyMap<string, readonly StarChangeFact[]>,
  year: number,
  cfg: RatingConfig,
): SubsidyResult {
  const rows = branches.map((b) => branchSubsidy(b, ratings.get(b.code) ?? [], changes.get(b.code) ?? [], year, cfg));
  const byCommittee = new Map<string | null, CommitteeSubsidyTotal>();
  for (const r of rows) {
    let t = byCommittee.get(r.committee);
    if (!t) byCommittee.set(r.committee, (t = { committee: r.committee, committeeName: r.committeeName, branches: 0, paidBranches: 0, subsidy_yuan: 0, fund_yuan: 0 }));
    t.branches++;
    if (r.subsidy_yuan > 0 || r.fund_yuan > 0) t.paidBranches++;
    t.subsidy_yuan += r.subsidy_yuan;
    t.fund_yuan += r.fund_yuan;
  }
  const committees = [...byCommittee.values()];
  return {
    year,
    branches: rows,
    committees,
    city: {
      branches: rows.length,
      paidBranches: committees.reduce((a, c) => a + c.paidBranches, 0),
      subsidy_yuan: committees.reduce((a, c) => a + c.subsidy_yuan, 0),
      fund_yuan: committees.reduce((a, c) => a + c.fund_yuan, 0),
    },
  };
}
