/**
 * The star-rating part of the health-check reports, computed from the filed ratings, star
 * changes, weak-branch designations, demonstration sites and the campaign (pure):
 * - a branch report shows its star history, the star in effect at the end of the period, the
 *   subsidy of that month and the year's incentives, its demonstration-site titles, and — for a
 *   weak and lax branch — the rectification (measures, problems, cadres, notes);
 * - a committee summary shows its branches' star distribution at the end of the period and a year
 *   earlier, the five-star candidates of the year, its weak branches and the year's subsidy total.
 */
import type { RatingConfig } from './config.js';
import { monthlySubsidy } from './config.js';
import { finalStars, type CampaignEntry } from './campaign.js';
import { starHistory, starInEffect, type StarHistoryEntry } from './stars.js';
import { branchSubsidy } from './subsidies.js';
import type { RatingBranch, RatingFact, StarChangeFact } from './types.js';
import { weakProgress, type WeakDesignation } from './weak.js';

export interface BranchRatingSection {
  /** The last day of the report period. */
  asOf: string;
  starsInEffect: number;
  history: StarHistoryEntry[];
  /** The subsidy of the period's last month (by the star in effect on its 1st). */
  subsidyMonth: { month: string; stars: number; yuan: number };
  /** The incentives of the period's year. */
  year: { year: number; subsidy_yuan: number; fund_yuan: number };
  demoSites: { year: number; level: 'city' | 'prefecture' }[];
  weak: (Omit<WeakDesignation, 'townshipLeaderPhone' | 'townshipLeaderEmail'> & { progress: ReturnType<typeof weakProgress> }) | null;
}

export interface CommitteeRatingSection {
  asOf: string;
  /** Branches per star in effect (0 = none) at the end of the period, and on the same day a year earlier. */
  distribution: { stars: number; count: number; lastYear: number; change: number }[];
  /** Five-star candidates of the year: the campaign's proposed five stars, else the engine's estimate. */
  fiveStarCandidates: { org: string; name: string; source: 'campaign' | 'estimate' }[];
  weakBranches: { org: string; name: string; category: string; designatedOn: string; problems: number; resolved: number; cadres: number }[];
  demoSites: { org: string; name: string; year: number; level: 'city' | 'prefecture' }[];
  subsidy: { year: number; subsidy_yuan: number; fund_yuan: number };
}

export interface RatingFacts {
  ratings: ReadonlyMap<string, readonly RatingFact[]>;
  changes: ReadonlyMap<string, readonly StarChangeFact[]>;
  /** Designations open at the end of the period (or removed within its year), by branch. */
  weak: ReadonlyMap<string, WeakDesignation>;
  demoSites: ReadonlyMap<string, { year: number; level: 'city' | 'prefecture' }[]>;
  /** The campaign entries of the period's year (empty without a campaign). */
  campaign: readonly CampaignEntry[];
}

const lastYearDay = (day: string) => `${Number(day.slice(0, 4)) - 1}${day.slice(4) === '-02-29' ? '-02-28' : day.slice(4)}`;

export function branchRatingSection(b: RatingBranch, asOf: string, f: RatingFacts, cfg: RatingConfig): BranchRatingSection {
  const ratings = f.ratings.get(b.code) ?? [];
  const changes = f.changes.get(b.code) ?? [];
  const year = Number(asOf.slice(0, 4));
  const month = asOf.slice(0, 7);
  const monthStars = starInEffect(ratings, changes, `${month}-01`);
  const inc = branchSubsidy(b, ratings, changes, year, cfg);
  const weak = f.weak.get(b.code);
  let weakView: BranchRatingSection['weak'] = null;
  if (weak) {
    const { townshipLeaderPhone: _p, townshipLeaderEmail: _e, ...rest } = weak;
    weakView = { ...rest, progress: weakProgress(weak) };
  }
  return {
    asOf,
    starsInEffect: starInEffect(ratings, changes, asOf),
    history: starHistory(ratings, changes).filter((h) => h.on <= asOf),
    subsidyMonth: { month, stars: monthStars, yuan: monthlySubsidy(cfg, b.domain, monthStars) },
    year: { year, subsidy_yuan: inc.subsidy_yuan, fund_yuan: inc.fund_yuan },
    demoSites: f.demoSites.get(b.code) ?? [],
    weak: weakView,
  };
}

export function committeeRatingSection(
  branches: readonly RatingBranch[],
  asOf: string,
  f: RatingFacts,
  estimates: ReadonlyMap<string, number | null>,
  cfg: RatingConfig,
): CommitteeRatingSection {
  const year = Number(asOf.slice(0, 4));
  const before = lastYearDay(asOf);
  const now = new Map<number, number>();
  const then = new Map<number, number>();
  let subsidy = 0;
  let fund = 0;
  for (const b of branches) {
    const r = f.ratings.get(b.code) ?? [];
    const c = f.changes.get(b.code) ?? [];
    const s1 = starInEffect(r, c, asOf);
    const s0 = starInEffect(r, c, before);
    now.set(s1, (now.get(s1) ?? 0) + 1);
    then.set(s0, (then.get(s0) ?? 0) + 1);
    const inc = branchSubsidy(b, r, c, year, cfg);
    subsidy += inc.subsidy_yuan;
    fund += inc.fund_yuan;
  }
  const codes = new Set(branches.map((b) => b.code));
  const names = new Map(branches.map((b) => [b.code, b.name]));
  const fromCampaign = f.campaign.filter((e) => codes.has(e.org) && finalStars(e) === 5);
  const fiveStarCandidates = f.campaign.some((e) => codes.has(e.org))
    ? fromCampaign.map((e) => ({ org: e.org, name: names.get(e.org) ?? e.org, source: 'campaign' as const }))
    : branches.filter((b) => estimates.get(b.code) === 5).map((b) => ({ org: b.code, name: b.name, source: 'estimate' as const }));
  return {
    asOf,
    distribution: [5, 4, 3, 2, 1, 0].map((s) => ({ stars: s, count: now.get(s) ?? 0, lastYear: then.get(s) ?? 0, change: (now.get(s) ?? 0) - (then.get(s) ?? 0) })),
    fiveStarCandidates,
    weakBranches: branches
      .filter((b) => {
        const d = f.weak.get(b.code);
        return !!d && (!d.removedOn || d.removedOn > asOf);
      })
      .map((b) => {
        const d = f.weak.get(b.code)!;
        const p = weakProgress(d);
        return { org: b.code, name: b.name, category: d.category, designatedOn: d.designatedOn, problems: p.problems, resolved: p.resolved, cadres: p.cadres };
      }),
    demoSites: branches.flatMap((b) => (f.demoSites.get(b.code) ?? []).map((s) => ({ org: b.code, name: b.name, ...s }))),
    subsidy: { year, subsidy_yuan: subsidy, fund_yuan: fund },
  };
}
