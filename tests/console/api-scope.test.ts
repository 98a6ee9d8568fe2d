/** API tokens limited to an org subtree (`name:read@C01:secret`): 403 outside it, like the console; on the store tempStore() gives. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseApiTokens } from '../../src/api/auth.js';
import { pingClient, readinessProbes } from '../../src/api/probes.js';
import { buildApi } from '../../src/api/server.js';
import type { FastifyInstance } from 'fastify';
import { shippedConfig } from '../helpers/config.js';
import type { TempStore } from '../helpers/store.js';
import { SHARED_REDIS_URL } from '../helpers/redis.js';
import { countyStore, NOW, quietLog } from './setup.js';

const TOWN = 'town-token-0123456789abcdef';
const ALL = 'county-token-0123456789abcdef';
let t: TempStore;
let app: FastifyInstance;
let redis: ReturnType<typeof pingClient>;
beforeAll(async () => {
  const config = shippedConfig();
  t = await countyStore(config);
  const store = t.store;
  redis = pingClient(SHARED_REDIS_URL);
  app = await buildApi(
    {
      store,
      config: () => config,
      tokens: parseApiTokens(`town:admin@C01:${TOWN},county:admin:${ALL}`),
      log: quietLog,
      clock: () => NOW,
      readiness: readinessProbes({ store: () => store, redis, workersRunning: () => true, evaluateCron: () => config.schedules.evaluate, startedAt: NOW, now: () => NOW }),
    },
    { bodyLimitBytes: config.http.body_limit_bytes, rateLimitPerMinute: 1000 },
  );
}, 60_000);
afterAll(async () => {
  await app.close();
  await redis.close();
  await t.cleanup();
});

const as = (token: string) => ({ authorization: `Bearer ${token}` });

describe('org-scoped API tokens', () => {
  it('lists only the subtree, and refuses another township’s branch, alert and report (403)', async () => {
    const list = await app.inject({ method: 'GET', url: '/api/v1/alerts', headers: as(TOWN) });
    const orgs = new Set((list.json().alerts as { org: string }[]).map((a) => a.org));
    expect([...orgs].sort()).toEqual(['B101', 'B102']);
    const all = await app.inject({ method: 'GET', url: '/api/v1/alerts', headers: as(ALL) });
    expect(new Set((all.json().alerts as { org: string }[]).map((a) => a.org)).has('B201')).toBe(true);

    expect((await app.inject({ method: 'GET', url: '/api/v1/alerts?org=B201', headers: as(TOWN) })).statusCode).toBe(403);
    expect((await app.inject({ method: 'GET', url: '/api/v1/reports/B201?period=2026-10', headers: as(TOWN) })).statusCode).toBe(403);
    const other = (await t.store.alerts.list({ org: 'B201', open: true }))[0]!;
    const ack = await app.inject({ method: 'POST', url: `/api/v1/alerts/${other.id}/acknowledge`, headers: as(TOWN), payload: { plan: '整改', by: '2026-12-15' } });
    expect(ack.statusCode).toBe(403);
    expect(ack.json().error.code).toBe('outside_scope');
    expect((await app.inject({ method: 'POST', url: '/api/v1/orgs/B201/acknowledge', headers: as(TOWN), payload: { plan: '整改', by: '2026-12-15' } })).statusCode).toBe(403);
    // Its own branch works.
    expect((await app.inject({ method: 'GET', url: '/api/v1/reports/B102?period=2026-10', headers: as(TOWN) })).statusCode).toBe(200);
  });

  it('lets a scoped token push records of its subtree only (403 and nothing written outside it)', async () => {
    const push = (table: string, payload: unknown, token = TOWN) => app.inject({ method: 'POST', url: `/api/v1/${table}`, headers: as(token), payload: payload as object });
    const meeting = (id: string, org: string) => ({ 记录编号: id, 组织编码: org, 会议类型: '支委会', 召开时间: '2026-11-20T09:00', 应到人数: 5, 实到人数: 5 });
    // A meeting of another township's branch (Chinese headers): refused, and the whole batch with it.
    const out = await push('meetings', [meeting('S1', 'B101'), meeting('S2', 'B201')]);
    expect(out.statusCode).toBe(403);
    expect(out.json().error).toMatchObject({ code: 'outside_scope', details: [{ item: 1, org: 'B201' }] });
    expect(await t.store.facts.meeting('S1')).toBeUndefined();
    const ok = await push('meetings', [meeting('S1', 'B101')]);
    expect(ok.statusCode, ok.body).toBe(200);
    expect((await push('meetings', [meeting('S3', 'B201')], ALL)).statusCode).toBe(200);
    // Organizations: a new branch under its own committee (with a new committee in the same batch) goes in;
    // one under another township, taking another township's branch, or moving the scope itself does not.
    const org = (code: string, kind: string, parent: string) => ({ code, name: `${code}党组织`, kind, parent, ...(kind === 'branch' ? { domain: 'rural', members: 10, established_on: '2010-01-01' } : {}) });
    const orgsOk = await push('orgs', [org('C011', 'committee', 'C01'), org('B111', 'branch', 'C011')]);
    expect(orgsOk.statusCode, orgsOk.body).toBe(200);
    for (const rows of [[org('B299', 'branch', 'C02')], [org('B201', 'branch', 'C01')], [org('C01', 'committee', 'C00')]]) {
      const r = await push('orgs', rows);
      expect(r.statusCode, JSON.stringify(rows)).toBe(403);
    }
    expect(await t.store.orgs.get('B299', NOW)).toBeUndefined();
    expect((await t.store.orgs.get('B201', NOW))!.parent).toBe('C02');
    // Sign-ins are scoped by their meeting's branch; an unknown member is still the importer's 422.
    expect((await push('attendance', [{ meeting: 'S3', member: 'P1' }])).statusCode).toBe(403);
    expect((await push('attendance', [{ meeting: 'S1', member: 'P1' }])).statusCode).toBe(422);
  });

  it('rejects a malformed org suffix without echoing the token', () => {
    expect(() => parseApiTokens(`bad:read@:${TOWN}`)).toThrow(/组织编码无效/);
  });
});
