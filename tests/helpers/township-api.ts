/**
 * An HTTP API over a fresh store (tempStore: SQLite or PostgreSQL) holding a small tree — county C1,
 * townships T1 and T2, branches under them — with three tokens: the county admin, T1's admin and a
 * city-wide reader. For tests of routes scoped to a token's subtree.
 */
import type { FastifyInstance } from 'fastify';
import { parseApiTokens } from '../../src/api/auth.js';
import { pingClient, readinessProbes } from '../../src/api/probes.js';
import { buildApi } from '../../src/api/server.js';
import type { Org } from '../../src/domain/types.js';
import { createLogger } from '../../src/log.js';
import { shippedConfig } from './config.js';
import { SHARED_REDIS_URL } from './redis.js';
import { tempStore, type TempStore } from './store.js';

export const ADMIN = 'admin-token-0123456789abcdef';
export const TOWN_ADMIN = 'town-token-0123456789abcdef';
export const READ = 'read-token-0123456789abcdef';
export const H = (token: string) => ({ authorization: `Bearer ${token}` });

/** A branch of T1 (override anything). */
export function org(code: string, over: Partial<Org> = {}): Org {
  return {
    code, name: `${code}村党支部`, kind: 'branch', parent: 'T1', domain: 'rural', members: 10, groups: 0,
    secretary: '张三', secretaryPhone: null, secretaryEmail: null, clerk: null, clerkPhone: null, clerkEmail: null,
    electedOn: null, termYears: null, establishedOn: '2000-01-01', ...over,
  };
}

/** The committees C1 > T1, T2. */
export const COMMITTEES: Org[] = [
  org('C1', { kind: 'committee', parent: null, domain: null }),
  org('T1', { kind: 'committee', parent: 'C1', domain: null }),
  org('T2', { kind: 'committee', parent: 'C1', domain: null }),
];

export interface TownshipApi {
  t: TempStore;
  app: FastifyInstance;
  close(): Promise<void>;
}

/** The store with COMMITTEES and `branches` imported at `now`, and the API over it (clock fixed at `now`). */
export async function townshipApi(branches: Org[], now: number): Promise<TownshipApi> {
  const t = await tempStore();
  const orgs = [...COMMITTEES, ...branches];
  const s = await t.store.imports.begin();
  await s.beginFile('orgs');
  await s.upsert('orgs', orgs, orgs.map((_, i) => i + 2), now);
  await s.commit();
  const config = shippedConfig();
  const store = t.store;
  const app = await buildApi(
    {
      store,
      config: () => config,
      tokens: parseApiTokens(`ops:admin:${ADMIN},town:admin@T1:${TOWN_ADMIN},viewer:read:${READ}`),
      log: createLogger({ level: 'silent' }),
      clock: () => now,
      readiness: readinessProbes({ store: () => store, redis: pingClient(SHARED_REDIS_URL), workersRunning: () => true, evaluateCron: () => config.schedules.evaluate, startedAt: now, now: () => now }),
    },
    { bodyLimitBytes: config.http.body_limit_bytes, rateLimitPerMinute: 10_000 },
  );
  return {
    t,
    app,
    async close() {
      await app.close();
      await t.cleanup();
    },
  };
}
