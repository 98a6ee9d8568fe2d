/**
 * Shared set-up of the console tests: a store from tempStore() (SQLite, or PostgreSQL with
 * ORGLIFE_TEST_STORE=postgres) holding a small county (two townships, a branch whose name is a
 * <script> tag), evaluated by the real cycle so alerts exist, October's reports computed and
 * stored, accounts for the county and one township (added through the port), and the console
 * served on its own fastify instance (the same plugin the daemon registers).
 *
 * The evaluate cycle, the importer and report generation still run on a SQLite handle: on
 * PostgreSQL the county is built in a SQLite file by them and moved with `db copy`
 * (copyDatabase) before the console opens the PostgreSQL store.
 */
import { sqliteHandle, storeFor } from '../../src/store/sqlite/index.js';
import { copyDatabase } from '../../src/store/copy.js';
import type { Store } from '../../src/store/port.js';
import type { FastifyInstance } from 'fastify';
import { readEnv, type Env } from '../../src/config/env.js';
import type { Config } from '../../src/config/schema.js';
import { addUser } from '../../src/app/accounts.js';
import { buildConsoleServer } from '../../src/console/server.js';
import { parsePeriod } from '../../src/domain/calendar.js';
import { importRecords } from '../../src/import/index.js';
import { TICK_HANDLERS } from '../../src/jobs/kinds.js';
import { createLogger } from '../../src/log.js';
import { createNotifiers } from '../../src/notifiers/registry.js';
import { buildReports } from '../../src/reports/gather.js';
import { storeReports } from '../../src/store/sqlite/reports.js';
import { shippedConfig } from '../helpers/config.js';
import { tempDb, type TempDb } from '../helpers/db.js';
import { tempStore, type TempStore } from '../helpers/store.js';

export const quietLog = createLogger({ level: process.env.LOG_LEVEL ?? 'silent' });

/** "Now" of the console tests: Friday 27 Nov 2026, 09:00 Beijing time. */
export const NOW = Date.parse('2026-11-27T09:00:00+08:00');
export const PASSWORD = 'correct-horse-battery';
export const XSS_NAME = '<script>alert(1)</script>村党支部';

const branch = (code: string, name: string, parent: string, extra: Record<string, unknown> = {}) => ({
  code,
  name,
  kind: 'branch',
  parent,
  domain: 'rural',
  members: 30,
  groups: 0,
  secretary: `${name}书记`,
  secretary_phone: code === 'B101' ? '13812345678' : `138000${code.slice(1)}01`,
  secretary_email: `${code.toLowerCase()}@example.org`,
  established_on: '2010-01-01',
  ...extra,
});

export const COUNTY_ORGS = [
  { code: 'C00', name: '青山县委', kind: 'committee', parent: '' },
  { code: 'C01', name: '城关镇党委', kind: 'committee', parent: 'C00' },
  { code: 'C02', name: '河口镇党委', kind: 'committee', parent: 'C00' },
  branch('B101', XSS_NAME, 'C01'),
  branch('B102', '南街村党支部', 'C01'),
  branch('B201', '河口村党支部', 'C02'),
];

/** Meetings that make B102 better than B101 in October (so the ranking has an order). */
const MEETINGS = [
  { id: 'M1', org: 'B102', type: 'committee', held_at: '2026-10-10T09:00', expected: 5, attended: 5, minutes: 'yes' },
  { id: 'M2', org: 'B102', type: 'theme_day', held_at: '2026-10-12T09:00', expected: 30, attended: 28, minutes: 'yes' },
  { id: 'M3', org: 'B201', type: 'committee', held_at: '2026-10-11T09:00', expected: 5, attended: 4, minutes: 'yes' },
];

export interface TestConsole {
  app: FastifyInstance;
  t: TempStore;
  store: Store;
  config: Config;
  close(): Promise<void>;
}

export async function evaluate(tmp: TempDb, config: Config, now = NOW, envVars: Record<string, string> = {}): Promise<void> {
  const env = readEnv(envVars);
  const notifiers = createNotifiers(config.channels, env, { log: quietLog });
  try {
    await TICK_HANDLERS.evaluate!({ store: storeFor(tmp.db), db: tmp.db, dbPath: tmp.path, config, env, notifiers, log: quietLog, now, kind: 'evaluate' });
  } finally {
    await notifiers.close();
  }
}

/** The county's records, alerts (the real cycle) and October's stored reports, in a SQLite database. */
export async function seedRecords(tmp: TempDb, config: Config, envVars: Record<string, string> = {}): Promise<void> {
  await importRecords(storeFor(tmp.db), 'orgs', COUNTY_ORGS, 'test', { now: NOW });
  await importRecords(storeFor(tmp.db), 'meetings', MEETINGS, 'test', { now: NOW });
  await evaluate(tmp, config, NOW, envVars);
  const built = await buildReports(storeFor(tmp.db), config, parsePeriod('2026-10')!, NOW);
  storeReports(tmp.db, built.reports, built.summaries, NOW);
}

/** Users `county` (admin, C00), `town1` (admin, C01), `viewer` (viewer, C00), through the port. */
export async function addCountyUsers(store: Store): Promise<void> {
  await addUser(store, { username: 'county', org: 'C00', role: 'admin', password: PASSWORD }, 'test', NOW);
  await addUser(store, { username: 'town1', org: 'C01', role: 'admin', password: PASSWORD }, 'test', NOW);
  await addUser(store, { username: 'viewer', org: 'C00', role: 'viewer', password: PASSWORD }, 'test', NOW);
}

/** The seeded county in a SQLite database of its own (the HTTP API is not on the store port yet). */
export async function seedCounty(tmp: TempDb, config: Config, envVars: Record<string, string> = {}): Promise<void> {
  await seedRecords(tmp, config, envVars);
  await addCountyUsers(storeFor(tmp.db));
}

/**
 * Run `seed` (app code on a SQLite handle) for the test store: in place on SQLite, on a SQLite
 * seed file then copied with copyDatabase on PostgreSQL.
 */
export async function seedVia(t: TempStore, seed: (tmp: TempDb) => Promise<void>): Promise<void> {
  if (t.store.kind === 'sqlite') {
    await seed({ db: sqliteHandle(t.store)!, path: t.spec, dir: t.dir, cleanup() {} });
    return;
  }
  const tmp = tempDb();
  try {
    await seed(tmp);
    await copyDatabase(tmp.path, t.spec);
  } finally {
    tmp.cleanup();
  }
}

/** A fresh test store holding the seeded county and its users. */
export async function countyStore(config: Config, envVars: Record<string, string> = {}): Promise<TempStore> {
  const t = await tempStore();
  try {
    await seedVia(t, (tmp) => seedRecords(tmp, config, envVars));
    await addCountyUsers(t.store);
  } catch (e) {
    await t.cleanup();
    throw e;
  }
  return t;
}

export async function startTestConsole(opts: { readOnly?: boolean; config?: Config; clock?: () => number; env?: Env } = {}): Promise<TestConsole> {
  const config = opts.config ?? shippedConfig();
  const t = await countyStore(config);
  const app = await buildConsoleServer({ store: t.store, config, log: quietLog, clock: opts.clock ?? (() => NOW), readOnly: opts.readOnly ?? false, ...(opts.env ? { env: opts.env } : {}) });
  return {
    app,
    t,
    store: t.store,
    config,
    async close() {
      await app.close();
      await t.cleanup();
    },
  };
}

/** Sign in through the login form (inject); returns the session cookie header and the CSRF token of its pages. */
export async function signIn(app: FastifyInstance, username: string, password = PASSWORD): Promise<{ cookie: string; csrf: string }> {
  const form = await app.inject({ method: 'GET', url: '/console/login' });
  const loginCsrf = /name="_csrf" value="([^"]+)"/.exec(form.body)![1]!;
  const loginCookie = form.cookies.find((c) => c.name === 'orglife_login_csrf')!.value;
  const res = await app.inject({
    method: 'POST',
    url: '/console/login',
    headers: { cookie: `orglife_login_csrf=${loginCookie}` },
    payload: { _csrf: loginCsrf, username, password },
  });
  if (res.statusCode !== 303) throw new Error(`sign-in failed: ${res.statusCode} ${res.body.slice(0, 200)}`);
  const session = res.cookies.find((c) => c.name === 'orglife_session')!.value;
  const cookie = `orglife_session=${session}`;
  const page = await app.inject({ method: 'GET', url: '/console/overview', headers: { cookie } });
  const csrf = /<meta name="csrf-token" content="([^"]+)"/.exec(page.body)![1]!;
  return { cookie, csrf };
}
