/**
 * Shared set-up of the API tests: a fresh store from tempStore() (a SQLite file, or a PostgreSQL
 * database with ORGLIFE_TEST_STORE=postgres: scripts/test-stores.mjs runs the files importing this
 * set-up on both) with a small town (one committee, two branches), the real server built with real
 * readiness probes (shared Redis), tokens per scope, and a helper that runs the real evaluate cycle
 * so alerts exist.
 */
import type { FastifyInstance } from 'fastify';
import { parseApiTokens } from '../../src/api/auth.js';
import { pingClient, readinessProbes } from '../../src/api/probes.js';
import { buildApi, type ReloadOutcome } from '../../src/api/server.js';
import { readEnv } from '../../src/config/env.js';
import type { Config } from '../../src/config/schema.js';
import { importRecords } from '../../src/import/index.js';
import { TICK_HANDLERS } from '../../src/jobs/kinds.js';
import { createLogger } from '../../src/log.js';
import { createNotifiers } from '../../src/notifiers/registry.js';
import { shippedConfig } from '../helpers/config.js';
import { tempStore, type TempStore } from '../helpers/store.js';
import { SHARED_REDIS_URL } from '../helpers/redis.js';

export const quietLog = createLogger({ level: process.env.LOG_LEVEL ?? 'silent' });

/** Tokens of the tests, by scope. */
export const TOKENS = {
  ingest: 'ingest-token-0123456789abcdef',
  read: 'read-token-0123456789abcdef',
  admin: 'admin-token-0123456789abcdef',
} as const;
export const TOKENS_ENV = `feeder:ingest:${TOKENS.ingest},viewer:read:${TOKENS.read},ops:admin:${TOKENS.admin}`;

/** Authorization header of a scope's token. */
export function auth(scope: keyof typeof TOKENS): Record<string, string> {
  return { authorization: `Bearer ${TOKENS[scope]}` };
}

/** "Now" of the API tests: Friday 27 Nov 2026, 09:00 Beijing time. */
export const NOW = Date.parse('2026-11-27T09:00:00+08:00');

export const TOWN_ORGS = [
  { code: 'C01', name: '城关镇党委', kind: 'committee', parent: '' },
  {
    code: 'B001', name: '东街村党支部', kind: 'branch', parent: 'C01', domain: 'rural', members: 30, groups: 0,
    secretary: '王书记', secretary_email: 'wang@example.org', established_on: '2010-01-01',
  },
  {
    code: 'B002', name: '西街社区党支部', kind: 'branch', parent: 'C01', domain: 'community', members: 20, groups: 0,
    secretary: '李书记', secretary_email: 'li@example.org', established_on: '2010-01-01',
  },
];

export interface TestApi {
  app: FastifyInstance;
  /** The test's store (read it back through the port: `tmp.store`). */
  tmp: TempStore;
  config: Config;
  close(): Promise<void>;
}

/** Build the server over a fresh database (with the town unless `empty`). */
export async function startTestApi(opts: { empty?: boolean; config?: Config; tokens?: string; reload?: () => Promise<ReloadOutcome>; rateLimitPerMinute?: number; bodyLimitBytes?: number; startedAt?: number } = {}): Promise<TestApi> {
  const tmp = await tempStore();
  const config = opts.config ?? shippedConfig();
  if (!opts.empty) await importRecords(tmp.store, 'orgs', TOWN_ORGS, 'test', { now: NOW });
  const redis = pingClient(SHARED_REDIS_URL);
  const app = await buildApi(
    {
      store: tmp.store,
      config: () => config,
      tokens: parseApiTokens(opts.tokens ?? TOKENS_ENV),
      log: quietLog,
      clock: () => NOW,
      readiness: readinessProbes({ store: () => tmp.store, redis, workersRunning: () => true, evaluateCron: () => config.schedules.evaluate, startedAt: opts.startedAt ?? NOW, now: () => NOW }),
      ...(opts.reload ? { reload: opts.reload } : {}),
    },
    { bodyLimitBytes: opts.bodyLimitBytes ?? config.http.body_limit_bytes, rateLimitPerMinute: opts.rateLimitPerMinute ?? config.http.rate_limit_per_minute },
  );
  return {
    app,
    tmp,
    config,
    async close() {
      await app.close();
      await redis.close();
      await tmp.cleanup();
    },
  };
}

/** Run the real evaluate cycle on the test database as of `now` (no channels enabled: nothing is sent). */
export async function evaluate(t: TestApi, now = NOW): Promise<Record<string, unknown>> {
  const env = readEnv({});
  const notifiers = createNotifiers(t.config.channels, env, { log: quietLog });
  try {
    return (await TICK_HANDLERS.evaluate!({ store: t.tmp.store, config: t.config, env, notifiers, log: quietLog, now, kind: 'evaluate' })) ?? {};
  } finally {
    await notifiers.close();
  }
}
