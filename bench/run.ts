/**
 * `npm run bench [-- --sizes 1000,20000 --suites import,check --seed 42 --years 5 --no-write --fresh]`
 *
 * Finds the suites in bench/suites/, prepares their fixtures (generated city, imported database;
 * cached in bench/.data/), runs every step in its own child process, prints a table per suite and
 * size, records the figures in bench/results.json and regenerates BENCHMARKS.md.
 */
import { execFileSync, fork } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { distIsCurrent } from '../bin/dist-current.js'; // the launcher's own test of dist/
import type { ChildReply, ChildRequest } from './lib/child.js';
import { BENCH_NOW, DATA_DIR, DEFAULT_YEARS, adoptDb, cityDir, dbFixturePath, ensureCity, ensureDb } from './lib/fixtures.js';
import { REPO_ROOT } from './lib/measure.js';
import {
  formatTable, gitRevision, machine, readResults, recordResult, stepsOf, writeBenchmarksMd, writeResults,
} from './lib/report.js';
import type { BenchContext, BenchSuite, StepOutcome } from './lib/types.js';
import { closeDb, openDb } from '../src/store/sqlite/db.js';

const SUITES_DIR = join(REPO_ROOT, 'bench/suites');
const CHILD = join(REPO_ROOT, 'bench/lib/child.ts');

const USAGE = `npm run bench [-- options]

Times orglife on generated cities (bench/.data caches them) and records each figure beside its floor
in bench/results.json and BENCHMARKS.md.

  --sizes N,N,...   branches per city (default 1000,20000,250000; 250,000 takes hours to generate)
  --suites a,b      only these suites (--list shows them)
  --seed N          the generator's seed (default 42)
  --years N         years of records in the city, 1-20 (default ${DEFAULT_YEARS}; another N is its own fixture and row)
  --no-write        print the tables only; leave results.json and BENCHMARKS.md alone
  --fresh           regenerate the cached fixtures
  --list            list the suites and their steps
  --render          only rewrite BENCHMARKS.md from bench/results.json (after merging results)
  --help            this text
`;

const OPTIONS = {
  sizes: { type: 'string', default: '1000,20000,250000' },
  suites: { type: 'string' },
  seed: { type: 'string', default: '42' },
  /** Years of records in the generated city (default 2); a longer history is a separate fixture and result row. */
  years: { type: 'string', default: String(DEFAULT_YEARS) },
  'no-write': { type: 'boolean', default: false },
  fresh: { type: 'boolean', default: false },
  list: { type: 'boolean', default: false },
  render: { type: 'boolean', default: false },
  help: { type: 'boolean', default: false },
} as const;

let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS }>>;
try {
  parsed = parseArgs({ options: OPTIONS });
} catch (e) {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n\n${USAGE}`);
  process.exit(2);
}
const { values } = parsed;
if (values.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}

const log = (s: string) => process.stderr.write(`[bench] ${s}\n`);
const seed = Number(values.seed);
const years = Number(values.years);
if (!Number.isInteger(years) || years < 1 || years > 20) throw new Error(`--years: 1–20: ${values.years}`);
/** Results of a longer-history city are kept apart: 'check (5 years)'. */
const suiteKey = (id: string) => (years === DEFAULT_YEARS ? id : `${id} (${years} years)`);
const sizes = values.sizes.split(',').map((s) => Number(s.trim().replaceAll('_', '')));
if (sizes.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`--sizes: positive integers, comma-separated: ${values.sizes}`);

const all = await loadSuites();
if (values.list) {
  for (const s of all) process.stdout.write(`${s.suite.id}\t${s.suite.title}\t(steps: ${s.suite.steps.map((x) => x.id).join(', ')})\n`);
  process.exit(0);
}
if (values.render) {
  writeBenchmarksMd(readResults(), all.map((s) => s.suite));
  log('rewrote BENCHMARKS.md from bench/results.json');
  process.exit(0);
}
const wanted = values.suites?.split(',').map((s) => s.trim());
const unknown = wanted?.filter((w) => !all.some((s) => s.suite.id === w)) ?? [];
if (unknown.length) throw new Error(`unknown suite(s): ${unknown.join(', ')}; known: ${all.map((s) => s.suite.id).join(', ')}`);
const suites = all.filter((s) => !wanted || wanted.includes(s.suite.id));

// Fail fast when the schema itself does not build (another engineer's migration in progress, say).
try {
  closeDb(openDb(':memory:'));
} catch (e) {
  log(`the database schema does not build, nothing measured: ${(e as Error).message.split('\n')[0]}`);
  process.exit(1);
}

// The CLI steps run `bin/orglife.js`, which runs dist/ only while it is newer than every file under
// src/ and otherwise compiles the sources with tsx at every start (~1 s more per command): a bench run
// after an edit would time the compiler. Build first, as `npm ci` would have.
if (!distIsCurrent()) {
  log('dist/ is older than src/ (or missing): building it first (npm run build)');
  execFileSync(process.execPath, [join(REPO_ROOT, 'scripts/build.mjs')], { cwd: REPO_ROOT, stdio: 'inherit' });
}

const sqliteVersion = (new Database(':memory:').prepare('select sqlite_version() as v').get() as { v: string }).v;
const host = machine(sqliteVersion);
const revision = gitRevision();
let failures = 0;

for (const size of sizes) {
  if (values.fresh) {
    rmSync(cityDir(size, seed, years), { recursive: true, force: true });
    rmSync(dbFixturePath(size, seed, years), { force: true });
  }
  const city = await ensureCity(size, seed, log, years);
  for (const { suite, file } of suites) {
    let dbPath: string | undefined;
    const outcomes: Record<string, StepOutcome> = {};
    const notes: string[] = [];
    for (const step of suite.steps) {
      if (suite.needs?.includes('db') && !dbPath) {
        try {
          dbPath = await ensureDb(city, size, seed, log, years);
        } catch (e) {
          notes.push(`fixture db unavailable: ${(e as Error).message.split('\n')[0]}`);
          break;
        }
      }
      mkdirSync(join(DATA_DIR, 'scratch'), { recursive: true });
      const scratchDir = mkdtempSync(join(DATA_DIR, 'scratch', `${suite.id}-${step.id}-${size}-`));
      const ctx: BenchContext = { size, seed, now: BENCH_NOW, repoRoot: REPO_ROOT, city, dbPath, scratchDir };
      log(`${size}: ${suite.id}/${step.id} — ${step.title}`);
      const loadBefore = loadavg()[0]!;
      const outcome = await runStep(file, step.id, ctx);
      // Other work on the machine skews timings: keep the load average beside every step.
      outcome.metrics.loadavg1 = Math.max(loadBefore, loadavg()[0]!);
      log(`  ${(outcome.wallMs / 1000).toFixed(1)} s, peak RSS ${Math.round(outcome.rssBytes / 2 ** 20)} MiB${outcome.error ? `, FAILED: ${outcome.error.split('\n')[0]}` : ''}`);
      if (outcome.error) {
        failures++;
        notes.push(`${step.id} failed: ${outcome.error.split('\n')[0]}`);
      } else {
        outcomes[step.id] = outcome;
        if (outcome.provides?.db && adoptDb(size, seed, outcome.provides.db, years)) log(`  kept its database as the db fixture`);
      }
      for (const n of outcome.notes ?? []) notes.push(`${step.id}: ${n}`);
      rmSync(scratchDir, { recursive: true, force: true });
    }
    const figures = suite.figures(outcomes, { size, city });
    process.stdout.write(formatTable(suiteKey(suite.id), size, figures, notes) + '\n');
    const steps = stepsOf(outcomes);
    for (const step of suite.steps) if (!outcomes[step.id]) steps[step.id] = { wallMs: 0, rssBytes: 0, metrics: {}, error: notes.find((n) => n.startsWith(step.id)) ?? 'not run' };
    const failed = suite.steps.some((st) => !outcomes[st.id]);
    // Re-read before every write: other people's bench runs may have recorded their suites meanwhile.
    const results = readResults();
    const previous = results.entries[`${suiteKey(suite.id)}@${size}`];
    if (failed && previous?.figures.length) {
      // A broken tree (say, a migration in progress) must not wipe a good measurement.
      log(`${suiteKey(suite.id)}@${size}: not recorded (a step failed); keeping the measurement of ${previous.date.slice(0, 16)}`);
      continue;
    }
    recordResult(results, {
      suite: suiteKey(suite.id), size, seed, date: new Date().toISOString(), revision, machine: host,
      city: { orgs: city.counts.orgs, branches: city.counts.branches, meetings: city.counts.meetings },
      figures, steps,
    });
    if (!values['no-write']) writeResults(results);
  }
}
if (!values['no-write']) {
  writeBenchmarksMd(readResults(), all.map((s) => s.suite));
  log('updated bench/results.json and BENCHMARKS.md');
}
process.exit(failures ? 1 : 0);

/** Every bench/suites/*.ts, ordered. */
async function loadSuites(): Promise<{ suite: BenchSuite; file: string }[]> {
  const files = readdirSync(SUITES_DIR).filter((f) => f.endsWith('.ts')).map((f) => join(SUITES_DIR, f));
  const loaded = await Promise.all(
    files.map(async (file) => ({ suite: (await import(pathToFileURL(file).href)).default as BenchSuite, file })),
  );
  for (const l of loaded) if (!l.suite?.id || !Array.isArray(l.suite.steps)) throw new Error(`${l.file} does not default-export a BenchSuite`);
  return loaded.sort((a, b) => (a.suite.order ?? 50) - (b.suite.order ?? 50) || a.suite.id.localeCompare(b.suite.id));
}

/** Run one step in a fresh child process. */
function runStep(suiteFile: string, stepId: string, ctx: BenchContext): Promise<StepOutcome> {
  const started = performance.now();
  return new Promise((done) => {
    const child = fork(CHILD, [], { execArgv: ['--import', 'tsx'], cwd: REPO_ROOT, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let reply: ChildReply | undefined;
    child.on('message', (m: ChildReply) => (reply = m));
    child.on('exit', (code, signal) => {
      const wallMs = performance.now() - started;
      if (!reply) {
        done({ metrics: {}, childPeakRssBytes: 0, rssBytes: 0, wallMs, error: `child exited with ${signal ?? code} before reporting` });
      } else if (!reply.ok) {
        done({ metrics: {}, childPeakRssBytes: reply.childPeakRssBytes, rssBytes: reply.childPeakRssBytes, wallMs, error: reply.error });
      } else {
        const r = reply.result;
        done({ ...r, childPeakRssBytes: reply.childPeakRssBytes, rssBytes: r.peakRssBytes ?? reply.childPeakRssBytes, wallMs });
      }
    });
    child.send({ suiteFile, stepId, ctx } satisfies ChildRequest);
  });
}

