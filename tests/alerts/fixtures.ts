/**
 * Literal data for the alert tests: orgs with contacts (seeded through the store's import port),
 * hand-made findings, a config, an exact clock, and a store of either kind (tempStore) with a raw
 * SQL window onto it for looking at what was written.
 */
import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import pg from 'pg';
import type { Config } from '../../src/config/schema.js';
import { parsePeriod, parseTimestamp } from '../../src/domain/calendar.js';
import type { Finding, Level, Org, RuleId } from '../../src/domain/types.js';
import type { Store } from '../../src/store/port.js';
import { sqliteHandle } from '../../src/store/sqlite/index.js';
import type { AttemptRow } from '../../src/store/types/deliveries.js';
import { shippedConfig } from '../helpers/config.js';
import { tempStore, type TempStore } from '../helpers/store.js';

/** Epoch ms of an ISO timestamp (no offset = Shanghai); throws on a typo. */
export function at(iso: string): number {
  const t = parseTimestamp(iso);
  if (t === null) throw new Error(`bad timestamp in test: ${iso}`);
  return t;
}

type OrgInsert = Org;

const ORG: Org = {
  code: '', name: '', kind: 'branch', parent: null, domain: null, members: null, groups: 0,
  secretary: null, secretaryPhone: null, secretaryEmail: null, clerk: null, clerkPhone: null, clerkEmail: null,
  electedOn: null, termYears: null, establishedOn: null,
};

/** A committee with its own secretary/clerk contacts (optional). */
export function committee(code: string, name: string, over: Partial<OrgInsert> = {}): OrgInsert {
  return { ...ORG, code, name, kind: 'committee', parent: null, ...over };
}

/** A branch under `parent` with a secretary and a Party-affairs worker. */
export function branch(code: string, name: string, parent: string, over: Partial<OrgInsert> = {}): OrgInsert {
  return { ...ORG, code, name, kind: 'branch', parent, domain: 'organ', members: 20, groups: 0, establishedOn: '2000-01-01', ...over };
}

/** Insert (or update) org rows through the store's import session. */
export async function insertOrgs(store: Store, rows: OrgInsert[]): Promise<void> {
  const s = await store.imports.begin();
  await s.beginFile('orgs');
  await s.upsert('orgs', rows, rows.map((_, i) => i + 2), 0);
  await s.commit();
}

/**
 * The usual little city: committee C1 (王书记, with a clerk) over B1 and B2, committee C2 over B3.
 * 张三 is secretary of both B1 and B2 (same phone and email); B2's clerk has no email.
 */
export async function seedCity(store: Store): Promise<void> {
  await insertOrgs(store, [
    committee('C1', '城关镇党委', { secretary: '王书记', secretaryPhone: '13900000001', secretaryEmail: 'wang@c1.gov.cn', clerk: '钱干事', clerkEmail: 'qian@c1.gov.cn' }),
    committee('C2', '东城街道党工委', { secretary: '孙书记', secretaryEmail: 'sun@c2.gov.cn' }),
    branch('B1', '城关镇机关第一党支部', 'C1', { secretary: '张三', secretaryPhone: '13800000001', secretaryEmail: 'zhang@example.cn', clerk: '李四', clerkPhone: '13800000002', clerkEmail: 'li@example.cn' }),
    branch('B2', '城关镇机关第二党支部', 'C1', { secretary: '张三', secretaryPhone: '+86 138-0000-0001', secretaryEmail: 'Zhang@example.cn', clerk: '赵六', clerkPhone: '13800000003' }),
    branch('B3', '东城社区党支部', 'C2', { secretary: '周七', secretaryPhone: '13800000004', secretaryEmail: 'zhou@example.cn' }),
  ]);
}

/** A finding as a rule would give it (due = end of the period; message in Chinese). */
export function finding(org: string, rule: RuleId, period: string, level: Level, message?: string): Finding {
  const p = parsePeriod(period);
  if (!p) throw new Error(`bad period in test: ${period}`);
  return { org, rule, period, level, dueAt: p.end, message: message ?? `${period}未完成：${rule}` };
}

/** The shipped config (default.yaml + holidays.yaml) with changes applied by `edit`. */
export function testConfig(edit: (c: Config) => void = () => undefined): Config {
  const c = shippedConfig();
  edit(c);
  return c;
}

/** A test's store (SQLite or PostgreSQL, as the run says) with raw SQL to look at, or tamper with, what was written. */
export interface AlertTestStore extends TempStore {
  /** Rows of a query: `?` placeholders; `AS camelCase` aliases keep their case on both stores. */
  rows<T = Record<string, unknown>>(sql: string, ...params: unknown[]): Promise<T[]>;
  /** One number from SQL. */
  count(sql: string, ...params: unknown[]): Promise<number>;
  /** Run a statement (no result). */
  exec(sql: string, ...params: unknown[]): Promise<void>;
}

/** A fresh store with the little city seeded (see seedCity). */
export async function cityStore(seed = true): Promise<AlertTestStore> {
  const t = await tempStore();
  let pool: pg.Pool | null = null;
  const query = async (sql: string, params: unknown[]): Promise<Record<string, unknown>[]> => {
    if (t.store.kind === 'sqlite') {
      const stmt = sqliteHandle(t.store)!.$client.prepare(sql);
      if (!stmt.reader) {
        stmt.run(...params);
        return [];
      }
      return stmt.all(...params) as Record<string, unknown>[];
    }
    if (!pool) {
      pool = new pg.Pool({ connectionString: t.spec, max: 2 });
      // A client still closing when cleanup drops the database (WITH (FORCE)) gets a FATAL; the pool
      // re-emits it, and without a listener that is an uncaught exception failing the whole file.
      pool.on('error', () => undefined);
    }
    let n = 0;
    const text = sql.replace(/\?/g, () => `$${++n}`).replace(/\bAS ([a-z]+[A-Z]\w*)/g, 'AS "$1"');
    const r = await pool.query(text, params);
    // count(*), sum() and bigint columns arrive as strings from the raw driver.
    return r.rows.map((row: Record<string, unknown>) => {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(row)) out[k] = typeof v === 'string' && /^-?\d+$/.test(v) && r.fields.find((f) => f.name === k)?.dataTypeID === 20 ? Number(v) : v;
      return out;
    });
  };
  const ts: AlertTestStore = {
    ...t,
    rows: async <T,>(sql: string, ...params: unknown[]) => (await query(sql, params)) as T[],
    count: async (sql, ...params) => Number(Object.values((await query(sql, params))[0] ?? {})[0] ?? 0),
    exec: async (sql, ...params) => void (await query(sql, params)),
    async cleanup() {
      await pool?.end();
      await t.cleanup();
    },
  };
  if (seed) await seedCity(t.store);
  return ts;
}

/** A successful attempt of a delivery (what the worker records after the provider's answer). */
export function sentAttempt(d: { id: number; channel: AttemptRow['channel']; recipient: string }, providerMessageId: string, at: number): AttemptRow {
  return { deliveryId: d.id, channel: d.channel, recipient: d.recipient, startedAt: at, durationMs: 1, providerMessageId, error: null, errorCode: null, permanent: false };
}

/** Mark every pending delivery sent at `now` through the store; returns how many. */
export async function sendAllPending(store: Store, now: number): Promise<number> {
  const pending = (await store.deliveries.list()).filter((d) => d.status === 'pending');
  for (const d of pending) await store.deliveries.markSent(sentAttempt(d, `p-${d.id}`, now), now);
  return pending.length;
}

const BIN = join(resolve(import.meta.dirname, '../..'), 'bin/orglife.js');

/** Run the real `orglife` CLI against a store (a file path or a postgres:// URL). */
export function orglife(args: string[], dbPath: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(SMTP_URL|ORGLIFE_)/.test(k))) as Record<string, string>;
  return new Promise((done) => {
    execFile(process.execPath, [BIN, ...args], { env: { ...env, LOG_LEVEL: 'silent', ORGLIFE_DB: dbPath, ORGLIFE_CONFIG: resolve(import.meta.dirname, '../../config') }, timeout: 150_000 }, (err, stdout, stderr) => {
      done({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
    });
  });
}
