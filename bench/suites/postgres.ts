/**
 * PostgreSQL (issue 8): import, check and the daily cycle on the machine's PostgreSQL
 * (ORGLIFE_BENCH_PG_URL, default postgres://postgres@127.0.0.1:5432/postgres), each beside a floor
 * measured in the same run: a plain COPY of the same files into unindexed text tables, and one SQL
 * aggregate over the imported meetings table.
 */
import { createReadStream, readFileSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import copyStreams from 'pg-copy-streams';
import { parseTimestamp, shanghaiMidnight, shanghaiParts } from '../../src/domain/calendar.js';
import { LEVELS } from '../../src/domain/types.js';
import { GiB, info, rateVsFloor, rssUnder, timeVsFloor } from '../lib/figures.js';
import { cycleFigure, dailyCycle, laterDay, laterDayCycle } from '../lib/cycle-run.js';
import { cpuMsSelf, orglifeStartup, runOrglife, warmFiles } from '../lib/measure.js';
import { admin, cityDb, pgUrlOf as urlOf } from '../lib/pg-admin.js';
import type { BenchContext, BenchSuite, Figure, StepResult } from '../lib/types.js';


/** The floor aggregate (as the SQLite check suite's, in PostgreSQL's dialect). */
export const PG_FLOOR_SQL = `SELECT org_id, type, count(*) AS n, sum((attended * 2 > expected)::int) AS quorate, sum((minutes = 0)::int) AS no_minutes
FROM meetings WHERE held_at >= $1 AND held_at <= $2 GROUP BY org_id, type`;




const ident = (s: string) => `"${s.replace(/"/g, '""')}"`;

async function freshDb(name: string, template?: string): Promise<void> {
  await admin(async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${ident(name)} WITH (FORCE)`);
    await c.query(`CREATE DATABASE ${ident(name)}${template ? ` TEMPLATE ${ident(template)}` : ''}`);
  });
}

async function dropDb(name: string): Promise<void> {
  await admin((c) => c.query(`DROP DATABASE IF EXISTS ${ident(name)} WITH (FORCE)`));
}

function files(ctx: BenchContext): string[] {
  return [ctx.city.orgsFile, ...ctx.city.meetingFiles];
}

const suite: BenchSuite = {
  id: 'postgres',
  title: 'PostgreSQL: import, check and the daily cycle',
  order: 60,
  needs: ['city'],
  method: `
Runs on the machine's PostgreSQL (\`ORGLIFE_BENCH_PG_URL\`, default \`postgres://postgres@127.0.0.1:5432/postgres\`),
a database per step created and dropped by the suite.

**Import.** Measured: \`ORGLIFE_DB=postgres://… orglife import orgs.csv meetings-*.csv\` into a fresh database (the
CLI as users run it, start-up included; migrations applied at open). Floor: a plain \`COPY … FROM STDIN (FORMAT csv,
HEADER)\` of the same files into unindexed tables of text columns, through pg-copy-streams, in one process.
Target: import rate ≥ 40% of the COPY rate; peak RSS < 1 GiB.

**Check.** Measured: \`orglife check --json --at NOW\` on the imported database. Floor: one aggregate over the meetings
of the window the default rules read, all rows fetched into JavaScript:

\`\`\`sql
${PG_FLOOR_SQL}
\`\`\`

Target: check ≤ 2× the aggregate, and < 30 s at 250,000 branches.

**Daily cycle.** Measured: on a copy of the imported database (\`CREATE DATABASE … TEMPLATE\`), the evaluate tick as of
the city's now (rules, reconcile per chunk, plan digests and deliveries) and the drainer enqueueing every planned
delivery into Redis, in one process; seconds and peak RSS (worker threads included). Target (issue 14 item 2): under 5 s
at 20,000 branches and 60 s at 250,000; peak RSS < 1 GiB.

**Later-day cycle.** On another copy: day 1's cycle (untimed), every delivery it planned marked sent at its not-before
time, then the cycle of ${laterDay('2026-11-28')} (three days on from the city's 2026-11-28: the first repeat day, so
the open alerts are told again) timed — a database where open alerts, their events and a history of sent deliveries
already exist, where a read that grows with the history rather than the chunk or the day shows. Same targets.`,
  steps: [
    { id: 'copy', title: 'plain COPY of the same files into unindexed tables', run: copyFloor },
    { id: 'import', title: 'orglife import into PostgreSQL', run: importPg },
    { id: 'aggregate', title: 'one SQL aggregate over the meetings table', run: aggregateFloor },
    { id: 'check', title: 'orglife check --json on PostgreSQL', run: checkPg },
    { id: 'cycle', title: 'the daily cycle on PostgreSQL', run: cyclePg },
    { id: 'cycle-later', title: 'a later day\'s cycle on PostgreSQL (after day 1 was sent)', run: laterCyclePg },
  ],
  figures(o, { size, city }) {
    const out: Figure[] = [];
    const rows = city.counts.orgs + city.counts.meetings;
    const c = o.copy;
    const i = o.import;
    if (i?.metrics.reused) {
      out.push({ label: 'import (PostgreSQL)', value: 0, unit: 's', verdict: 'INFO', detail: 'not timed: the completed import of an earlier run reused (ORGLIFE_BENCH_PG_REUSE=1)' });
    } else if (i) {
      const rate = rows / i.metrics.seconds!;
      out.push(c ? rateVsFloor('import rate (PostgreSQL)', rate, 'rows/s', { label: 'COPY', value: c.metrics.rows! / c.metrics.seconds! }, 0.4) : info('import rate (PostgreSQL)', rate, 'rows/s', 'floor failed'));
      out.push(info('import time (wall)', i.metrics.seconds!, 's', `${rows.toLocaleString('en-US')} rows; CLI start-up ${i.metrics.startupSeconds!.toFixed(2)} s`));
      out.push(rssUnder('import peak RSS', i.rssBytes, GiB));
      out.push({
        label: 'meetings stored', value: i.metrics.meetingsStored!, unit: 'rows', target: `= ${city.counts.meetings} generated`,
        verdict: i.metrics.meetingsStored === city.counts.meetings ? 'PASS' : 'MISS',
      });
    } else if (c) out.push(info('COPY rate', c.metrics.rows! / c.metrics.seconds!, 'rows/s'));
    const a = o.aggregate;
    const k = o.check;
    if (k) {
      const limit = size >= 250_000 ? 30 : undefined;
      out.push(a ? timeVsFloor('check time (PostgreSQL, wall)', k.metrics.seconds!, { label: 'SQL aggregate', value: a.metrics.seconds! }, 2, limit) : info('check time (PostgreSQL, wall)', k.metrics.seconds!, 's', 'floor failed'));
      out.push(info('check CPU time of the CLI', k.metrics.cpuSeconds!, 'CPU-s', `start-up ${k.metrics.startupSeconds!.toFixed(2)} s wall`));
      out.push(rssUnder('check peak RSS', k.rssBytes, 512 * 2 ** 20));
      const got = LEVELS.map((l) => k.metrics[l] ?? 0);
      const want = LEVELS.map((l) => city.expected[l]);
      const same = got.every((n, idx) => n === want[idx]);
      out.push({ label: 'findings', value: k.metrics.findings!, unit: '', target: `= generator (${want.join('/')} r/w/e)`, verdict: same ? 'PASS' : 'MISS', detail: same ? 'match by level' : `got ${got.join('/')}` });
    }
    const y = o.cycle;
    if (y) {
      out.push(cycleFigure(`daily cycle (PostgreSQL, ${size.toLocaleString('en-US')} branches)`, y, size));
      out.push(rssUnder('daily cycle peak RSS (PostgreSQL)', y.rssBytes, GiB));
    }
    const z = o['cycle-later'];
    if (z) {
      out.push(cycleFigure(`later-day cycle (PostgreSQL, ${size.toLocaleString('en-US')} branches)`, z, size));
      out.push(rssUnder('later-day cycle peak RSS (PostgreSQL, both days)', z.rssBytes, GiB));
    }
    return out;
  },
};
export default suite;

async function copyFloor(ctx: BenchContext): Promise<StepResult> {
  const name = `orglife_bench_copy_${ctx.size}_${process.pid}`;
  await freshDb(name);
  const client = new pg.Client({ connectionString: urlOf(name) });
  await client.connect();
  try {
    warmFiles(files(ctx));
    const started = performance.now();
    const cpu = cpuMsSelf();
    let rows = 0;
    for (const [n, file] of files(ctx).entries()) {
      const header = readFileSync(file, 'utf8').slice(0, 4096).split(/\r?\n/)[0]!.replace(/^\ufeff/, '').split(',');
      await client.query(`CREATE UNLOGGED TABLE IF NOT EXISTS t${n} (${header.map((_, i) => `c${i} text`).join(', ')})`);
      const stream = client.query(copyStreams.from(`COPY t${n} FROM STDIN (FORMAT csv, HEADER true)`));
      await pipeline(createReadStream(file), stream);
      rows += Number(stream.rowCount);
    }
    return { metrics: { seconds: (performance.now() - started) / 1000, cpuSeconds: (cpuMsSelf() - cpu) / 1000, rows } };
  } finally {
    await client.end();
    await dropDb(name);
  }
}

/** Whether the city's database exists with every generated meeting in it (a completed import). */
async function importedComplete(ctx: BenchContext): Promise<boolean> {
  const name = cityDb(ctx);
  const exists = await admin(async (c) => (await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1);
  if (!exists) return false;
  try {
    return await withDb(name, async (c) => Number((await c.query('SELECT count(*) AS n FROM meetings')).rows[0].n) === ctx.city.counts.meetings);
  } catch {
    return false;
  }
}

async function importPg(ctx: BenchContext): Promise<StepResult> {
  const name = cityDb(ctx);
  // ORGLIFE_BENCH_PG_REUSE=1: keep a completed import of the city (another session's steps may be using it; 6 min at 250,000).
  if (process.env.ORGLIFE_BENCH_PG_REUSE === '1' && (await importedComplete(ctx))) {
    return { metrics: { reused: 1, meetingsStored: ctx.city.counts.meetings }, notes: [`reused the completed import in ${name} (ORGLIFE_BENCH_PG_REUSE=1): import not timed`] };
  }
  await freshDb(name);
  const startup = await orglifeStartup('import');
  warmFiles(files(ctx));
  const run = await runOrglife(['import', ...files(ctx)], { env: { ORGLIFE_DB: urlOf(name) } });
  if (run.code !== 0) throw new Error(`orglife import (PostgreSQL) exited with ${run.code}: ${run.stderr.slice(0, 1500)}`);
  const stored = await withDb(name, async (c) => Number((await c.query('SELECT count(*) AS n FROM meetings')).rows[0].n));
  return {
    metrics: { seconds: run.wallMs / 1000, cpuSeconds: run.cpuMs / 1000, startupSeconds: startup.wallMs / 1000, meetingsStored: stored },
    peakRssBytes: run.peakRssBytes,
  };
}

async function withDb<T>(name: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: urlOf(name) });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

async function aggregateFloor(ctx: BenchContext): Promise<StepResult> {
  const now = parseTimestamp(ctx.now)!;
  const from = shanghaiMidnight(shanghaiParts(now).year - 1, 1, 1);
  return withDb(cityDb(ctx), async (c) => {
    await c.query(PG_FLOOR_SQL, [from, now]); // untimed: the table in the buffer cache, as for the check
    const started = performance.now();
    const r = await c.query({ text: PG_FLOOR_SQL, values: [from, now], rowMode: 'array' });
    const seconds = (performance.now() - started) / 1000;
    const plan = (await c.query(`EXPLAIN ${PG_FLOOR_SQL}`, [from, now])).rows.map((x) => x['QUERY PLAN']).join('; ');
    return { metrics: { seconds, groups: r.rows.length }, notes: [`aggregate plan: ${plan.slice(0, 300)}`] };
  });
}

async function checkPg(ctx: BenchContext): Promise<StepResult> {
  const startup = await orglifeStartup('check');
  const out = `${ctx.scratchDir}/findings.ndjson`;
  const run = await runOrglife(['check', '--json', '--at', ctx.now], { stdoutFile: out, env: { ORGLIFE_DB: urlOf(cityDb(ctx)) } });
  if (run.code !== 0) throw new Error(`orglife check (PostgreSQL) exited with ${run.code}: ${run.stderr.slice(0, 1500)}`);
  const metrics: Record<string, number> = { seconds: run.wallMs / 1000, cpuSeconds: run.cpuMs / 1000, startupSeconds: startup.wallMs / 1000, findings: 0 };
  for (const l of LEVELS) metrics[l] = 0;
  for (const line of readFileSync(out, 'utf8').split('\n')) {
    if (!line) continue;
    const f = JSON.parse(line) as { level: string };
    metrics.findings!++;
    metrics[f.level] = (metrics[f.level] ?? 0) + 1;
  }
  return { metrics, peakRssBytes: run.peakRssBytes };
}

async function cyclePg(ctx: BenchContext): Promise<StepResult> {
  return onCopy(ctx, (url) => dailyCycle(url, ctx.now));
}

async function laterCyclePg(ctx: BenchContext): Promise<StepResult> {
  return onCopy(ctx, (url) => laterDayCycle(url, ctx.now));
}

/** `fn` on a TEMPLATE copy of the imported city, dropped afterwards. */
async function onCopy(ctx: BenchContext, fn: (url: string) => Promise<StepResult>): Promise<StepResult> {
  const name = `orglife_bench_cycle_${ctx.size}_${process.pid}`;
  await freshDb(name, cityDb(ctx));
  try {
    return await fn(urlOf(name));
  } finally {
    await dropDb(name);
  }
}
