/**
 * Report speed: health-check reports for every branch of the city, written to files
 * (`orglife report --all --period P --out DIR`: compute, committee summaries, rendering of every
 * HTML report, the XLSX ranking), for a month and for a year. Beside it the floor: one plain
 * SQL aggregate over the same period's meetings.
 */
import Database from 'better-sqlite3';
import pg from 'pg';
import { copyFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parsePeriod, parseTimestamp, periodOf, previousPeriod, type Period } from '../../src/domain/calendar.js';
import { GiB, info, rssUnder, timeVsFloor } from '../lib/figures.js';
import { orglifeStartupMs, runOrglife } from '../lib/measure.js';
import type { BenchContext, BenchSuite, Figure, StepResult } from '../lib/types.js';

const FLOOR_SQL = `SELECT org_id, type, count(*) AS n, sum(attended * 2 > expected) AS quorate, sum(minutes = 0) AS no_minutes
FROM meetings WHERE held_at >= ? AND held_at < ? GROUP BY org_id, type`;

/** The last completed month and year before the city's now. */
function periodsOf(ctx: BenchContext): { month: Period; year: Period } {
  const now = parseTimestamp(ctx.now)!;
  return { month: previousPeriod(periodOf('month', now)), year: previousPeriod(periodOf('year', now)) };
}

/** Issue 14: monthly reports for every branch and committee of a province (250,000) within 10 min; yearly for 20,000 within 30 s. */
function limitOf(kind: 'month' | 'year', size: number): number | undefined {
  if (kind === 'month') return size >= 250_000 ? 600 : undefined;
  return size <= 20_000 ? 30 : undefined;
}

const suite: BenchSuite = {
  id: 'reports',
  title: 'health-check reports for all branches',
  order: 40,
  needs: ['city', 'db'],
  method: `
**Measured:** \`orglife report --all --period P --out DIR --at NOW\` (the CLI as admins run it, start-up
included) on a copy of the database the import suite produced: for P = the last completed month and the
last completed year before the city's now. It computes every branch's report (rules per branch as of the
period end + grace, scores, ranks, problems) and the previous period's (for rank changes), every committee
summary, renders one HTML file per branch and committee, and writes the XLSX ranking. Wall time and the
CLI's peak RSS. The reports are streamed (src/reports/stream.ts): a first pass of headline scores for the
ranks, then full reports a chunk of 2,000 branches at a time, written and dropped. The year is also run on
PostgreSQL: the imported city copied (untimed) with \`orglife db copy\` into a fresh database on
ORGLIFE_BENCH_PG_URL (default the machine's PostgreSQL). Yearly runs only up to 20,000 branches.

**Floor:** one plain aggregate over the meetings of the period (all rows fetched into JavaScript), per period:

\`\`\`sql
${FLOOR_SQL}
\`\`\`

**Target (issue 14):** monthly reports for all 250,000 branches and their committees under 10 minutes; yearly reports
for 20,000 branches under 30 s; under 1 GiB peak RSS each. (Quarterly reports were measured until 2026-12-01.)`,
  steps: [
    { id: 'floor-month', title: 'SQL aggregate over the month', run: (ctx) => floor(ctx, periodsOf(ctx).month) },
    { id: 'month', title: 'orglife report --all (month)', run: (ctx) => reports(ctx, periodsOf(ctx).month) },
    { id: 'floor-year', title: 'SQL aggregate over the year', run: (ctx) => floor(ctx, periodsOf(ctx).year) },
    { id: 'year', title: 'orglife report --all (year)', run: (ctx) => (ctx.size > YEAR_MAX ? skipped(ctx) : reports(ctx, periodsOf(ctx).year)) },
    { id: 'year-pg', title: 'orglife report --all (year, PostgreSQL)', run: (ctx) => (ctx.size > YEAR_MAX ? skipped(ctx) : reportsOnPg(ctx, periodsOf(ctx).year)) },
  ],
  figures(o, { size }) {
    const out: Figure[] = [];
    for (const step of ['month', 'year', 'year-pg'] as const) {
      const kind = step === 'month' ? 'month' : 'year';
      const r = o[step];
      const f = o[`floor-${kind}`];
      if (!r || r.metrics.seconds === undefined) continue;
      const limit = limitOf(kind, size);
      const label = `reports (${step === 'year-pg' ? 'year, PostgreSQL' : kind}) time`;
      if (f) out.push(timeVsFloor(label, r.metrics.seconds!, { label: 'SQL aggregate', value: f.metrics.seconds! }, 100, limit));
      else out.push(info(label, r.metrics.seconds!, 's'));
      const name = step === 'year-pg' ? 'year, PostgreSQL' : kind;
      out.push(rssUnder(`reports (${name}) peak RSS`, r.rssBytes, GiB));
      out.push(info(`reports (${name}) files`, r.metrics.files!, '', `${r.metrics.megabytes!.toFixed(0)} MB written`));
    }
    return out;
  },
};
export default suite;

/** Yearly reports are measured up to this size (the target is at 20,000; a province's year would take hours here). */
const YEAR_MAX = 20_000;

async function skipped(ctx: BenchContext): Promise<StepResult> {
  return { metrics: {}, notes: [`not measured above ${YEAR_MAX.toLocaleString('en-US')} branches (size ${ctx.size.toLocaleString('en-US')})`] };
}

const PG_ADMIN_URL = process.env.ORGLIFE_BENCH_PG_URL || 'postgres://postgres@127.0.0.1:5432/postgres';

/** The same run on PostgreSQL: the imported city copied (untimed) with `orglife db copy` into a fresh database, dropped afterwards. */
async function reportsOnPg(ctx: BenchContext, p: Period): Promise<StepResult> {
  const name = `orglife_bench_reports_${ctx.size}_${ctx.seed}`;
  const admin = async (sql: string) => {
    const c = new pg.Client({ connectionString: PG_ADMIN_URL });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin(`CREATE DATABASE "${name}"`);
  try {
    const copied = performance.now();
    const copy = await runOrglife(['db', 'copy', '--from', ctx.dbPath!, '--to', url.toString()]);
    if (copy.code !== 0) throw new Error(`orglife db copy exited with ${copy.code}: ${copy.stderr.slice(0, 1500)}`);
    const copySeconds = (performance.now() - copied) / 1000;
    const r = await reports(ctx, p, url.toString());
    r.notes = [...(r.notes ?? []), `PostgreSQL: copied with orglife db copy in ${copySeconds.toFixed(0)} s (untimed)`];
    return r;
  } finally {
    await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  }
}

async function floor(ctx: BenchContext, p: Period): Promise<StepResult> {
  const db = new Database(ctx.dbPath!, { readonly: true, fileMustExist: true });
  db.pragma('cache_size = -65536');
  const started = performance.now();
  let records = 0;
  for (const r of db.prepare(FLOOR_SQL).raw().iterate(p.start, p.end) as Iterable<[number, string, number]>) records += r[2];
  const seconds = (performance.now() - started) / 1000;
  db.close();
  return { metrics: { seconds, records }, notes: [`${p.label}: ${records.toLocaleString('en-US')} records`] };
}

async function reports(ctx: BenchContext, p: Period, pgUrl?: string): Promise<StepResult> {
  // The fixture database is shared and read-only: work on a copy.
  const dbPath = pgUrl ?? join(ctx.scratchDir, 'orglife.db');
  if (!pgUrl) copyFileSync(ctx.dbPath!, dbPath);
  const outDir = join(ctx.scratchDir, 'out');
  const startup = await orglifeStartupMs();
  const run = await runOrglife(['report', '--all', '--period', p.label, '--out', outDir, '--at', ctx.now], {
    stdoutFile: join(ctx.scratchDir, 'stdout.txt'),
    env: { ORGLIFE_DB: dbPath },
  });
  if (run.code !== 0) throw new Error(`orglife report exited with ${run.code}: ${run.stderr.slice(0, 1500)}`);
  let files = 0;
  let bytes = 0;
  for (const sub of ['branches', 'committees']) {
    for (const name of readdirSync(join(outDir, sub))) {
      files++;
      bytes += statSync(join(outDir, sub, name)).size;
    }
  }
  if (!parsePeriod(p.label)) throw new Error(`bad period ${p.label}`);
  return {
    metrics: { seconds: run.wallMs / 1000, startupSeconds: startup / 1000, files, megabytes: bytes / 2 ** 20 },
    peakRssBytes: run.peakRssBytes,
    notes: [`${p.label}: ${files} files`],
  };
}
