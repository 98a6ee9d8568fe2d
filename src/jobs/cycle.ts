/**
 * The evaluate tick: evaluate the rules as of `now`, reconcile findings into alerts + outbox,
 * plan deliveries. It only writes SQLite; the drainer puts the planned deliveries into queues.
 * PLACEHOLDER until src/alerts lands: evaluates and reports counts only.
 */
import { forEachBranchFindings } from '../evaluation/index.js';
import type { TickContext } from './kinds.js';

/** The `evaluate` schedule kind's handler. */
export async function evaluateTick(ctx: TickContext): Promise<Record<string, unknown>> {
  const stats = forEachBranchFindings(ctx.db, ctx.config, ctx.now, () => undefined);
  return { branches: stats.branches, findings: stats.findings };
}
