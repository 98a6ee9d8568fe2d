/**
 * Incremental re-evaluation: after an import or an API push, re-judge only the branches it
 * touched (ImportSession.touchedOrgs; a committee code stands for its whole subtree) with the same
 * pure rules, the same config and the same `now` a full check would use, and reconcile their
 * alerts with a scope of exactly those branches — alerts of every other branch are neither read
 * nor resolved; then those branches' live 大比武 figures are refreshed (src/reports/live.ts). Rules
 * judge one branch from its own records, so the touched branches end exactly
 * where a full evaluate tick at `now` would leave them, and the untouched ones are where they were
 * (tests/incremental/equivalence.test.ts holds both). It plans no deliveries: the alerts it opens
 * or raises wait in the outbox for the next scheduled tick, so messages keep the daily rhythm and
 * its SMS caps; the scheduled full check stays the safety net (it re-judges everything).
 * Idempotent: the same orgs at the same `now` change nothing the second time.
 */
import type { Config } from '../config/schema.js';
import { loadExemptions } from '../alerts/exemptions.js';
import { evalContext, evaluateIds, type BranchFindings, type CheckStats } from '../evaluation/index.js';
import type { Finding } from '../domain/types.js';
import type { Store } from '../store/port.js';
import type { LiveFigureRow } from '../store/types/live.js';
import { refreshLiveFigures, type LiveRefresh } from '../reports/live.js';
import { reconcilingHandler, type AlertCounts } from './cycle.js';

export interface ReevaluateResult {
  /** The org codes asked for. */
  orgs: number;
  branches: number;
  findings: CheckStats['findings'];
  exempted: number;
  alerts: AlertCounts;
  /** The touched branches' live 大比武 figures, refreshed after their alerts. */
  live: LiveRefresh;
  ms: number;
}

export interface ReevaluateOptions {
  /** Also hand each evaluated chunk here (tests compare the findings with a full check's). */
  onFindings?: (chunk: readonly BranchFindings[]) => void;
  /** Also hand each chunk of live figures here. */
  onLiveRows?: (rows: readonly LiveFigureRow[]) => void;
}

/** Re-evaluate the branches at or under `orgs` as of `now` and reconcile their alerts (see the file comment). */
export async function reevaluateOrgs(store: Store, config: Config, now: number, orgs: readonly string[], opts: ReevaluateOptions = {}): Promise<ReevaluateResult> {
  const t0 = performance.now();
  const ids = await store.facts.branchIdsUnderAny([...new Set(orgs)]);
  const codes = ids.length ? (await store.facts.branchesByIds(ids)).map((b) => b.code) : [];
  // The open alerts' periods of just these branches, as the full tick re-checks them for every branch.
  const also = codes.length ? await store.alerts.openPeriods(codes) : new Map();
  const handler = reconcilingHandler(store, config, now, also, await loadExemptions(store, now));
  const stats = await evaluateIds(store, ids, evalContext(config, now, also), async (chunk) => {
    opts.onFindings?.(chunk);
    await handler.onChunk(chunk);
  });
  // After the reconcile: the warning-response indicator and the colour read these branches' alerts.
  const live = await refreshLiveFigures(store, config, now, codes, opts.onLiveRows ? { onRows: opts.onLiveRows } : {});
  return { orgs: orgs.length, branches: stats.branches, findings: stats.findings, exempted: handler.exempted, alerts: handler.totals, live, ms: Math.round(performance.now() - t0) };
}

/** Findings of a re-evaluation, flattened (tools and tests). */
export function findingsOf(chunks: readonly (readonly BranchFindings[])[]): Finding[] {
  return chunks.flatMap((c) => c.flatMap((b) => b.findings));
}
