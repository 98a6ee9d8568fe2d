/**
 * Shared set-up of the console tests: a store from tempStore() (SQLite, or PostgreSQL with
 * ORGLIFE_TEST_STORE=postgres) holding a small county (two townships, a branch whose name is a
 * <script> tag), imported, evaluated by the real cycle so alerts exist, October's reports built and
 * stored, and accounts for the county and one township — all through the store port — and the
 * console served on its own fastify instance (the same plugin the daemon registers).
 */
import type { Store } from '../../src/store/port.js';
import type { FastifyInstance } from 'fastify';
import { readEnv, type Env } from '../../src/config/env.js';
import type { Config } from '../../src/config/schema.js';
import { addUser } from '../../src/app/accounts.js';
import { buildConsoleServer } from '../../src/console/server.js';
import { parsePeriod } from '../../src/domain/calendar.js';
import { importRecords } from '../../src/import/index.js';
import { TICK_HANDLERS, tickContext } from '../../src/jobs/kinds.js';
import { createLogger } from '../../src/log.js';
import { createNotifiers } from '../../src/notifiers/registry.js';
import { buildReports } from '../../src/reports/gather.js';
import { saveReports } from '../../src/reports/generate.js';
import { shippedConfig } from '../helpers/config.js';
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

/** The real evaluate tick as of `now` (channels available per `envVars`). */
export async function evaluate(store: Store, config: Config, now = NOW, envVars: Record<string, string> = {}): Promise<void> {
  const env = readEnv(envVars);
  const notifiers = createNotifiers(config.channels, env, { log: quietLog });
  try {
    await TICK_HANDLERS.evaluate!(tickContext({ store, config, env, notifiers, log: quietLog, now, kind: 'evaluate' }));
  } finally {
    await notifiers.close();
  }
}

/** The county's records, alerts (the real cycle) and October's stored reports. */
export async function seedRecords(store: Store, config: Config, envVars: Record<string, string> = {}): Promise<void> {
  await importRecords(store, 'orgs', COUNTY_ORGS, 'test', { now: NOW });
  await importRecords(store, 'meetings', MEETINGS, 'test', { now: NOW });
  await evaluate(store, config, NOW, envVars);
  const built = await buildReports(store, config, parsePeriod('2026-10')!, NOW);
  await saveReports(store, built.reports, built.summaries, NOW);
}

/** Users `county` (admin, C00), `town1` (admin, C01), `viewer` (viewer, C00), through the port. */
export async function addCountyUsers(store: Store): Promise<void> {
  await addUser(store, { username: 'county', org: 'C00', role: 'admin', password: PASSWORD }, 'test', NOW);
  await addUser(store, { username: 'town1', org: 'C01', role: 'admin', password: PASSWORD }, 'test', NOW);
  await addUser(store, { username: 'viewer', org: 'C00', role: 'viewer', password: PASSWORD }, 'test', NOW);
}

/** A fresh test store holding the seeded county and its users. */
export async function countyStore(config: Config, envVars: Record<string, string> = {}): Promise<TempStore> {
  const t = await tempStore();
  try {
    await seedRecords(t.store, config, envVars);
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
