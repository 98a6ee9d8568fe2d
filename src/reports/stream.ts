/**
 * Reports of all branches of a period in bounded memory (the CLI's `report`, the daemon's run):
 *   pass 1 — headline figures (score, stars) of every branch, a chunk at a time, then the ranks
 *            within domain and committee over the whole city (./gather.ts headlines);
 *   pass 2 — a chunk at a time: full facts → full reports with the ranks of pass 1, rating and
 *            colour sections → handed to `onChunk` (render, write, store) → dropped; only a small
 *            summary row per branch (./compute-committee.ts SummaryRow) is kept;
 *   then the committee summaries from those rows.
 * The reports are the same, byte for byte, as buildReports' (tests/reports/stream.test.ts): what
 * lives the whole run is per-branch headlines and summary rows, never every report.
 */
import type { Config } from '../config/schema.js';
import type { Period } from '../domain/calendar.js';
import type { Store } from '../store/port.js';
import { attachBranchColours, attachCommitteeColours, colourFacts, colourGrades } from './colour-sections.js';
import { computeBranchReports, type BranchRanks } from './compute.js';
import { computeCommitteeSummaries, summaryRow, type SummaryRow } from './compute-committee.js';
import { forEachFactsChunk, headlines, notEnded, periodInputs, reportBranches, reportHistory, type BuildOptions, type OrgRow } from './gather.js';
import { attachBranchRatingSections, attachCommitteeRatingSections, ratingSectionFacts } from './rating-sections.js';
import type { BranchReport, CommitteeSummary } from './types.js';

export interface StreamOptions extends BuildOptions {
  /**
   * Each chunk's finished reports, in the order buildReports returns them; the next chunk is
   * computed when the returned promise settles. The reports are not kept after it.
   */
  onChunk: (reports: BranchReport[]) => void | Promise<void>;
  /** Called after each chunk of pass 1 (headlines) with (done, total) branches. */
  onHeadlines?: (done: number, total: number) => void;
}

export interface StreamResult {
  /** Committee summaries (complete: rating and colour sections attached). */
  summaries: CommitteeSummary[];
  /** One summary row per branch report, in report order. */
  rows: SummaryRow[];
  orgs: OrgRow[];
}

/** Stream the reports of all branches for period p (which must have ended by `now`); returns the committee summaries. */
export async function streamReports(store: Store, config: Config, p: Period, now: number, opts: StreamOptions): Promise<StreamResult> {
  if (p.end > now) throw notEnded(p);
  const chunk = opts.chunk ?? 2000;
  const orgs = await store.reports.orgs();
  const history = await reportHistory(store, config, orgs, p, now, opts);
  const inputs = await periodInputs(store, orgs, p);
  const [rating, colours] = await Promise.all([ratingSectionFacts(store, p), colourFacts(store, config, p, now)]);
  // Colours are graded once for the city, in report order (as buildReports grades its reports).
  const grades = colourGrades(
    colours,
    config,
    reportBranches(orgs, p).map((b) => ({ code: b.code, name: b.name, parent: b.parent })),
  );

  // Pass 1: the ranks need every branch's score first.
  const ranks = new Map<string, BranchRanks>();
  for (const h of await headlines(store, config, orgs, p, now, chunk, inputs)) {
    ranks.set(h.org, { rank: h.rank, rankOf: h.rankOf, committeeRank: h.committeeRank, committeeRankOf: h.committeeRankOf });
  }
  opts.onHeadlines?.(ranks.size, ranks.size);

  // Pass 2: full reports a chunk at a time.
  const rows: SummaryRow[] = [];
  await forEachFactsChunk(
    store,
    config,
    orgs,
    p,
    now,
    chunk,
    false,
    async (facts, done, total) => {
      const reports = computeBranchReports(facts, history, p, config, now, ranks);
      attachBranchRatingSections(rating, config, p, reports);
      attachBranchColours(grades, reports);
      await opts.onChunk(reports);
      for (const r of reports) rows.push(summaryRow(r));
      opts.onProgress?.(done, total);
    },
    inputs,
  );

  const summaries = computeCommitteeSummaries(rows, orgs, config, now);
  attachCommitteeRatingSections(rating, config, p, new Map(rows.map((r) => [r.org, r.stars])), summaries);
  attachCommitteeColours(grades, summaries);
  return { summaries, rows, orgs };
}
