/**
 * Incremental re-evaluation (issue 14 item 4): after a push of 1,000 new records, re-evaluate only
 * the branches they touched (findings + alerts: src/jobs/reevaluate.ts), beside the full evaluation
 * + reconcile of every branch at the same size and the same `now`, and check that a full pass run
 * afterwards finds nothing left to change (the incremental result is exactly the full check's).
 */
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';
import { parseTimestamp } from '../../src/domain/calendar.js';
import { loadExemptions } from '../../src/alerts/exemptions.js';
import { forEachBranchFindingsParallel } from '../../src/evaluation/index.js';
import { importRecords } from '../../src/import/index.js';
import { reconcilingHandler, type AlertCounts } from '../../src/jobs/cycle.js';
import { reevaluateOrgs } from '../../src/jobs/reevaluate.js';
import { openStore } from '../../src/store/open.js';
import type { Store } from '../../src/store/port.js';
import { mulberry32 } from '../../src/synth/index.js';
import { GiB, info, rssUnder } from '../lib/figures.js';
import { peakRssSelf } from '../lib/measure.js';
import type { BenchContext, BenchSuite, Figure, StepResult } from '../lib/types.js';

/** New records per push (BENCH_INCREMENTAL_N to change). */
const N = Number(process.env.BENCH_INCREMENTAL_N ?? 1000);
/** The target: re-evaluating what a push changed takes under this (issue 14). */
const LIMIT_S = 1;

const changes = (a: AlertCounts) => a.opened + a.raised + a.lowered + a.repeated + a.reopened + a.resolved;

/** The evaluate tick's evaluate + reconcile over every branch (no planning), as of `now`. */
async function fullPass(store: Store, config: Config, now: number): Promise<{ seconds: number; alerts: AlertCounts; branches: number }> {
  const t0 = performance.now();
  const also = await store.alerts.openPeriods();
  const h = reconcilingHandler(store, config, now, also, await loadExemptions(store, now));
  const stats = await forEachBranchFindingsParallel(store, config, now, h.onChunk, { alsoEvaluate: also });
  return { seconds: (performance.now() - t0) / 1000, alerts: h.totals, branches: stats.branches };
}

const suite: BenchSuite = {
  id: 'incremental',
  title: 'incremental re-evaluation after a push of new records',
  order: 25,
  needs: ['city', 'db'],
  method: `
**Measured:** in one child process on a copy of the imported city's SQLite database, as of 2026-11-28:
(1) a full evaluate + reconcile of every branch (the evaluate tick without planning; worker threads from
50,000 branches), which brings the alerts to the state of that \`now\`; (2) a push of ${N.toLocaleString('en-US')} new meeting
records, one each for ${N.toLocaleString('en-US')} random branches (the worst spread: every record touches another branch),
through \`importRecords\` as the API's ingest does, which yields the touched org codes; (3) \`reevaluateOrgs\`
over those codes at the same \`now\` — the figure: branch ids of the codes, their open alerts' periods, the
window meetings of just those branches, the pure rules, one reconcile transaction per chunk scoped to them;
(4) the full evaluate + reconcile again, the floor beside it (a full check at the same size, steady state),
which must find nothing left to change.

**Targets:** re-evaluation < ${LIMIT_S} s; the full pass after it changes no alert (0 changes = the incremental
result equals the full check's).`,
  steps: [{ id: 'incremental', title: `push ${N} records, re-evaluate the touched branches, full pass beside`, run }],
  figures(o): Figure[] {
    const s = o.incremental;
    if (!s) return [];
    const m = s.metrics;
    const floor = { label: 'full evaluate+reconcile', value: m.fullSeconds! };
    const ok = m.reevaluateSeconds! < LIMIT_S;
    return [
      {
        label: `re-evaluate after ${N.toLocaleString('en-US')} new records`, value: m.reevaluateSeconds!, unit: 's', floor, target: `< ${LIMIT_S} s`,
        verdict: ok ? 'PASS' : 'MISS',
        detail: `${m.branches} branches (${((m.reevaluateSeconds! / m.fullSeconds!) * 100).toFixed(1)}% of the full pass)${ok ? '' : `; ${(m.reevaluateSeconds! - LIMIT_S).toFixed(2)} s over`}; ${m.incChanges} alert changes`,
      },
      info('push of the records (importRecords)', m.pushSeconds!, 's', `${N} meetings, ${m.touched} orgs touched`),
      info('full evaluate+reconcile (first, from the imported state)', m.firstFullSeconds!, 's', `${m.firstChanges} alert changes`),
      {
        label: 'alert changes left for a full pass after it', value: m.fullChanges!, unit: '', target: '= 0',
        verdict: m.fullChanges === 0 ? 'PASS' : 'MISS', detail: `full pass ${m.fullSeconds!.toFixed(2)} s over ${m.fullBranches} branches`,
      },
      rssUnder('peak RSS', s.rssBytes, GiB),
    ];
  },
};
export default suite;

async function run(ctx: BenchContext): Promise<StepResult> {
  const dbPath = join(ctx.scratchDir, 'city.db');
  copyFileSync(ctx.dbPath!, dbPath);
  const config = loadConfig(join(ctx.repoRoot, 'config')).config;
  const now = parseTimestamp(`${ctx.now}T09:00`)!;
  const store = await openStore(dbPath);
  try {
    const first = await fullPass(store, config, now);
    // 1,000 new records for 1,000 random branches, held earlier this month.
    const ids = await store.facts.allBranchIds();
    const rng = mulberry32(ctx.seed ^ 0x1ac);
    const pick = new Set<number>();
    while (pick.size < Math.min(N, ids.length)) pick.add(ids[Math.floor(rng() * ids.length)]!);
    const branches = await store.facts.branchesByIds([...pick].sort((a, b) => a - b));
    const heldAt = `${ctx.now.slice(0, 8)}0${1 + Math.floor(rng() * 9)}T15:00:00+08:00`;
    const rows = branches.map((b, i) => ({ id: `bench-inc-${i}`, org: b.code, type: i % 3 ? 'committee' : 'assembly', held_at: heldAt, expected: 20, attended: 12 + (i % 8), minutes: 'yes' }));
    let touched: string[] = [];
    const p0 = performance.now();
    await importRecords(store, 'meetings', rows, 'bench:incremental', { now: now - 60_000, onTouched: (o) => (touched = o) });
    const pushSeconds = (performance.now() - p0) / 1000;
    const inc = await reevaluateOrgs(store, config, now, touched);
    const full = await fullPass(store, config, now);
    return {
      metrics: {
        reevaluateSeconds: inc.ms / 1000,
        branches: inc.branches,
        incChanges: changes(inc.alerts),
        touched: touched.length,
        pushSeconds,
        firstFullSeconds: first.seconds,
        firstChanges: changes(first.alerts),
        fullSeconds: full.seconds,
        fullChanges: changes(full.alerts),
        fullBranches: full.branches,
      },
      peakRssBytes: peakRssSelf(),
    };
  } finally {
    await store.close();
  }
}
