/**
 * Reports of all branches of a period in bounded memory (the CLI's `report`, the daemon's run):
 *   pass 1 — headline figures (score, stars) of every branch, a chunk at a time, then the ranks
 *            within domain and committee over the whole city (./gather.ts headlines); meanwhile
 *            a helper thread computes the previous period's headlines when they are not stored
 *            (./headlines-worker.ts, its own read-only store: a city of 5,000 to 50,000 branches);
 *   pass 2 — a chunk at a time: full facts → full reports with the ranks of pass 1, rating and
 *            colour sections (./chunk-reports.ts) → handed to `onChunk` (render, write, store) →
 *            dropped; only a small summary row per branch (./compute-committee.ts SummaryRow) is
 *            kept. With `render`, chunks are rendered where computed and handed to `onRendered`,
 *            and (4+ cores, or `pass2Helper`) a helper thread (./stream-worker.ts) computes chunks
 *            too: whichever thread is free takes the next one (pass 1's kept meetings go with it),
 *            delivered in order;
 *   then the committee summaries from those rows.
 * The reports are the same, byte for byte, as buildReports' (tests/reports/stream.test.ts): what
 * lives the whole run is per-branch headlines and summary rows, never every report.
 */
import { availableParallelism } from 'node:os';
import { setImmediate as yieldToEvents } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import type { Config } from '../config/schema.js';
import { previousPeriod, type Period } from '../domain/calendar.js';
import type { Store } from '../store/port.js';
import type { HeadlinesInit } from './headlines-worker.js';
import { attachCommitteeColours } from './colour-sections.js';
import { chunkContext, chunkCount, chunkReports, renderChunk, type RenderedReport } from './chunk-reports.js';
import type { BranchRanks } from './compute.js';
import { committeeSummaries, computeCommitteeSummaries, summaryRow, type SummaryRow } from './compute-committee.js';
import { headlines, meetingsMemoFor, notEnded, reportBranches, reportHistory, type BuildOptions, type OrgRow } from './gather.js';
import { paceHeap } from '../heap-pace.js';
import { packedBuffers, type MeetingsMemo } from './meetings-memo.js';
import { attachCommitteeRatingSections } from './rating-sections.js';
import type { ReportFormat } from './render/index.js';
import type { StreamWorkerInit, StreamWorkerReply, StreamWorkerRequest } from './stream-worker.js';
import type { BranchReport, CommitteeSummary, HistoryPoint } from './types.js';
export type { RenderedReport } from './chunk-reports.js';

export interface StreamOptions extends BuildOptions {
  /**
   * Each chunk's finished reports, in the order buildReports returns them; the next chunk is
   * computed when the returned promise settles. The reports are not kept after it.
   */
  onChunk?: (reports: BranchReport[]) => void | Promise<void>;
  /**
   * Render every report in this format where it is computed and hand each chunk to onRendered
   * (UTF-8 text and ranking row per report, in report order) instead of onChunk: then, from
   * helperMinBranches, a helper thread computes and renders every other chunk or so meanwhile.
   */
  render?: ReportFormat;
  onRendered?: (reports: RenderedReport[]) => void | Promise<void>;
  /**
   * Each committee summary (complete), handed over as it is computed and then dropped: the result's
   * `summaries` is then empty (`committees` counts them). Without it every summary is returned,
   * which on a large city holds every branch once per level of the tree.
   */
  onSummary?: (s: CommitteeSummary) => void | Promise<void>;
  /** Meetings pass 1 keeps for pass 2 (./meetings-memo.ts; default 3 M, ~120 MB; 0: read twice). */
  meetingsMemo?: number;
  /** Called after each chunk of pass 1 (headlines) with (done, total) branches. */
  onHeadlines?: (done: number, total: number) => void;
  /**
   * From how many branches of the previous period its headlines (when not stored) are computed on
   * a helper thread while this one runs pass 1, and (with `render`) a helper computes chunks of
   * pass 2 (default 5,000; never above 50,000 branches, nor with a store without workerSpec()).
   */
  helperMinBranches?: number;
  /**
   * Whether a helper thread computes chunks of pass 2 (with `render`, within the helper sizes).
   * Default: on a machine of 4 cores or more. On 2 cores (the writer thread and the headlines
   * helper already share the second) it measured no faster and ~190 MiB more peak RSS: the
   * 20,000-branch year 25.0 s / 927 MiB with it (load 4-7) against 25.7 s / 734 MiB without
   * (load 6-8), on PostgreSQL 36.7 s against 30.9 s.
   */
  pass2Helper?: boolean;
  /** Whether this thread computes chunks of pass 2 when a helper does too (default true; false: all on the helper). */
  pass2Here?: boolean;
}

/** Below this, starting a helper thread (module loading, its own store) costs about what it saves. */
const HELPER_MIN_BRANCHES = 5_000;
/**
 * Above this, no helper: each holds its own copy of the city-wide state (orgs, the period's
 * alerts, assessments, rating and colour facts) and its heap. (The 250,000-branch month peaked at
 * 2.7 GiB with the helpers and 2.5 GiB without: that peak is the end of the run, committee
 * summaries and workbooks over every branch, not the helpers.)
 */
const HELPER_MAX_BRANCHES = 50_000;
const helperFits = (branches: number, min = HELPER_MIN_BRANCHES) => branches >= min && branches <= HELPER_MAX_BRANCHES;

export interface StreamResult {
  /** Committee summaries (complete: rating and colour sections attached); empty with onSummary. */
  summaries: CommitteeSummary[];
  /** How many committee summaries there are (handed to onSummary, or returned). */
  committees: number;
  /** One summary row per branch report, in report order. */
  rows: SummaryRow[];
  orgs: OrgRow[];
}

/** Stream the reports of all branches for period p (which must have ended by `now`); returns the committee summaries. */
export async function streamReports(store: Store, config: Config, p: Period, now: number, opts: StreamOptions): Promise<StreamResult> {
  if (p.end > now) throw notEnded(p);
  const chunk = opts.chunk ?? 2000;
  const orgs = await store.reports.orgs();
  // The previous period's headlines (for the changes) do not depend on this period's: with a
  // helper thread they are computed there during pass 1, else here first.
  const spec = store.workerSpec();
  const helper = spec !== null && helperFits(reportBranches(orgs, previousPeriod(p)).length, opts.helperMinBranches);
  const historyP = reportHistory(
    store,
    config,
    orgs,
    p,
    now,
    opts,
    helper ? (prev) => headlinesInHelper({ spec: spec!, config, orgs, period: prev.label, now, chunk: opts.chunk }) : undefined,
  );
  historyP.catch(() => {}); // awaited below; not an unhandled rejection meanwhile
  if (!helper) await historyP;
  // With rendering, a helper thread for pass 2, started now so that its loading overlaps pass 1.
  const branchCount = reportBranches(orgs, p).length;
  const renderer =
    opts.render && (opts.pass2Helper ?? availableParallelism() >= 4) && spec !== null && branchCount > chunk && helperFits(branchCount, opts.helperMinBranches)
      ? startChunkHelper({ spec, config, orgs, period: p.label, now, chunk, format: opts.render })
      : undefined;
  try {
    // Passes 1 and 2 in their own scope: their city-wide state (ranks, history, kept meetings,
    // inputs) is garbage before the committee summaries, which are the run's peak on a large city.
    const { rows, rating, grades } = await (async () => {
    const ctx = await chunkContext(store, config, orgs, p, now, chunk);

    // Pass 1: the ranks need every branch's score first. Its meetings are kept (packed, up to the
    // memo's budget) for pass 2, which then does not read them again.
    const memo = meetingsMemoFor(orgs, p, config, chunk, opts.meetingsMemo);
    const ranks = new Map<string, BranchRanks>();
    for (const h of await headlines(store, config, orgs, p, now, chunk, ctx.inputs, memo)) {
      ranks.set(h.org, { rank: h.rank, rankOf: h.rankOf, committeeRank: h.committeeRank, committeeRankOf: h.committeeRankOf });
    }
    opts.onHeadlines?.(ranks.size, ranks.size);
    const history = await historyP;

    // Pass 2: full reports a chunk at a time, handed over in report order.
    const rows: SummaryRow[] = [];
    const total = ctx.branches.length;
    const n = chunkCount(ctx);
    const here = async (index: number): Promise<{ reports?: BranchReport[]; rendered?: RenderedReport[]; rows: SummaryRow[] }> => {
      const kept = memo.take(index * chunk);
      const reports = await chunkReports(store, ctx, index, history, ranks, kept ? async () => kept : undefined);
      return opts.render ? renderChunk(reports, opts.render) : { reports, rows: reports.map(summaryRow) };
    };
    const deliver = async (index: number, done: { reports?: BranchReport[]; rendered?: RenderedReport[]; rows: SummaryRow[] }) => {
      if (done.reports) await opts.onChunk?.(done.reports);
      if (done.rendered) await opts.onRendered?.(done.rendered);
      rows.push(...done.rows);
      opts.onProgress?.(Math.min((index + 1) * chunk, total), total);
      paceHeap();
    };
    if (renderer) {
      await renderer.run(n, history, ranks, memo, (i) => ctx.branches.slice(i * chunk, (i + 1) * chunk).map((b) => b.code), opts.pass2Here ?? true, here, deliver);
    } else {
      for (let index = 0; index < n; index++) await deliver(index, await here(index));
    }

    return { rows, rating: ctx.rating, grades: ctx.grades };
    })();

    const estimates = new Map(rows.map((r) => [r.org, r.stars]));
    const complete = (s: CommitteeSummary): CommitteeSummary => {
      attachCommitteeRatingSections(rating, config, p, estimates, [s]);
      attachCommitteeColours(grades, [s]);
      return s;
    };
    if (opts.onSummary) {
      let committees = 0;
      for (const s of committeeSummaries(rows, orgs, config, now)) {
        await opts.onSummary(complete(s));
        committees++;
        paceHeap();
      }
      return { summaries: [], rows, orgs, committees };
    }
    const summaries = computeCommitteeSummaries(rows, orgs, config, now).map(complete);
    return { summaries, rows, orgs, committees: summaries.length };
  } finally {
    await renderer?.stop();
  }
}

/** The previous period's headlines from a helper thread (./headlines-worker.ts) on its own read-only store. */
function headlinesInHelper(init: HeadlinesInit): Promise<(HistoryPoint & { org: string })[]> {
  return new Promise((resolve, reject) => {
    const w = startHelper('headlines-worker', init);
    let answered = false;
    w.once('message', (m: { headlines?: (HistoryPoint & { org: string })[]; error?: string }) => {
      answered = true;
      if (m.headlines) resolve(m.headlines);
      else reject(new Error(`report helper failed: ${m.error}`));
    });
    w.once('error', (e) => {
      answered = true;
      reject(e);
    });
    w.once('exit', (code) => {
      if (!answered) reject(new Error(`report helper exited early (code ${code})`));
    });
  });
}

/** Chunks a pass-2 helper may be ahead of the delivered ones (bounds the rendered text held). */
const MAX_AHEAD = 2;
/** How long a helper may take to close its store before it is terminated. */
const STOP_GRACE_MS = 2_000;

type ChunkDone = { reports?: BranchReport[]; rendered?: RenderedReport[]; rows: SummaryRow[] };

/**
 * A pass-2 helper (./stream-worker.ts): `run` spreads the chunks over this thread and the helper,
 * each taking the next chunk when free (a chunk's kept meetings go with it, transferred), and
 * delivers them in report order.
 */
function startChunkHelper(init: StreamWorkerInit) {
  const w = startHelper('stream-worker', init);
  let ready = false;
  let failure: unknown;
  let wake: (() => void) | undefined;
  let onReady: (() => void) | undefined;
  let onReply: ((seq: number, done: ChunkDone) => void) | undefined;
  const notify = () => {
    const f = wake;
    wake = undefined;
    f?.();
  };
  let exited = false;
  const gone = new Promise<void>((resolve) => w.once('exit', () => resolve()));
  w.on('message', (m: StreamWorkerReply) => {
    if ('ready' in m) {
      ready = true;
      onReady?.();
    } else if (m.error !== undefined) failure ??= new Error(`report helper failed: ${m.error}`);
    else onReply?.(m.seq, { rendered: m.rendered!, rows: m.rows! });
    notify();
  });
  w.on('error', (e) => {
    failure ??= e;
    notify();
  });
  w.on('exit', (code) => {
    exited = true;
    failure ??= new Error(`report helper exited early (code ${code})`);
    notify();
  });
  return {
    async run(
      n: number,
      history: Map<string, HistoryPoint[]>,
      ranks: Map<string, BranchRanks>,
      memo: MeetingsMemo,
      codesOf: (index: number) => string[],
      computeHere: boolean,
      here: (index: number) => Promise<ChunkDone>,
      deliver: (index: number, done: ChunkDone) => Promise<void>,
    ): Promise<void> {
      const chunk = init.chunk;
      const done = new Map<number, ChunkDone>();
      let sent = 0;
      let delivered = 0;
      let inFlight = 0;
      const feed = () => {
        while (ready && failure === undefined && inFlight < 1 && sent < n && sent - delivered < MAX_AHEAD) {
          const seq = sent++;
          const packed = memo.takePacked(seq * chunk);
          // Only the chunk's own ranks and history: the helper never holds the city's.
          const codes = codesOf(seq);
          const h = new Map<string, HistoryPoint[]>();
          const r = new Map<string, BranchRanks>();
          for (const c of codes) {
            const x = history.get(c);
            if (x) h.set(c, x);
            const y = ranks.get(c);
            if (y) r.set(c, y);
          }
          w.postMessage({ seq, history: h, ranks: r, packed } satisfies StreamWorkerRequest, packed ? packedBuffers(packed) : []);
          inFlight++;
        }
      };
      onReply = (seq, d) => {
        inFlight--;
        done.set(seq, d);
        feed();
      };
      onReady = feed;
      feed();
      while (delivered < n) {
        if (failure !== undefined) throw failure;
        for (let d = done.get(delivered); d; d = done.get(delivered)) {
          done.delete(delivered);
          await deliver(delivered, d);
          delivered++;
        }
        feed();
        if (delivered === n) break;
        if (computeHere && sent < n && sent - delivered < MAX_AHEAD) {
          const seq = sent++;
          done.set(seq, await here(seq));
          await yieldToEvents(); // let the helper's replies in
        } else {
          await new Promise<void>((resolve) => (wake = resolve));
        }
      }
    },
    /** Ask the helper to close its store, then make sure it is gone. */
    async stop(): Promise<void> {
      if (exited) return;
      try {
        w.postMessage({ stop: true } satisfies StreamWorkerRequest);
      } catch {
        // already gone
      }
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), STOP_GRACE_MS)));
      if ((await Promise.race([gone, late])) === 'late') await w.terminate();
      clearTimeout(timer);
    },
  };
}

/**
 * Start a helper (`name`: headlines-worker or stream-worker). Under tsx (the TypeScript sources)
 * the thread registers tsx itself, as bin/orglife.js does for the main thread; the compiled build
 * runs the .js directly.
 */
function startHelper(name: string, init: unknown): Worker {
  // A larger young generation: a chunk's meetings and facts die young (as the check's helpers).
  const opts = { workerData: init, resourceLimits: { maxYoungGenerationSizeMb: 96 } };
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL(`./${name}.js`, import.meta.url), opts);
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const entry = new URL(`./${name}.ts`, import.meta.url).href;
  const boot = `import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(boot, { ...opts, eval: true });
}
