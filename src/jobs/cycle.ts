/**
 * The evaluate tick — the daemon's daily cycle as of `now`:
 *   evaluate the rules (chunk by chunk, on worker threads for big cities) → reconcile each chunk's
 *   findings into alerts + events + outbox (one store transaction per chunk) → plan digests and
 *   deliveries (one transaction per committee chunk); beside planning, every branch's live 大比武 figures
 *   (on a helper thread for a big city: ../reports/live-thread.ts). It only writes the store; the drainer then puts the planned deliveries in queues.
 * Idempotent for a given `now`: reconcile and planning are keyed, so a re-run after a crash adds nothing.
 * The chunk handler (evaluate → reconcile) is shared with incremental re-evaluation (reevaluate.ts),
 * so a re-evaluated branch ends exactly where this tick would leave it.
 */
import { randomUUID } from 'node:crypto';
import type { Config } from '../config/schema.js';
import { holidayCoverageWarning } from '../config/warnings.js';
import type { EvalRequest } from '../domain/facts.js';
import { evaluationScope, planDeliveries, reconcile, type ReconcileResult } from '../alerts/index.js';
import { BacklogCounter } from '../alerts/backlog.js';
import { planBacklogSummary } from '../alerts/planner.js';
import { exemptScope, loadExemptions, splitExempt, type ExemptionIndex } from '../alerts/exemptions.js';
import { resolveRemovedOrgs } from '../alerts/removed-orgs.js';
import { forEachBranchFindingsParallel, type BranchFindings } from '../evaluation/index.js';
import type { Store } from '../store/port.js';
import { refreshLiveFigures, type LiveRefresh } from '../reports/live.js';
import { refreshLiveFiguresOnHelper } from '../reports/live-thread.js';
import type { TickContext } from './kinds.js';
import { paceHeap } from '../heap-pace.js';

export type AlertCounts = Omit<ReconcileResult, 'findings'>;

/** Heap growth between the reconcile chunks' paced full collections (../heap-pace.ts). */
const RECONCILE_PACE_STEP = 256 * 2 ** 20;

/** What reconciling chunk after chunk adds up to. */
export interface ReconcilingHandler {
  onChunk(chunk: BranchFindings[]): Promise<void>;
  totals: AlertCounts;
  exempted: number;
}

/**
 * The handler that reconciles each evaluated chunk into alerts: exempt findings split off, the
 * scope = exactly the chunk's branches (so alerts of branches not in the chunk are never judged
 * clean) re-checking the open alerts' periods in `also`.
 */
export function reconcilingHandler(
  store: Store,
  config: Config,
  now: number,
  also: ReadonlyMap<string, readonly EvalRequest[]>,
  exemptions: ExemptionIndex | null,
  backlog?: BacklogCounter,
): ReconcilingHandler {
  const h: ReconcilingHandler = {
    totals: { opened: 0, raised: 0, lowered: 0, repeated: 0, reopened: 0, resolved: 0, unchanged: 0, outbox: 0, history: 0 },
    exempted: 0,
    async onChunk(chunk) {
      const { standing, exempt } = splitExempt(exemptions, chunk.flatMap((b) => b.findings), now);
      h.exempted += exempt.length;
      if (backlog) {
        const standingOf = new Set(standing);
        for (const b of chunk) backlog.add(b.branch, b.findings.filter((f) => standingOf.has(f)));
      }
      const scope = exemptScope(evaluationScope(chunk.map((b) => b.branch), config, now, also), exempt);
      const r = await reconcile(store, standing, scope, config, now);
      for (const k of Object.keys(h.totals) as (keyof AlertCounts)[]) h.totals[k] += r[k];
      // A chunk's findings, loads and writes are garbage now; a big city's later day let them pile up
      // to ~480 MiB of heap before V8 collected (the peak of the day's RSS once planning was paced).
      paceHeap(RECONCILE_PACE_STEP);
    },
  };
  return h;
}

export interface EvaluateTickOptions {
  /**
   * From this many evaluated branches on, the live figures are computed on a helper thread beside
   * planning (default 10,000; a store without workerSpec(), an in-memory database, never): below it
   * the thread's start-up costs about what the pass does.
   */
  liveHelperMin?: number;
}

const LIVE_HELPER_MIN = 10_000;

/** The `evaluate` schedule kind's handler. */
export async function evaluateTick(ctx: TickContext, opts: EvaluateTickOptions = {}): Promise<Record<string, unknown>> {
  const { config, now } = ctx;
  const t0 = performance.now();
  // Every evaluation, not only at start: a daemon running since the autumn crosses into a year the calendar may not list.
  const holidays = holidayCoverageWarning(config.calendar, now);
  if (holidays) ctx.log.warn({ path: 'calendar.holidays' }, `configuration warning: ${holidays}`);
  // Removed orgs (撤销) are not evaluated: their alerts still open resolve as 组织已撤销 before anything is planned.
  const orgRemoved = await resolveRemovedOrgs(ctx.store, config, now);
  // Durable re-evaluation requests committed before this pass are covered by it: claimed now, deleted after it.
  const owner = `evaluate:${now}:${randomUUID()}`;
  const requests = await ctx.store.reevaluations.claim({ owner, now: Date.now(), leaseMs: 30 * 60_000, limit: 100_000 });
  // Open alerts' periods are re-judged even after they left the window, so late records resolve them.
  const also = await ctx.store.alerts.openPeriods();
  const backlog = new BacklogCounter(config);
  // Exemptions (豁免): exempt findings open nothing and send nothing; their open alerts resolve as 已豁免.
  const handler = reconcilingHandler(ctx.store, config, now, also, await loadExemptions(ctx.store, now), backlog);
  // Helper threads open the store from ctx.store.workerSpec() (none for an in-memory database: this thread alone).
  const stats = await forEachBranchFindingsParallel(ctx.store, config, now, handler.onChunk, { alsoEvaluate: also });
  // Reconcile may have written a table's worth of alerts and events: the live figures and planning read them next.
  const analyzed = await refreshStatistics(ctx);
  const evaluatedMs = performance.now() - t0;
  // Every branch's live 大比武 figures of the month, after the alerts they read (re-evaluation keeps them
  // between ticks). A big city's run on a helper thread while this one plans: planning writes none of
  // what they read, they write only live_figures. A failed live pass (on this thread: the helper's
  // failure only moves it here) fails the tick as it always did (a re-run is idempotent), but after
  // planning: the deliveries are not held back by it.
  const spec = ctx.store.workerSpec();
  const onHelper = spec !== null && stats.branches >= (opts.liveHelperMin ?? LIVE_HELPER_MIN);
  const here = () => refreshLiveFigures(ctx.store, config, now, null);
  // A helper that fails (its heap cap, a lock it waited too long for) is not the pass failing: this thread runs it then.
  const liveRun: Promise<LiveRefresh> = onHelper
    ? refreshLiveFiguresOnHelper(spec, config, now).catch((e: unknown) => {
        ctx.log.warn({ err: e }, 'live figures helper failed; computing them on the main thread');
        // Both failing fails the tick (after planning) with one error naming both causes.
        return here().catch((e2: unknown) => {
          throw new Error(`live figures failed on the helper thread (${errorText(e)}) and then on the main thread (${errorText(e2)})`, { cause: e2 });
        });
      })
    : here();
  // The claimed requests are covered once their branches' live figures are written too. Settled
  // either way before anything else can throw (never an unhandled rejection).
  const liveDone = liveRun
    .then(async (r) => {
      if (requests) await ctx.store.reevaluations.done(owner, requests.ids);
      return r;
    })
    .then((r) => ({ ok: r }), (e: unknown) => ({ failed: e }));
  if (!onHelper) {
    const r = await liveDone;
    if ('failed' in r) throw r.failed;
  }
  const tPlan = performance.now();
  let plan: Awaited<ReturnType<typeof planDeliveries>>;
  let backlogMail: Awaited<ReturnType<typeof planBacklogSummary>>;
  let plannedAt = tPlan;
  let drainedMs = 0;
  try {
    plan = await planDeliveries(ctx.store, config, ctx.notifiers.enabled, now, { sendFrom: ctx.sendFrom });
    // The first cycle after go-live: one summary of the history to the admins (once: keyed).
    backlogMail = await planBacklogSummary(ctx.store, config, ctx.notifiers.enabled, backlog, now, ctx.sendFrom);
    // Planning wrote digests and deliveries: the drain and the delivery workers read them next.
    analyzed.push(...(await refreshStatistics(ctx)));
    plannedAt = performance.now();
    // While the helper still computes: the daemon's drain queues what was just planned (it runs again after the tick).
    if (onHelper && ctx.afterPlan) {
      await ctx.afterPlan().catch((e: unknown) => ctx.log.warn({ err: e }, 'early drain failed; the after-tick drain retries'));
      drainedMs = performance.now() - plannedAt;
    }
  } finally {
    // A planning failure still waits for the helper: nothing of this tick writes after it returns.
    if (onHelper) await liveDone;
  }
  const settled = await liveDone;
  if ('failed' in settled) throw settled.failed;
  const live = settled.ok;
  const liveWaitMs = performance.now() - plannedAt - drainedMs;
  // The live pass wrote every branch's figures (the ranking pages and re-evaluation read them).
  analyzed.push(...(await refreshStatistics(ctx)));
  return {
    backlog: { history: backlog.findings, deliveries: backlogMail },
    branches: stats.branches,
    findings: stats.findings,
    exempted: handler.exempted,
    orgRemoved,
    alerts: handler.totals,
    plan,
    requests: requests?.ids.length ?? 0,
    live: { period: live.period, written: live.written, removed: live.removed, helper: onHelper },
    analyzed,
    // live: the pass's own time (on the helper: beside plan); drain: the early drain (ctx.afterPlan) beside it; liveWait: how long the tick then still waited for it.
    ms: { evaluate: Math.round(evaluatedMs), live: live.ms, drain: Math.round(drainedMs), liveWait: Math.round(liveWaitMs), plan: Math.round(plannedAt - tPlan) },
  };
}

/** The store's planner statistics brought up to date (a failure only costs speed: logged, never failing the tick). */
async function refreshStatistics(ctx: TickContext): Promise<string[]> {
  try {
    return await ctx.store.refreshStatistics();
  } catch (e) {
    ctx.log.warn({ err: e }, 'could not refresh the database statistics; reads may be planned for stale sizes');
    return [];
  }
}

/** An error's message (first line), or the value as text. */
function errorText(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0]!;
}
