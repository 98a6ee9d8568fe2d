/**
 * Adds the star-rating sections (src/rating/report-section.ts) to a period's reports: loads the
 * ratings, star changes, weak-branch designations, demonstration sites and the year's campaign in
 * a few bulk queries, and attaches one section per branch report and committee summary.
 */
import type { Config } from '../config/schema.js';
import { shanghaiDate, type Period } from '../domain/calendar.js';
import { branchRatingSection, committeeRatingSection, type RatingFacts } from '../rating/report-section.js';
import type { WeakDesignation } from '../rating/weak.js';
import type { Db } from '../store/sqlite/db.js';
import { listEntries } from '../store/sqlite/rating-campaign.js';
import { loadRatingBranches, loadRatings, loadStarChanges } from '../store/sqlite/ratings.js';
import { listDemoSites, listWeak } from '../store/sqlite/weak-branches.js';
import type { BranchReport, CommitteeSummary } from './types.js';

export function attachRatingSections(db: Db, config: Config, p: Period, reports: BranchReport[], summaries: CommitteeSummary[]): void {
  const asOf = shanghaiDate(p.end - 1);
  const year = Number(asOf.slice(0, 4));
  const weak = new Map<string, WeakDesignation>();
  // The designation in force at the end of the period, else one removed during its year (to show the rectification).
  for (const d of listWeak(db, { all: true })) {
    if (d.designatedOn > asOf || (d.removedOn && d.removedOn < `${year}-01-01`)) continue;
    const had = weak.get(d.org);
    if (!had || (had.removedOn && (!d.removedOn || d.removedOn > had.removedOn))) weak.set(d.org, d);
  }
  const demoSites = new Map<string, { year: number; level: 'city' | 'prefecture' }[]>();
  for (const s of listDemoSites(db)) if (s.year <= year) demoSites.set(s.org, [...(demoSites.get(s.org) ?? []), { year: s.year, level: s.level }]);
  const facts: RatingFacts = { ratings: loadRatings(db), changes: loadStarChanges(db), weak, demoSites, campaign: listEntries(db, year) };
  const branches = new Map(loadRatingBranches(db).map((b) => [b.code, b]));
  for (const r of reports) {
    const b = branches.get(r.org);
    if (b) r.rating = branchRatingSection(b, asOf, facts, config.rating);
  }
  const estimates = new Map(reports.map((r) => [r.org, r.stars]));
  for (const s of summaries) {
    const list = s.branches.map((x) => branches.get(x.org)).filter((b) => b !== undefined);
    s.rating = committeeRatingSection(list, asOf, facts, estimates, config.rating);
  }
}
