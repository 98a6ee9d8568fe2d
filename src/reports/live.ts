/**
 * Live 大比武 figures: each branch's score, grade, stars, colour, category and indicator scores of
 * the CURRENT month as of `now`, computed exactly as a report's headline pass scores a period
 * (./gather.ts forEachFactsChunk → ./compute-score.ts; colours ./colour-sections.ts), kept in the
 * store (store.live) so the ranking board can show the running month between report generations.
 *
 * Every figure is a function of the branch's own records plus city-wide inputs read per branch
 * (its assessments, vetoes, rectification items, alerts, exemptions, warning spans), so computing
 * a subset of branches gives the same rows a full pass gives them: the evaluate tick refreshes all
 * (then prunes what it did not write), re-evaluation after an import refreshes the touched branches
 * (after their alerts were reconciled: the warning-response indicator and the colour read them),
 * reading only those branches, the committees above them and their inputs (store.reports.orgsOf and
 * the `orgs` scope of the input reads: tests/incremental/scoped-reads.test.ts), never the whole city.
 * Ranks are not stored: the board ranks the stored rows of every branch when it reads them
 * (src/app/ranking.ts), so a re-evaluated branch is ranked against the others' stored figures.
 */
import type { Config } from '../config/schema.js';
import { periodOf, type Period } from '../domain/calendar.js';
import type { Store } from '../store/port.js';
import type { LiveFigureRow } from '../store/types/live.js';
import { colourFacts, colourGrades, type ColourFacts, type ColourGrades } from './colour-sections.js';
import { categoryScores, gradeOf, totalScore } from './compute-score.js';
import { forEachFactsChunk, inputsOf, periodRecords, type OrgRow } from './gather.js';
import { paceHeap } from '../heap-pace.js';
import type { BranchFacts } from './types.js';

/** The period live figures are of: the month `now` is in. */
export function livePeriod(now: number): Period {
  return periodOf('month', now);
}

/** One branch's live figures from its headline facts (pure). */
export function liveFigureOf(f: BranchFacts, config: Config, p: Period, now: number, colours: ColourGrades | null): LiveFigureRow {
  const cats = categoryScores(f, config, false);
  const score = totalScore(f, cats, config);
  const vetoed = f.vetoes.length > 0;
  const { grade, stars } = gradeOf(score, vetoed, config);
  const categories: Record<string, number | null> = {};
  const indicators: Record<string, number | null> = {};
  for (const c of cats) {
    categories[c.id] = c.score;
    for (const i of c.indicators) indicators[i.id] = i.score;
  }
  return { org: f.org.code, period: p.label, computedAt: now, score, grade, stars, vetoed, colour: colours?.byCode.get(f.org.code)?.colour ?? null, categories, indicators };
}

/** Heap growth between the full pass's paced collections (../heap-pace.ts): its live set is ~130 MiB at 250,000 branches. */
const LIVE_PACE_STEP = 96 * 2 ** 20;

export interface LiveRefresh {
  period: string;
  /** Branches whose figures were written. */
  written: number;
  /** Rows deleted (asked-for codes that are no longer reported branches; after a full pass, rows it did not write). */
  removed: number;
  ms: number;
}

export interface LiveOptions {
  /** Branches per meetings query (default 2,000). */
  chunk?: number;
  /** Each computed chunk, before it is written (tests compare them). */
  onRows?: (rows: readonly LiveFigureRow[]) => void;
}

/**
 * Compute and store the live figures as of `now`: of the branches `codes` names (branch codes;
 * null = every branch, then rows not written are pruned). An asked-for code that is not a reported
 * branch (removed, a committee, founded later) loses its row.
 */
export async function refreshLiveFigures(store: Store, config: Config, now: number, codes: readonly string[] | null, opts: LiveOptions = {}): Promise<LiveRefresh> {
  const t0 = performance.now();
  const p = livePeriod(now);
  const chunk = opts.chunk ?? 2000;
  let written = 0;
  /** Score, colour and store one chunk's figures; returns their rows. */
  const emit = async (colours: ColourFacts, facts: BranchFacts[]): Promise<readonly LiveFigureRow[]> => {
    const grades = colourGrades(colours, config, facts.map((f) => ({ code: f.org.code, name: f.org.name, parent: f.org.parent })));
    const rows = facts.map((f) => liveFigureOf(f, config, p, now, grades));
    opts.onRows?.(rows);
    await store.live.write(rows);
    written += rows.length;
    return rows;
  };
  if (codes) {
    // Some branches: just them and the committees above them (parent names, exemption chains), and the
    // inputs of just them — a branch's figures read nothing of another branch (ranks are the board's).
    const wanted = new Set(codes);
    const all = await store.reports.orgsOf([...wanted]);
    const subset = all.filter((o) => wanted.has(o.code));
    const seen = new Set<string>();
    if (subset.length) {
      const scope = subset.map((o) => o.code);
      const [records, colours] = await Promise.all([periodRecords(store, p, scope), colourFacts(store, config, p, now, scope)]);
      await forEachFactsChunk(store, config, subset, p, now, chunk, true, async (facts) => {
        for (const r of await emit(colours, facts)) seen.add(r.org);
      }, inputsOf(records, all));
    }
    const gone = [...wanted].filter((c) => !seen.has(c));
    if (gone.length) await store.live.write([], gone);
    return { period: p.label, written, removed: gone.length, ms: Math.round(performance.now() - t0) };
  }
  // Every branch, a chunk of org rows at a time beside the committees (the tree above them), never
  // the whole org table at once: the pass holds the city-wide records and one chunk (bounded memory).
  const [ids, committees, records, colours] = await Promise.all([store.facts.allBranchIds(), store.reports.committees(), periodRecords(store, p), colourFacts(store, config, p, now)]);
  const above = new Map<string, OrgRow>(committees.map((o) => [o.code, o]));
  for (let i = 0; i < ids.length; i += chunk) {
    const part = await store.reports.orgsByIds(ids.slice(i, i + chunk));
    const own = new Set(part.map((o) => o.code));
    // A parent that is not a committee (the import never makes one; exact anyway): read with its chain. A removed one reads nothing, as orgs() has none.
    const absent = [...new Set(part.map((o) => o.parent).filter((c): c is string => c !== null && !above.has(c) && !own.has(c)))];
    const extra = absent.length ? await store.reports.orgsOf(absent) : [];
    await forEachFactsChunk(store, config, part, p, now, chunk, true, async (facts) => void (await emit(colours, facts)), inputsOf(records, [...above.values(), ...part, ...extra]));
    // Each chunk's facts and rows are garbage once written; on SQLite the pass never waits for I/O,
    // and V8 let them pile up (250,000 branches: heap 130 MiB live, 456 MiB total by the end).
    paceHeap(LIVE_PACE_STEP);
  }
  const removed = await store.live.prune(p.label, now);
  return { period: p.label, written, removed, ms: Math.round(performance.now() - t0) };
}
