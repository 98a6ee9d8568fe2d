/** The org routes of the HTTP API (list, remove) over the store tempStore() gives (SQLite or PostgreSQL). */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseApiTokens } from '../../src/api/auth.js';
import { pingClient, readinessProbes } from '../../src/api/probes.js';
import { buildApi } from '../../src/api/server.js';
import type { Org } from '../../src/domain/types.js';
import { createLogger } from '../../src/log.js';
import { shippedConfig } from '../helpers/config.js';
import { SHARED_REDIS_URL } from '../helpers/redis.js';
import { tempStore, type TempStore } from '../helpers/store.js';

const NOW = Date.parse('2026-11-27T09:00:00+08:00');
const ADMIN = 'admin-token-0123456789abcdef';
const TOWN_ADMIN = 'town-token-0123456789abcdef';
const READ = 'read-token-0123456789abcdef';
const H = (t: string) => ({ authorization: `Bearer ${t}` });

function org(code: string, over: Partial<Org> = {}): Org {
  return {
    code, name: `${code}村党支部`, kind: 'branch', parent: 'T1', domain: 'rural', members: 10, groups: 0,
    secretary: '张三', secretaryPhone: null, secretaryEmail: null, clerk: null, clerkPhone: null, clerkEmail: null,
    electedOn: null, termYears: null, establishedOn: '2000-01-01', ...over,
  };
}

describe('org API', () => {
  let t: TempStore;
  let app: FastifyInstance;
  beforeAll(async () => {
    t = await tempStore();
    const s = await t.store.imports.begin();
    await s.beginFile('orgs');
    await s.upsert(
      'orgs',
      [org('C1', { kind: 'committee', parent: null, domain: null }), org('T1', { kind: 'committee', parent: 'C1', domain: null }), org('T2', { kind: 'committee', parent: 'C1', domain: null }), org('B1'), org('B3'), org('B2', { parent: 'T2' })],
      [2, 3, 4, 5, 6, 7],
      NOW,
    );
    await s.commit();
    const config = shippedConfig();
    const store = t.store;
    app = await buildApi(
      {
        store,
        config: () => config,
        tokens: parseApiTokens(`ops:admin:${ADMIN},town:admin@T1:${TOWN_ADMIN},viewer:read:${READ}`),
        log: createLogger({ level: 'silent' }),
        clock: () => NOW,
        readiness: readinessProbes({ store: () => store, redis: pingClient(SHARED_REDIS_URL), workersRunning: () => true, evaluateCron: () => config.schedules.evaluate, startedAt: NOW, now: () => NOW }),
      },
      { bodyLimitBytes: config.http.body_limit_bytes, rateLimitPerMinute: 10_000 },
    );
  });
  afterAll(async () => {
    await app.close();
    await t.cleanup();
  });

  it('removes (admin, within the token subtree), refuses a committee with children unless withChildren, lists removed orgs', async () => {
    const remove = (token: string, code: string, payload: object = {}) => app.inject({ method: 'POST', url: `/api/v1/orgs/${code}/remove`, headers: H(token), payload });
    expect((await remove(READ, 'B1')).statusCode).toBe(403);
    expect((await remove(TOWN_ADMIN, 'B2')).statusCode).toBe(403); // the neighbour township's branch
    const own = await remove(TOWN_ADMIN, 'B1', { reason: '并村' });
    expect(own.statusCode).toBe(200);
    expect(own.json()).toEqual({ removed: ['B1'], resolvedAlerts: 0 });
    const again = await remove(ADMIN, 'B1');
    expect(again.statusCode).toBe(409);
    expect(again.json().error.message).toBe('code：组织 B1 已撤销 / org B1 is removed already');
    expect((await remove(ADMIN, 'X9')).json().error).toMatchObject({ code: 'not_found', message: 'code：未知的组织编码 "X9" / unknown org code' });
    const children = await remove(ADMIN, 'T1');
    expect(children.statusCode).toBe(409);
    expect(children.json().error.message).toMatch(/^withChildren：T1 下还有 1 个未撤销的下级组织（B3）.*\/ T1 still has 1 active child orgs \(B3\)/);
    expect((await remove(ADMIN, 'B3', { reason: 'x'.repeat(201) })).statusCode).toBe(400); // the schema's maxLength
    const bad = await remove(ADMIN, 'B3', { reason: '坏\u0007' });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().error.message).toContain('reason：原因含有控制字符');
    const all = await remove(ADMIN, 'T1', { withChildren: true, by: '县委组织部' });
    expect(all.json()).toEqual({ removed: ['B3', 'T1'], resolvedAlerts: 0 });

    const active = await app.inject({ method: 'GET', url: '/api/v1/orgs', headers: H(READ) });
    expect(active.json().orgs.map((o: Org) => o.code)).toEqual(['B2', 'C1', 'T2']);
    const removed = await app.inject({ method: 'GET', url: '/api/v1/orgs?removed=true', headers: H(READ) });
    expect(removed.json().orgs).toMatchObject([
      { code: 'B1', removedReason: '并村', removedAt: new Date(NOW).toISOString() },
      { code: 'B3', removedReason: null },
      { code: 'T1' },
    ]);
    // The township's token still sees its own removed subtree, and nothing of its neighbour.
    const town = await app.inject({ method: 'GET', url: '/api/v1/orgs?removed=true', headers: H(TOWN_ADMIN) });
    expect(town.json().orgs.map((o: Org) => o.code)).toEqual(['B1', 'B3', 'T1']);
    const openapi = await app.inject({ method: 'GET', url: '/openapi.json' });
    expect(Object.keys(openapi.json().paths)).toEqual(expect.arrayContaining(['/api/v1/orgs', '/api/v1/orgs/{code}/remove']));
  });
});
