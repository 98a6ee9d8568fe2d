/**
 * The validated configuration, cached between runs of the compiled CLI: parsing the YAML and
 * validating it against the schema costs more than loading them (about 0.1 CPU-s of each `orglife
 * check`; the YAML parser and zod are not even loaded on a hit). The cache is keyed by everything
 * the result depends on: the build (dist/.build-stamp: the schema can change with the code), the
 * list of config files and each file's full content. Any change to one of them is a miss, and a
 * miss is an ordinary loadConfig (errors reported exactly as without a cache). A configuration
 * that does not survive JSON unchanged is never cached.
 *
 * Where: $XDG_CACHE_HOME/orglife (default ~/.cache/orglife)/config.json, one entry per config
 * path (at most MAX_ENTRIES), written atomically (temporary file, then rename); a cache that cannot
 * be read or written only means no cache. Off when running the TypeScript sources (no build to
 * key on) and with ORGLIFE_CONFIG_CACHE=0.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { listConfigFiles } from './files.js';
import type { Config } from './schema.js';

/** Bump when the cache file's layout changes. */
const FORMAT = 1;
const MAX_ENTRIES = 16;

export interface ConfigCacheOptions {
  /** The cache file (default: see the module comment; null = no cache). */
  file?: string | null;
  /** What identifies the code that validates (default: the build stamp's time; null = no cache). */
  build?: string | null;
  env?: NodeJS.ProcessEnv;
}

interface CacheFile {
  format: number;
  entries: Record<string, { key: string; config: Config; used: number }>;
}

/** The default cache file, or null when caching is off. */
function defaultCacheFile(env: NodeJS.ProcessEnv): string | null {
  if (env.ORGLIFE_CONFIG_CACHE === '0') return null; // ENV_VARS (./env.ts)
  const base = env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'orglife', 'config.json');
}

/** The build this code comes from: the time of dist/.build-stamp beside the compiled config/; null under the sources. */
function defaultBuild(): string | null {
  if (import.meta.url.endsWith('.ts')) return null;
  try {
    return String(statSync(fileURLToPath(new URL('../.build-stamp', import.meta.url))).mtimeMs);
  } catch {
    return null;
  }
}

function readCache(file: string): CacheFile {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as CacheFile;
    if (parsed?.format === FORMAT && parsed.entries && typeof parsed.entries === 'object') return parsed;
  } catch {
    // missing or unreadable: no cache
  }
  return { format: FORMAT, entries: {} };
}

/**
 * The configuration at `path` (file or folder), as loadConfig(path).config gives it: from the cache
 * when the build and every file are unchanged since it was stored, else loaded, validated and
 * stored. Throws ConfigError like loadConfig.
 */
export async function loadConfigCached(path: string, opts: ConfigCacheOptions = {}): Promise<Config> {
  const file = opts.file === undefined ? defaultCacheFile(opts.env ?? process.env) : opts.file;
  const build = opts.build === undefined ? defaultBuild() : opts.build;
  const load = async () => (await import('./load.js')).loadConfig(path).config;
  if (file === null || build === null) return load();

  const where = resolve(path);
  let key: string;
  try {
    const hash = createHash('sha256').update(JSON.stringify([FORMAT, build, where]));
    for (const f of listConfigFiles(where)) hash.update(`\0${f}\0`).update(readFileSync(f));
    key = hash.digest('hex');
  } catch {
    return load(); // a missing or unreadable source: loadConfig says what is wrong
  }
  const cache = readCache(file);
  const hit = cache.entries[where];
  if (hit && hit.key === key) return hit.config;

  const config = await load();
  try {
    if (!isDeepStrictEqual(JSON.parse(JSON.stringify(config)), config)) return config;
    cache.entries[where] = { key, config, used: Date.now() };
    const kept = Object.entries(cache.entries).sort((a, b) => b[1].used - a[1].used).slice(0, MAX_ENTRIES);
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify({ format: FORMAT, entries: Object.fromEntries(kept) }), { mode: 0o600 });
    renameSync(tmp, file);
  } catch {
    // an unwritable cache folder: no cache
  }
  return config;
}
