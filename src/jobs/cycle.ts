/**
 * The evaluate tick — the daemon's daily cycle as of `now`:
 *   evaluate the rules (chunk by chunk, on worker threads for big cities) → reconcile each chunk's
 *   findings into alerts + events + outbox (one store transaction per chunk) → plan digests and
 *   deliveries (one transaction per committee chunk). It only writes the store; the drainer then puts the planned deliveries in queues.
 * Idempotent for a given `now`: reconcile and planning are keyed, so a re-run after a crash adds nothing.
 * The chunk handler (evaluate → reconcile) is shared with incremental re-evaluation (reevaluate.ts),
 * so a re-evaluated branch ends exactly where this tick would leave it.
 */
import type { Config } from '../config/schema.js';
import type { EvalRequest } from '../domain/facts.js';
import { evaluationScope, planDeliveries, reconcile, type ReconcileResult } from '../alerts/index.js';
import { BacklogCounter } from '../alerts/backlog.js';
import { planBacklogSummary } from '../alerts/planner.js';
import { exemptScope, loadExemptions, splitExempt, type ExemptionIndex } from '../alerts/exemptions.js';
import { resolveRemovedOrgs } from '../alerts/removed-orgs.js';
import { forEachBranchFindingsParallel, type BranchFindings } from '../evaluation/index.js';
import type { Store } from '../store/port.js';
import type { TickContext } from './kinds.js';

export type AlertCounts = Omit<ReconcileResult, 'findings'>;

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
    },
  };
  return h;
}

/** The `evaluate` schedule kind's handler. */
export async function evaluateTick(ctx: TickContext): Promise<Record<string, unknown>> {
  const { config, now } = ctx;
  const t0 = performance.now();
  // Removed orgs (撤销) are not evaluated: their alerts still open resolve as 组织已撤销 before anything is planned.
  const orgRemoved = await resolveRemovedOrgs(ctx.store, config, now);
  // Open alerts' periods are re-judged even after they left the window, so late records resolve them.
  const also = await ctx.store.alerts.openPeriods();
  const backlog = new BacklogCounter(config);
  // Exemptions (豁免): exempt findings open nothing and send nothing; their open alerts resolve as 已豁免.
  const handler = reconcilingHandler(ctx.store, config, now, also, await loadExemptions(ctx.store, now), backlog);
  // Helper threads open the store from ctx.store.workerSpec() (none for an in-memory database: this thread alone).
  const stats = await forEachBranchFindingsParallel(ctx.store, config, now, handler.onChunk, { alsoEvaluate: also });
  const evaluatedMs = performance.now() - t0;
  const plan = await planDeliveries(ctx.store, config, ctx.notifiers.enabled, now);
  // The first cycle after go-live: one summary of the history to the admins (once: keyed).
  const backlogMail = await planBacklogSummary(ctx.store, config, ctx.notifiers.enabled, backlog, now);
  return {
    backlog: { history: backlog.findings, deliveries: backlogMail },
    branches: stats.branches,
    findings: stats.findings,
    exempted: handler.exempted,
    orgRemoved,
    alerts: handler.totals,
    plan,
    ms: { evaluate: Math.round(evaluatedMs), plan: Math.round(performance.now() - t0 - evaluatedMs) },
  };
}
