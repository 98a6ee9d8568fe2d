/**
 * Incremental re-evaluation (issue 14 item 4): after a push of 1,000 new records, re-evaluate only
 * the branches they touched (findings + alerts + live 大比武 figures: src/jobs/reevaluate.ts), beside
 * the full evaluation + reconcile + live figures of every branch at the same size and the same
 * `now`, and check that a full pass run afterwards finds nothing left to change (the incremental
 * result is exactly the full check's). On SQLite, and on PostgreSQL when the postgres suite's
 * imported city is there (a scratch copy of it, made with CREATE DATABASE … TEMPLATE).
 */
import { createHash } from 'node:crypto';
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
import { refreshLiveFigures } from '../../src/reports/live.js';
import type { LiveBoardRow } from '../../src/store/types/live.js';
import { openStore } from '../../src/store/open.js';
import type { Store } from '../../src/store/port.js';
import { mulberry32 } from '../../src/synth/index.js';
import { GiB, info, rssUnder } from '../lib/figures.js';
import { peakRssSelf } from '../lib/measure.js';
import { admin, cityDb, pgUrlOf } from '../lib/pg-admin.js';
import type { BenchContext, BenchSuite, Figure, StepResult } from '../lib/types.js';

/** New records per push (BENCH_INCREMENTAL_N to change). */
const N = Number(process.env.BENCH_INCREMENTAL_N ?? 1000);
/** The target: re-evaluating what a push changed takes under this (issue 14). */
const LIMIT_S = 1;

const changes = (a: AlertCounts) => a.opened + a.raised + a.lowered + a.repeated + a.reopened + a.resolved;

/** The evaluate tick's evaluate + reconcile over every branch (no planning), as of `now`. */
async function fullPass(store: Store, config: Config, now: number): Promise<{ seconds: number; liveSeconds: number; alerts: AlertCounts; branches: number }> {
  const t0 = performance.now();
  const also = await store.alerts.openPeriods();
  const h = reconcilingHandler(store, config, now, also, await loadExemptions(store, now));
  const stats = await forEachBranchFindingsParallel(store, config, now, h.onChunk, { alsoEvaluate: also });
  await store.refreshStatistics(); // as the evaluate tick does after reconcile (src/jobs/cycle.ts)
  const t1 = performance.now();
  // The evaluate tick's live figures of every branch (after the alerts they read).
  await refreshLiveFigures(store, config, now, null);
  await store.refreshStatistics(); // and after the live pass
  return { seconds: (performance.now() - t0) / 1000, liveSeconds: (performance.now() - t1) / 1000, alerts: h.totals, branches: stats.branches };
}

/**
 * Live rows by org, as a digest of each row's JSON (to count the rows a full pass would change).
 * A digest, not the JSON, read a page at a time: two snapshots of 250,000 rows as JSON were ~1 GB of
 * this process's heap, which the peak RSS figure then counted as if re-evaluation held it.
 */
const SNAPSHOT_PAGE = 1_000;

async function liveSnapshot(store: Store): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  // A page at a time: the whole board at once is ~500 MB of row objects at 250,000 branches. Pages of
  // 1,000: with 10,000 the pages' rows outlived the young generation, and the last snapshot alone
  // raised this process's RSS by ~300 MiB (the peak figure of the run) at 250,000.
  for (let page = await store.live.listPage('', SNAPSHOT_PAGE); page.length; page = await store.live.listPage(page.at(-1)!.org, SNAPSHOT_PAGE)) {
    for (const r of page as LiveBoardRow[]) out.set(r.org, createHash('sha1').update(JSON.stringify(r)).digest('base64'));
  }
  return out;
}


const figuresOf = (store: string, m: Record<string, number>, rssBytes: number | undefined): Figure[] => {
  const floor = { label: `full evaluate+reconcile+live figures (${store})`, value: m.fullSeconds! + m.fullLiveSeconds! };
  const ok = m.reevaluateSeconds! < LIMIT_S;
  return [
    {
      label: `${store}: re-evaluate after ${N.toLocaleString('en-US')} new records (findings, alerts, live figures)`, value: m.reevaluateSeconds!, unit: 's', floor, target: `< ${LIMIT_S} s`,
      verdict: ok ? 'PASS' : 'MISS',
      detail: `${m.branches} branches (${((m.reevaluateSeconds! / floor.value) * 100).toFixed(1)}% of the full pass; live figures ${m.incLiveSeconds!.toFixed(2)} s of it)${ok ? '' : `; ${(m.reevaluateSeconds! - LIMIT_S).toFixed(2)} s over`}; ${m.incChanges} alert changes, ${m.liveWritten} live rows`,
    },
    info(`${store}: push of the records (importRecords)`, m.pushSeconds!, 's', `${N} meetings, ${m.touched} orgs touched`),
    info(`${store}: full evaluate+reconcile (first, from the imported state)`, m.firstFullSeconds!, 's', `${m.firstChanges} alert changes; live figures of every branch ${m.firstLiveSeconds!.toFixed(2)} s`),
    info(`${store}: full live figures pass (every branch)`, m.fullLiveSeconds!, 's', `${m.fullBranches} branches`),
    {
      label: `${store}: alert changes + live rows changed left for a full pass after it`, value: m.fullChanges! + m.liveLeft!, unit: '', target: '= 0',
      verdict: m.fullChanges === 0 && m.liveLeft === 0 ? 'PASS' : 'MISS', detail: `${m.fullChanges} alert changes, ${m.liveLeft} live rows; full pass ${m.fullSeconds!.toFixed(2)} s + live ${m.fullLiveSeconds!.toFixed(2)} s over ${m.fullBranches} branches`,
    },
    ...(rssBytes ? [rssUnder(`${store}: peak RSS`, rssBytes, GiB)] : []),
  ];
};

const suite: BenchSuite = {
  id: 'incremental',
  title: 'incremental re-evaluation after a push of new records',
  order: 25,
  needs: ['city', 'db'],
  method: `
**Measured:** in one child process per store on a copy of the imported city (SQLite: a copy of the database file;
PostgreSQL: \`CREATE DATABASE … TEMPLATE\` of the postgres suite's imported city, skipped with a note when absent), as of
2026-11-28: (1) a full evaluate + reconcile of every branch (the evaluate tick without planning; worker threads from
50,000 branches), then the live 大比武 figures of every branch (src/reports/live.ts, the report headline scoring of the
running month), which brings alerts and figures to the state of that \`now\`; (2) a push of ${N.toLocaleString('en-US')} new meeting
records, one each for ${N.toLocaleString('en-US')} random branches (the worst spread: every record touches another branch),
through \`importRecords\` as the API's ingest does, which yields the touched org codes; (3) \`reevaluateOrgs\`
over those codes at the same \`now\` — the figure: branch ids of the codes, their open alerts' periods, the
window meetings of just those branches, the pure rules, one reconcile transaction per chunk scoped to them, then
their live figures; (4) the full pass again (evaluate + reconcile + live figures), the floor beside it, which must find
nothing left to change: no alert, no live figures row.

**Targets:** re-evaluation < ${LIMIT_S} s; the full pass after it changes no alert and no live row (0 = the incremental
result equals the full check's).`,
  steps: [
    { id: 'incremental', title: `SQLite: push ${N} records, re-evaluate the touched branches, full pass beside`, run },
    { id: 'incremental-pg', title: `PostgreSQL: push ${N} records, re-evaluate the touched branches, full pass beside`, run: runPg },
  ],
  figures(o): Figure[] {
    const out: Figure[] = [];
    if (o.incremental) out.push(...figuresOf('SQLite', o.incremental.metrics, o.incremental.rssBytes));
    if (o['incremental-pg'] && o['incremental-pg'].metrics.reevaluateSeconds !== undefined) out.push(...figuresOf('PostgreSQL', o['incremental-pg'].metrics, o['incremental-pg'].rssBytes));
    return out;
  },
};
export default suite;

async function run(ctx: BenchContext): Promise<StepResult> {
  const dbPath = join(ctx.scratchDir, 'city.db');
  copyFileSync(ctx.dbPath!, dbPath);
  const store = await openStore(dbPath);
  try {
    return { metrics: await measure(ctx, store), peakRssBytes: peakRssSelf() };
  } finally {
    await store.close();
  }
}

async function runPg(ctx: BenchContext): Promise<StepResult> {
  const template = cityDb(ctx);
  const scratch = `orglife_bench_incremental_${ctx.size}_${process.pid}`;
  const exists = await admin(async (c) => (await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [template])).rowCount === 1).catch(() => false);
  if (!exists) return { metrics: {}, notes: [`PostgreSQL: no imported city ${template} (run the postgres suite at this size first); not measured`] };
  await admin((c) => c.query(`CREATE DATABASE "${scratch}" TEMPLATE "${template}"`));
  try {
    const store = await openStore(pgUrlOf(scratch));
    try {
      return { metrics: await measure(ctx, store), peakRssBytes: peakRssSelf() };
    } finally {
      await store.close();
    }
  } finally {
    await admin((c) => c.query(`DROP DATABASE IF EXISTS "${scratch}" WITH (FORCE)`));
  }
}

async function measure(ctx: BenchContext, store: Store): Promise<Record<string, number>> {
  const config = loadConfig(join(ctx.repoRoot, 'config')).config;
  const now = parseTimestamp(`${ctx.now}T09:00`)!;
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
  const liveAfterInc = await liveSnapshot(store);
  const full = await fullPass(store, config, now);
  const liveAfterFull = await liveSnapshot(store);
  let liveLeft = Math.abs(liveAfterFull.size - liveAfterInc.size);
  for (const [org, v] of liveAfterFull) if (liveAfterInc.get(org) !== v) liveLeft++;
  return {
    reevaluateSeconds: inc.ms / 1000,
    incLiveSeconds: inc.live.ms / 1000,
    liveWritten: inc.live.written,
    branches: inc.branches,
    incChanges: changes(inc.alerts),
    touched: touched.length,
    pushSeconds,
    firstFullSeconds: first.seconds - first.liveSeconds,
    firstLiveSeconds: first.liveSeconds,
    firstChanges: changes(first.alerts),
    fullSeconds: full.seconds - full.liveSeconds,
    fullLiveSeconds: full.liveSeconds,
    fullChanges: changes(full.alerts),
    liveLeft,
    fullBranches: full.branches,
  };
}
