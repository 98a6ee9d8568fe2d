/**
 * Opening the store from one spec: ORGLIFE_DB (through src/config/env.ts) is a SQLite file path
 * (default ./data/orglife.db) or a postgres:// / postgresql:// URL. The PostgreSQL adapter is
 * loaded only when asked for, so a SQLite deployment never loads its driver.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { readEnv } from '../config/env.js';
import { StoreMissingError, StoreSpecError } from './errors.js';
import type { Store } from './port.js';
import { openSqliteStore } from './sqlite/index.js';

export interface OpenStoreOptions {
  /** Apply pending migrations (default true). */
  migrate?: boolean;
  /** Read-only (worker threads). */
  readonly?: boolean;
  /** Fail with StoreMissingError instead of creating a new database. */
  mustExist?: boolean;
  /**
   * SQLite: how long a write waits for another connection's write lock (default 5 s), e.g. a helper
   * thread writing beside the main thread's long transactions. PostgreSQL: unused (writers wait on row locks).
   */
  busyTimeoutMs?: number;
  /**
   * PostgreSQL: connections of the pool (default 10, read-only 4). A one-shot command that only
   * reads in a few parallel statements opens fewer: each connection is a server process started
   * and warmed (catalog caches) for this command alone. SQLite: unused.
   */
  connections?: number;
}

/** What the PostgreSQL adapter module (./postgres/index.ts) exports. */
export interface PostgresAdapterModule {
  openPostgresStore(url: string, opts: OpenStoreOptions): Promise<Store>;
}

const isUrl = (spec: string) => /^postgres(ql)?:\/\//i.test(spec);

/** The spec of ORGLIFE_DB, or the default SQLite file (resolved to an absolute path). */
export function defaultStoreSpec(): string {
  const spec = readEnv().dbPath;
  if (spec && isUrl(spec)) return spec;
  return resolve(spec || 'data/orglife.db');
}

/** A spec as people may read it (a URL's password masked). */
export function describeSpec(spec: string): string {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(spec)) return spec;
  try {
    const u = new URL(spec);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return spec.replace(/\/\/([^:/@]*):[^@]*@/, '//$1:***@');
  }
}

/**
 * Node 21 and later define `globalThis.navigator` ({userAgent: 'Node.js/<major>', …}); Node 20 does
 * not, and then node-postgres, when it loads, probes for Cloudflare Workers by constructing a
 * `Response` (node_modules/pg/lib/stream.js isCloudflareRuntime), which loads Node's whole fetch
 * implementation (undici) on every command that opens a PostgreSQL store: ~40 ms of start-up.
 * Defining the object Node 21 defines, where it is missing, answers the probe as Node 21+ does.
 * Nothing else changes: Node 21+ already runs every dependency with this global present.
 */
function nodeNavigator(): void {
  const g = globalThis as { navigator?: unknown };
  if (g.navigator !== undefined) return;
  const major = process.versions.node.split('.')[0];
  // Read lazily, as Node's own getters do (the locale costs ICU's start-up, ~40 ms).
  const locale = () => new Intl.Collator().resolvedOptions().locale || 'en-US';
  const navigator = {
    userAgent: `Node.js/${major}`,
    hardwareConcurrency: availableParallelism(),
    platform: `${process.platform === 'linux' ? 'Linux' : process.platform} ${process.arch === 'x64' ? 'x86_64' : process.arch}`,
    get language() {
      return locale();
    },
    get languages() {
      return [locale()];
    },
  };
  Object.defineProperty(g, 'navigator', {
    value: Object.freeze(navigator),
    writable: true,
    configurable: true,
    enumerable: false,
  });
}

/** Open the store named by `spec` (default: ORGLIFE_DB, else ./data/orglife.db). */
export async function openStore(spec: string = defaultStoreSpec(), opts: OpenStoreOptions = {}): Promise<Store> {
  if (isUrl(spec)) {
    let mod: PostgresAdapterModule;
    try {
      nodeNavigator();
      mod = (await import('./postgres/index.js')) as PostgresAdapterModule;
    } catch (e) {
      if ((e as { code?: string }).code === 'ERR_MODULE_NOT_FOUND' && String((e as Error).message).includes('postgres')) {
        throw new StoreSpecError(
          `此版本尚不支持 PostgreSQL（ORGLIFE_DB=${describeSpec(spec)}），请改用 SQLite 文件路径 / this build has no PostgreSQL store yet (ORGLIFE_DB=${describeSpec(spec)}); use a SQLite file path`,
          e,
        );
      }
      throw e;
    }
    return mod.openPostgresStore(spec, opts);
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(spec)) {
    throw new StoreSpecError(`ORGLIFE_DB 不支持的地址：${describeSpec(spec)}（应为文件路径或 postgres:// 地址） / unsupported ORGLIFE_DB: expected a file path or a postgres:// URL`);
  }
  const memory = spec === ':memory:' || spec.startsWith('file::memory:');
  const path = memory ? spec : resolve(spec);
  if (opts.mustExist && !memory && !existsSync(path)) throw new StoreMissingError(path);
  return openSqliteStore(path, { ...(opts.migrate !== undefined ? { migrate: opts.migrate } : {}), ...(opts.readonly !== undefined ? { readonly: opts.readonly } : {}), ...(opts.busyTimeoutMs !== undefined ? { busyTimeoutMs: opts.busyTimeoutMs } : {}) });
}
