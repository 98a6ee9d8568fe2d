/**
 * Report speed: health-check reports for every branch of the city, written to files
 * (`orglife report --all --period P --out DIR`: compute, committee summaries, rendering of every
 * HTML report, the XLSX ranking), for a month and for a year. Beside it the floor: one plain
 * SQL aggregate over the same period's meetings.
 */
import Database from 'better-sqlite3';
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
CLI's peak RSS.

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
    { id: 'year', title: 'orglife report --all (year)', run: (ctx) => reports(ctx, periodsOf(ctx).year) },
  ],
  figures(o, { size }) {
    const out: Figure[] = [];
    for (const kind of ['month', 'year'] as const) {
      const r = o[kind];
      const f = o[`floor-${kind}`];
      if (!r) continue;
      const limit = limitOf(kind, size);
      const label = `reports (${kind}) time`;
      if (f) out.push(timeVsFloor(label, r.metrics.seconds!, { label: 'SQL aggregate', value: f.metrics.seconds! }, 100, limit));
      else out.push(info(label, r.metrics.seconds!, 's'));
      out.push(rssUnder(`reports (${kind}) peak RSS`, r.rssBytes, GiB));
      out.push(info(`reports (${kind}) files`, r.metrics.files!, '', `${r.metrics.megabytes!.toFixed(0)} MB written`));
    }
    return out;
  },
};
export default suite;

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

async function reports(ctx: BenchContext, p: Period): Promise<StepResult> {
  // The fixture database is shared and read-only: work on a copy.
  const dbPath = join(ctx.scratchDir, 'orglife.db');
  copyFileSync(ctx.dbPath!, dbPath);
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
