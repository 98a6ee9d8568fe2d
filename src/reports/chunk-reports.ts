/**
 * Pass 2 of a streamed generation (./stream.ts), one chunk of branches at a time: full facts →
 * reports with the city-wide ranks of pass 1, rating and colour sections; optionally rendered.
 * The main thread and a helper thread (./stream-worker.ts) run the very same steps on the same
 * context, loaded the same way from the store, so a chunk's reports do not depend on where it ran.
 */
import type { Config } from '../config/schema.js';
import type { Period } from '../domain/calendar.js';
import type { Store } from '../store/port.js';
import { attachBranchColours, colourFacts, colourGrades, type ColourGrades } from './colour-sections.js';
import { computeBranchReports, type BranchRanks } from './compute.js';
import { summaryRow, type SummaryRow } from './compute-committee.js';
import { chunkFacts, periodInputs, reportBranches, type OrgRow, type PeriodInputs } from './gather.js';
import { rankingRowOf, type RankingRow } from './ranking-row.js';
import { attachBranchRatingSections, ratingSectionFacts, type RatingSectionFacts } from './rating-sections.js';
import { renderBranch, type ReportFormat } from './render/index.js';
import type { BranchReport, HistoryPoint, MeetingInfo } from './types.js';

/** What every chunk's reports of period p are computed from besides its own records. */
export interface ChunkContext {
  config: Config;
  p: Period;
  now: number;
  chunk: number;
  /** The branches reported, in report order (./gather.ts reportBranches). */
  branches: OrgRow[];
  inputs: PeriodInputs;
  rating: RatingSectionFacts;
  grades: ColourGrades | null;
}

/** Load the context of period p (city-wide reads: one query each). */
export async function chunkContext(store: Store, config: Config, orgs: OrgRow[], p: Period, now: number, chunk: number): Promise<ChunkContext> {
  const inputs = await periodInputs(store, orgs, p);
  const [rating, colours] = await Promise.all([ratingSectionFacts(store, p), colourFacts(store, config, p, now)]);
  const branches = reportBranches(orgs, p);
  // Colours are graded once for the city, in report order (as buildReports grades its reports).
  const grades = colourGrades(
    colours,
    config,
    branches.map((b) => ({ code: b.code, name: b.name, parent: b.parent })),
  );
  return { config, p, now, chunk, branches, inputs, rating, grades };
}

/** The number of chunks of the context's branches. */
export function chunkCount(c: ChunkContext): number {
  return Math.ceil(c.branches.length / c.chunk);
}

/** The full reports of chunk `index` (branches index·chunk …), meetings from `read` (default: the store). */
export async function chunkReports(
  store: Store,
  c: ChunkContext,
  index: number,
  history: Map<string, HistoryPoint[]>,
  ranks: Map<string, BranchRanks>,
  read?: (ids: number[]) => Promise<Map<number, MeetingInfo[]>>,
): Promise<BranchReport[]> {
  const part = c.branches.slice(index * c.chunk, (index + 1) * c.chunk);
  const facts = await chunkFacts(store, c.config, part, c.p, c.now, false, c.inputs, read);
  const reports = computeBranchReports(facts, history, c.p, c.config, c.now, ranks);
  attachBranchRatingSections(c.rating, c.config, c.p, reports);
  attachBranchColours(c.grades, reports);
  return reports;
}

/** A report rendered where it was computed, with the small rows kept of it. */
export interface RenderedReport {
  org: string;
  periodName: string;
  /** The report in the asked format, UTF-8. */
  bytes: Uint8Array;
  ranking: RankingRow;
}

const utf8 = new TextEncoder();

/** Render a chunk's reports and take their summary rows. */
export function renderChunk(reports: readonly BranchReport[], format: ReportFormat): { rendered: RenderedReport[]; rows: SummaryRow[] } {
  return {
    rendered: reports.map((r) => ({ org: r.org, periodName: r.periodName, bytes: utf8.encode(renderBranch(r, format)), ranking: rankingRowOf(r) })),
    rows: reports.map(summaryRow),
  };
}
