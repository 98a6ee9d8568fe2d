/**
 * Cached fixtures under bench/.data/ (gitignored): the generated city per (size, seed), and a
 * database with that city imported by `orglife import`, keyed also by the schema's migrations so a
 * schema change re-imports. A fixture is complete when its marker exists (city.json for a city,
 * the final file name for a database), so an interrupted run resumes where it stopped.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { CityFilesInfo } from '../../src/synth/index.js';
import { closeDb, openDb } from '../../src/store/sqlite/db.js';
import { REPO_ROOT, runOrglife } from './measure.js';

export const DATA_DIR = join(REPO_ROOT, 'bench/.data');
/** The city's "now": a fixed instant, so cached cities and figures stay comparable between runs. */
export const BENCH_NOW = '2026-11-28';

/** Years of records the generator writes unless asked for more (its default). */
export const DEFAULT_YEARS = 2;

/** Fixture name suffix of a city with more years of history ('' for the default). */
const yearsTag = (years: number) => (years === DEFAULT_YEARS ? '' : `-y${years}`);

/** The folder of the city of `size` branches. */
export function cityDir(size: number, seed: number, years = DEFAULT_YEARS): string {
  return join(DATA_DIR, `city-${size}-s${seed}${yearsTag(years)}`);
}

/** The generated city, generating it (in a child process) when it is not cached. */
export async function ensureCity(size: number, seed: number, log: (s: string) => void, years = DEFAULT_YEARS): Promise<CityFilesInfo> {
  const dir = cityDir(size, seed, years);
  const marker = join(dir, 'city.json');
  if (existsSync(marker)) {
    const info = JSON.parse(readFileSync(marker, 'utf8')) as CityFilesInfo;
    if (info.options.now === BENCH_NOW && info.meetingFiles.every((f) => existsSync(f))) return info;
  }
  rmSync(dir, { recursive: true, force: true });
  log(`generating city of ${size} branches (seed ${seed}, ${years} years) → ${dir}`);
  const started = performance.now();
  await spawnChecked(process.execPath, [
    '--import', 'tsx', join(REPO_ROOT, 'bench/generate-city.ts'),
    '--branches', String(size), '--seed', String(seed), '--now', BENCH_NOW, '--years', String(years), '--out', dir, '--quiet',
  ]);
  log(`  generated in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return JSON.parse(readFileSync(marker, 'utf8')) as CityFilesInfo;
}

/** Short hash of the migrations journal: a new migration changes it. */
export function schemaKey(): string {
  const journal = readFileSync(join(REPO_ROOT, 'src/store/sqlite/migrations/meta/_journal.json'));
  return createHash('sha256').update(journal).digest('hex').slice(0, 8);
}

/** Path of the imported-database fixture of a city. */
export function dbFixturePath(size: number, seed: number, years = DEFAULT_YEARS): string {
  return join(DATA_DIR, `db-${size}-s${seed}${yearsTag(years)}-${schemaKey()}.db`);
}

/** Adopt a database a step produced as the fixture, if there is none yet. Returns true if adopted. */
export function adoptDb(size: number, seed: number, path: string, years = DEFAULT_YEARS): boolean {
  const target = dbFixturePath(size, seed, years);
  if (existsSync(target) || !existsSync(path)) return false;
  for (const suffix of ['-wal', '-shm']) if (existsSync(path + suffix)) renameSync(path + suffix, target + suffix);
  renameSync(path, target);
  removeStaleDbs(size, seed, target, years);
  return true;
}

/** The imported-database fixture, importing the city with `orglife import` when it is not cached. */
export async function ensureDb(city: CityFilesInfo, size: number, seed: number, log: (s: string) => void, years = DEFAULT_YEARS): Promise<string> {
  const target = dbFixturePath(size, seed, years);
  if (existsSync(target)) return target;
  mkdirSync(DATA_DIR, { recursive: true });
  if (migrateStaleDb(size, seed, years, target, log)) return target;
  const tmp = `${target}.partial`;
  for (const suffix of ['', '-wal', '-shm']) rmSync(tmp + suffix, { force: true });
  log(`importing city of ${size} branches into ${target}`);
  const run = await runOrglife(['import', city.orgsFile, ...city.meetingFiles], { env: { ORGLIFE_DB: tmp } });
  if (run.code !== 0) throw new Error(`orglife import failed (exit ${run.code}): ${run.stderr.slice(0, 2000)}`);
  if (!existsSync(tmp)) throw new Error(`orglife import exited 0 but wrote no database at ${tmp}`);
  for (const suffix of ['-wal', '-shm']) if (existsSync(tmp + suffix)) renameSync(tmp + suffix, target + suffix);
  renameSync(tmp, target);
  removeStaleDbs(size, seed, target, years);
  log(`  imported in ${(run.wallMs / 1000).toFixed(1)} s`);
  return target;
}

/**
 * A fixture of an older schema is brought forward by the project's own migrations (what a user's
 * database goes through on upgrade) instead of re-importing the city: 250,000 branches take many
 * minutes to import, and a new migration lands every few hours. Returns true if one was migrated.
 */
function migrateStaleDb(size: number, seed: number, years: number, target: string, log: (s: string) => void): boolean {
  const prefix = `db-${size}-s${seed}${yearsTag(years)}-`;
  const stale = readdirSync(DATA_DIR).find((f) => f.startsWith(prefix) && /^[0-9a-f]{8}\.db$/.test(f.slice(prefix.length)));
  if (!stale) return false;
  const from = join(DATA_DIR, stale);
  const started = performance.now();
  try {
    const db = openDb(from);
    closeDb(db);
  } catch (e) {
    log(`  could not migrate ${stale} (${(e as Error).message.split('\n')[0]}); re-importing`);
    return false;
  }
  for (const suffix of ['-wal', '-shm']) if (existsSync(from + suffix)) renameSync(from + suffix, target + suffix);
  renameSync(from, target);
  log(`  migrated ${stale} to the current schema in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return true;
}

/** Databases of an older schema only take disk space; removed once the new one is in place. */
function removeStaleDbs(size: number, seed: number, keep: string, years = DEFAULT_YEARS): void {
  const prefix = `db-${size}-s${seed}${yearsTag(years)}-`;
  for (const f of readdirSync(DATA_DIR)) {
    // Only this variant's files (db-20000-s42-… must not remove db-20000-s42-y5-…).
    if (f.startsWith(prefix) && /^[0-9a-f]{8}\.db/.test(f.slice(prefix.length)) && !join(DATA_DIR, f).startsWith(keep)) rmSync(join(DATA_DIR, f), { force: true });
  }
}

function spawnChecked(cmd: string, args: string[]): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn(cmd, args, { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('error', fail);
    child.on('close', (code) => (code === 0 ? done() : fail(new Error(`${args.join(' ')} exited with ${code}`))));
  });
}
