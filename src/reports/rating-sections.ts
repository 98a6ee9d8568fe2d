/**
 * Adds the star-rating sections (src/rating/report-section.ts) to a period's reports: the ratings,
 * star changes, weak-branch designations, demonstration sites and the year's campaign, read in a
 * few bulk queries through the store port (ratingSectionFacts), attached by the pure
 * attachRatingSectionsFrom: one section per branch report and committee summary.
 */
import type { Config } from '../config/schema.js';
import { shanghaiDate, type Period } from '../domain/calendar.js';
import { branchRatingSection, committeeRatingSection, type RatingFacts } from '../rating/report-section.js';
import type { RatingBranch } from '../rating/types.js';
import type { WeakDesignation } from '../rating/weak.js';
import type { Store } from '../store/port.js';
import type { DemoSiteRow } from '../store/types/rating.js';
import type { BranchReport, CommitteeSummary } from './types.js';

/** What the rating sections of a period's reports are made of. */
export interface RatingSectionFacts {
  facts: RatingFacts;
  branches: Map<string, RatingBranch>;
}

const asOfOf = (p: Period) => shanghaiDate(p.end - 1);

/** Pure: from every designation and site, and the stored ratings, what a period's sections need. */
function sectionFacts(
  p: Period,
  rows: { designations: readonly WeakDesignation[]; sites: readonly DemoSiteRow[]; branches: readonly RatingBranch[] } & Pick<RatingFacts, 'ratings' | 'changes' | 'campaign'>,
): RatingSectionFacts {
  const asOf = asOfOf(p);
  const year = Number(asOf.slice(0, 4));
  const weak = new Map<string, WeakDesignation>();
  // The designation in force at the end of the period, else one removed during its year (to show the rectification).
  for (const d of rows.designations) {
    if (d.designatedOn > asOf || (d.removedOn && d.removedOn < `${year}-01-01`)) continue;
    const had = weak.get(d.org);
    if (!had || (had.removedOn && (!d.removedOn || d.removedOn > had.removedOn))) weak.set(d.org, d);
  }
  const demoSites = new Map<string, { year: number; level: 'city' | 'prefecture' }[]>();
  for (const s of rows.sites) if (s.year <= year) demoSites.set(s.org, [...(demoSites.get(s.org) ?? []), { year: s.year, level: s.level }]);
  return {
    facts: { ratings: rows.ratings, changes: rows.changes, weak, demoSites, campaign: rows.campaign },
    branches: new Map(rows.branches.map((b) => [b.code, b])),
  };
}

/** The rating facts of period p, through the store port. */
export async function ratingSectionFacts(store: Store, p: Period): Promise<RatingSectionFacts> {
  const year = Number(asOfOf(p).slice(0, 4));
  const [designations, sites, ratings, changes, campaign, branches] = await Promise.all([
    store.rating.weakDesignations({ all: true }),
    store.rating.demoSites(),
    store.rating.ratings(),
    store.rating.starChanges(),
    store.rating.campaignEntries(year),
    store.rating.branches(),
  ]);
  return sectionFacts(p, { designations, sites, ratings, changes, campaign, branches });
}

/** Attach one rating section per branch report (pure). */
export function attachBranchRatingSections(f: RatingSectionFacts, config: Config, p: Period, reports: readonly BranchReport[]): void {
  const asOf = asOfOf(p);
  for (const r of reports) {
    const b = f.branches.get(r.org);
    if (b) r.rating = branchRatingSection(b, asOf, f.facts, config.rating);
  }
}

/** Attach one rating section per committee summary (pure); `estimates` = each branch report's stars, by org code. */
export function attachCommitteeRatingSections(
  f: RatingSectionFacts,
  config: Config,
  p: Period,
  estimates: ReadonlyMap<string, number | null>,
  summaries: readonly CommitteeSummary[],
): void {
  const asOf = asOfOf(p);
  for (const s of summaries) {
    const list = s.branches.map((x) => f.branches.get(x.org)).filter((b) => b !== undefined);
    s.rating = committeeRatingSection(list, asOf, f.facts, estimates, config.rating);
  }
}

/** Attach one rating section per branch report and committee summary (pure). */
export function attachRatingSectionsFrom(f: RatingSectionFacts, config: Config, p: Period, reports: BranchReport[], summaries: CommitteeSummary[]): void {
  attachBranchRatingSections(f, config, p, reports);
  attachCommitteeRatingSections(f, config, p, new Map(reports.map((r) => [r.org, r.stars])), summaries);
}
