/**
 * The evaluate tick — the daemon's daily cycle as of `now`:
 *   evaluate the rules (chunk by chunk, on worker threads for big cities) → reconcile each chunk's
 *   findings into alerts + events + outbox (one store transaction per chunk) → plan digests and
 *   deliveries (one transaction per committee chunk). It only writes the store; the drainer then puts the planned deliveries in queues.
 * Idempotent for a given `now`: reconcile and planning are keyed, so a re-run after a crash adds nothing.
 */
import { evaluationScope, planDeliveries, reconcile, type ReconcileResult } from '../alerts/index.js';
import { BacklogCounter } from '../alerts/backlog.js';
import { planBacklogSummary } from '../alerts/planner.js';
import { exemptScope, loadExemptions, splitExempt } from '../alerts/exemptions.js';
import { resolveRemovedOrgs } from '../alerts/removed-orgs.js';
import { forEachBranchFindingsParallel, type BranchFindings } from '../evaluation/index.js';
import type { TickContext } from './kinds.js';

type Counts = Omit<ReconcileResult, 'findings'>;

/** The `evaluate` schedule kind's handler. */
export async function evaluateTick(ctx: TickContext): Promise<Record<string, unknown>> {
  const { config, now } = ctx;
  const t0 = performance.now();
  // Removed orgs (撤销) are not evaluated: their alerts still open resolve as 组织已撤销 before anything is planned.
  const orgRemoved = await resolveRemovedOrgs(ctx.store, config, now);
  // Open alerts' periods are re-judged even after they left the window, so late records resolve them.
  const also = await ctx.store.alerts.openPeriods();
  const totals: Counts = { opened: 0, raised: 0, lowered: 0, repeated: 0, reopened: 0, resolved: 0, unchanged: 0, outbox: 0, history: 0 };
  const backlog = new BacklogCounter(config);
  // Exemptions (豁免): exempt findings open nothing and send nothing; their open alerts resolve as 已豁免.
  const exemptions = await loadExemptions(ctx.store, now);
  let exempted = 0;
  const onChunk = async (chunk: BranchFindings[]) => {
    const { standing, exempt } = splitExempt(exemptions, chunk.flatMap((b) => b.findings), now);
    exempted += exempt.length;
    const standingOf = new Set(standing);
    for (const b of chunk) backlog.add(b.branch, b.findings.filter((f) => standingOf.has(f)));
    const scope = exemptScope(
      evaluationScope(
        chunk.map((b) => b.branch),
        config,
        now,
        also,
      ),
      exempt,
    );
    const r = await reconcile(ctx.store, standing, scope, config, now);
    for (const k of Object.keys(totals) as (keyof Counts)[]) totals[k] += r[k];
  };
  // Helper threads open the store from ctx.store.workerSpec() (none for an in-memory database: this thread alone).
  const stats = await forEachBranchFindingsParallel(ctx.store, config, now, onChunk, { alsoEvaluate: also });
  const evaluatedMs = performance.now() - t0;
  const plan = await planDeliveries(ctx.store, config, ctx.notifiers.enabled, now);
  // The first cycle after go-live: one summary of the history to the admins (once: keyed).
  const backlogMail = await planBacklogSummary(ctx.store, config, ctx.notifiers.enabled, backlog, now);
  return {
    backlog: { history: backlog.findings, deliveries: backlogMail },
    branches: stats.branches,
    findings: stats.findings,
    exempted,
    orgRemoved,
    alerts: totals,
    plan,
    ms: { evaluate: Math.round(evaluatedMs), plan: Math.round(performance.now() - t0 - evaluatedMs) },
  };
}
