/**
 * Import speed: `orglife import` of the generated city (orgs.csv + meeting files) into a fresh
 * database, beside the raw floor: a plain better-sqlite3 prepared-insert loop over the same files
 * into an identical fresh database (same migrations, so the same tables and indexes).
 */
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseTimestamp } from '../../src/domain/calendar.js';
import { closeDb, openDb } from '../../src/store/sqlite/db.js';
import { GiB, info, rateVsFloor, rssUnder } from '../lib/figures.js';
import { forEachDataLine } from '../lib/lines.js';
import { cpuMsSelf, orglifeStartup, runOrglife, warmFiles } from '../lib/measure.js';
import type { BenchContext, BenchSuite, Figure, StepResult } from '../lib/types.js';

const BATCH = 100_000;

const suite: BenchSuite = {
  id: 'import',
  title: 'import rows per second',
  order: 10,
  needs: ['city'],
  method: `
**Measured:** \`orglife import orgs.csv meetings-0001.csv …\` (the CLI as users run it, through \`bin/orglife.js\`,
so node + tsx start-up is included; the rate net of start-up, measured as the quicker of two \`orglife import --help\`
runs, is shown too) into a fresh SQLite file; rate = (org rows + meeting rows) / wall time.
Peak RSS is the CLI process's own (\`process.resourceUsage().maxRSS\`, via a preloaded probe).
After the import the number of stored meetings is compared with the number generated.

**Floor:** in one child process, a fresh database opened with the project's \`openDb\` (same migrations: same
\`meetings\` table, same \`meetings_record_id\` unique index and \`meetings_org_type_held\` index, same pragmas),
then a plain loop over the same files: read 8 MiB chunks, split lines and commas (no quoting, no validation),
insert the orgs, map org code → id with a Map, parse \`held_at\` with the project's \`parseTimestamp\`, and
run one prepared \`INSERT INTO meetings …\` per row, committing every ${BATCH.toLocaleString('en-US')} rows.
It does none of the importer's work beyond that (no encoding detection, header aliases, value checks,
duplicate detection, upsert or audit row).

Both steps first read the input files once, untimed, so both find them in the OS page cache.

**Target:** import rate ≥ 50% of the floor's; import peak RSS < 1 GiB.`,
  steps: [
    { id: 'floor', title: 'plain prepared-insert loop over the same files', run: floor },
    { id: 'import', title: 'orglife import of the generated files', run: importCli },
  ],
  figures(o, { city }) {
    const rows = city.counts.orgs + city.counts.meetings;
    const out: Figure[] = [];
    const f = o.floor;
    const i = o.import;
    const floorRate = f ? f.metrics.rows! / f.metrics.seconds! : 0;
    if (i) {
      const rate = rows / i.metrics.seconds!;
      out.push(f ? rateVsFloor('import rate', rate, 'rows/s', { label: 'insert loop', value: floorRate }, 0.5) : info('import rate', rate, 'rows/s', 'floor failed'));
      out.push(info('import time (wall)', i.metrics.seconds!, 's', `${rows.toLocaleString('en-US')} rows`, f ? { label: 'insert loop', value: f.metrics.seconds! } : undefined));
      const net = i.metrics.seconds! - i.metrics.startupSeconds!;
      out.push(info('import rate net of start-up', rows / net, 'rows/s', `CLI start-up ${i.metrics.startupSeconds!.toFixed(2)} s`, f ? { label: 'insert loop', value: floorRate } : undefined));
      if (f && i.metrics.cpuSeconds && f.metrics.cpuSeconds) {
        const cpu = i.metrics.cpuSeconds - (i.metrics.startupCpuSeconds ?? 0);
        out.push(
          info('import rate by CPU time, net of start-up', rows / cpu, 'rows/CPU-s', `${((f.metrics.cpuSeconds / cpu) * 100).toFixed(0)}% of floor; barely moved by other load`, {
            label: 'insert loop',
            value: f.metrics.rows! / f.metrics.cpuSeconds,
          }),
        );
      }
      out.push(rssUnder('import peak RSS', i.rssBytes, GiB));
      const stored = i.metrics.meetingsStored!;
      out.push({
        label: 'meetings stored', value: stored, unit: 'rows', target: `= ${city.counts.meetings} generated`,
        verdict: stored === city.counts.meetings ? 'PASS' : 'MISS',
        detail: stored === city.counts.meetings ? 'all records stored' : `${city.counts.meetings - stored} missing`,
      });
    }
    if (f) {
      if (!i) out.push(info('floor rate', floorRate, 'rows/s'));
      out.push(info('floor peak RSS', f.rssBytes / 2 ** 20, 'MiB'));
    }
    return out;
  },
};
export default suite;

async function importCli(ctx: BenchContext): Promise<StepResult> {
  const dbPath = join(ctx.scratchDir, 'import.db');
  const startup = await orglifeStartup('import');
  warmFiles([ctx.city.orgsFile, ...ctx.city.meetingFiles]);
  const run = await runOrglife(['import', ctx.city.orgsFile, ...ctx.city.meetingFiles], { env: { ORGLIFE_DB: dbPath } });
  if (run.code !== 0) throw new Error(`orglife import exited with ${run.code}: ${run.stderr.slice(0, 1500)}`);
  if (!existsSync(dbPath)) throw new Error(`orglife import exited 0 but wrote no database at ${dbPath}`);
  const db = new Database(dbPath, { readonly: true });
  const stored = (db.prepare('SELECT count(*) AS n FROM meetings').get() as { n: number }).n;
  db.close();
  return {
    metrics: {
      seconds: run.wallMs / 1000,
      cpuSeconds: run.cpuMs / 1000,
      startupSeconds: startup.wallMs / 1000,
      startupCpuSeconds: startup.cpuMs / 1000,
      meetingsStored: stored,
    },
    peakRssBytes: run.peakRssBytes,
    provides: { db: dbPath },
  };
}

async function floor(ctx: BenchContext): Promise<StepResult> {
  const path = join(ctx.scratchDir, 'floor.db');
  warmFiles([ctx.city.orgsFile, ...ctx.city.meetingFiles]);
  const db = openDb(path);
  const c = db.$client;
  const started = performance.now();
  const cpuStarted = cpuMsSelf();
  const insOrg = c.prepare(
    `INSERT INTO orgs (code, name, kind, parent, domain, members, groups, secretary, secretary_phone, secretary_email,
       clerk, clerk_phone, clerk_email, elected_on, term_years, established_on, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insMeeting = c.prepare(
    `INSERT INTO meetings (record_id, org_id, type, held_at, expected, attended, minutes, lecturer_role, topic)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const begin = c.prepare('BEGIN');
  const commit = c.prepare('COMMIT');
  let rows = 0;
  let inBatch = 0;
  const row = () => {
    rows++;
    if (++inBatch >= BATCH) {
      commit.run();
      begin.run();
      inBatch = 0;
    }
  };
  const now = Date.now();
  const ids = new Map<string, number>();
  begin.run();
  forEachDataLine(ctx.city.orgsFile, (line) => {
    const v = line.split(',').map((x) => (x === '' ? null : x));
    const info = insOrg.run(v[0], v[1], v[2], v[3], v[4], num(v[5]), num(v[6]) ?? 0, v[7], v[8], v[9], v[10], v[11], v[12], v[13], num(v[14]), v[15], now);
    ids.set(v[0]!, Number(info.lastInsertRowid));
    row();
  });
  for (const file of ctx.city.meetingFiles) {
    forEachDataLine(file, (line) => {
      const v = line.split(',');
      const heldAt = parseTimestamp(v[3]!);
      const minutes = v[6] === 'yes' ? 1 : v[6] === 'no' ? 0 : null;
      insMeeting.run(v[0], ids.get(v[1]!), v[2], heldAt, Number(v[4]), Number(v[5]), minutes, v[7] || null, v[8] || null);
      row();
    });
  }
  commit.run();
  closeDb(db); // inside the timing: closing checkpoints the WAL, as the CLI's exit does
  const seconds = (performance.now() - started) / 1000;
  return { metrics: { seconds, cpuSeconds: (cpuMsSelf() - cpuStarted) / 1000, rows } };
}

function num(s: string | null | undefined): number | null {
  return s === null || s === undefined || s === '' ? null : Number(s);
}
