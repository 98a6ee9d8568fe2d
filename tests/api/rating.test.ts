import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { parseApiTokens } from '../../src/api/auth.js';
import { pingClient, readinessProbes } from '../../src/api/probes.js';
import { buildApi } from '../../src/api/server.js';
import { SHARED_REDIS_URL } from '../helpers/redis.js';
import type { FastifyInstance } from 'fastify';
import { shippedConfig } from '../helpers/config.js';
import { tempStore, type TempStore } from '../helpers/store.js';
import { seedOrgs, seedRatings } from '../rating/seed.js';
import { auth, NOW, quietLog, TOKENS_ENV } from './setup.js';

// NOW is Friday 27 Nov 2026, 09:00 Beijing time.

/** The API over the store tempStore() gives (SQLite or PostgreSQL): the rating routes read and write only through the port. */
describe('the star-rating API', () => {
  let t: TempStore;
  let app: FastifyInstance;
  let redis: ReturnType<typeof pingClient>;
  beforeEach(async () => {
    t = await tempStore();
    await seedOrgs(t, [
      ['C01', '城关镇党委', 'committee', null],
      ['B001', '东街村党支部', 'branch', 'C01', 'rural', { members: 30, secretary: '王书记', secretaryEmail: 'wang@example.org', establishedOn: '2010-01-01' }],
      ['B002', '西街社区党支部', 'branch', 'C01', 'community', { secretary: '李书记', secretaryEmail: 'li@example.org', establishedOn: '2010-01-01' }],
    ]);
    await seedRatings(t, [{ org: 'B001', year: 2025, stars: 5, ratedOn: null }, { org: 'B002', year: 2025, stars: 4, ratedOn: null }]);
    await t.store.rating.saveStarChange({ id: 'X1', org: 'B001', effectiveOn: '2026-06-15', stars: 3, channel: 'inspection', reason: '巡察发现问题', evidence: null }, NOW);
    const config = shippedConfig();
    const store = t.store;
    redis = pingClient(SHARED_REDIS_URL);
    app = await buildApi(
      {
        store,
        config: () => config,
        tokens: parseApiTokens(TOKENS_ENV),
        log: quietLog,
        clock: () => NOW,
        readiness: readinessProbes({ store: () => store, redis, workersRunning: () => true, evaluateCron: () => config.schedules.evaluate, startedAt: NOW, now: () => NOW }),
      },
      { bodyLimitBytes: config.http.body_limit_bytes, rateLimitPerMinute: config.http.rate_limit_per_minute },
    );
  });
  afterEach(async () => {
    await app.close();
    await redis.close();
    await t.cleanup();
  });
  const post = (url: string, payload: unknown, scope: 'ingest' | 'read' | 'admin' = 'admin') => app.inject({ method: 'POST', url, payload: payload as object, headers: auth(scope) });
  const get = (url: string, scope: 'ingest' | 'read' | 'admin' = 'read') => app.inject({ method: 'GET', url, headers: auth(scope) });

  it('ingests ratings and star changes (ingest scope), all or nothing', async () => {
    const bad = await post('/api/v1/ratings', [{ org: 'B001', year: 2026, stars: 5 }, { org: 'B001', year: 2026, stars: 9 }], 'ingest');
    expect(bad.statusCode).toBe(422);
    expect(bad.json().error.details.issues[0]).toMatchObject({ item: 1, field: 'stars' });
    expect((await t.store.rating.ratings('B001')).get('B001')!.map((r) => r.year)).toEqual([2025]);
    expect((await post('/api/v1/ratings', [{ org: 'B001', year: 2026, stars: 5 }, { org: 'B002', year: 2026, stars: 4 }], 'ingest')).statusCode).toBe(200);
    expect((await t.store.rating.ratings('B002')).get('B002')!.map((r) => [r.year, r.stars])).toEqual([[2025, 4], [2026, 4]]);
    const change = await post('/api/v1/star_changes', { id: 'X2', org: 'B001', effective_on: '2026-08-15', stars: 2, channel: '巡视巡察', reason: '巡察发现问题' }, 'ingest');
    expect(change.json()).toMatchObject({ table: 'star_changes', inserted: 1 });
    expect((await t.store.rating.starChanges('B001')).get('B001')!.map((c) => [c.id, c.stars, c.channel])).toEqual([['X1', 3, 'inspection'], ['X2', 2, 'inspection']]);
    expect((await post('/api/v1/ratings', { org: 'B001', year: 2026, stars: 5 }, 'read')).statusCode).toBe(403);
  });

  it('serves subsidies as JSON and the payment roll as XLSX, and a branch’s star history', async () => {
    const res = await get('/api/v1/rating/2026/subsidies');
    expect(res.statusCode).toBe(200);
    expect(res.json().branches.map((b: { org: string; subsidy_yuan: number; fund_yuan: number }) => [b.org, b.subsidy_yuan, b.fund_yuan])).toEqual([
      ['B001', 6 * 500 + 6 * 300, 0],
      ['B002', 0, 0],
    ]);
    const x = await get('/api/v1/rating/2026/subsidies?format=xlsx');
    expect(x.headers['content-type']).toMatch(/spreadsheetml/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(x.rawPayload as unknown as ArrayBuffer);
    expect(wb.getWorksheet('发放名册')!.getRow(3).values).toContain('东街村党支部');
    const h = await get('/api/v1/orgs/B001/stars');
    expect(h.json()).toMatchObject({ org: 'B001', day: '2026-11-27', stars_in_effect: 3 });
    expect((await get('/api/v1/orgs/NOPE/stars')).statusCode).toBe(404);
  });

  it('runs a campaign through the steps with admin tokens; refusals are 404/409/422 with bilingual messages', async () => {
    expect((await get('/api/v1/rating/2026/campaign')).statusCode).toBe(404);
    expect((await post('/api/v1/rating/2026/campaign', {}, 'read')).statusCode).toBe(403);
    expect((await post('/api/v1/rating/2026/campaign', { by: '组织部' })).statusCode).toBe(200);
    expect((await post('/api/v1/rating/2026/entries/B001/self', { stars: 5, scores: { 班子建设: 19 } })).statusCode).toBe(200);
    const early = await post('/api/v1/rating/2026/entries/B001/committee', { stars: 5 });
    expect(early.statusCode).toBe(409);
    expect(early.json().error.message).toMatch(/支部自评.*committee review/);
    expect((await post('/api/v1/rating/2026/campaign/advance', { reason: '自评结束' })).statusCode).toBe(200);
    expect((await post('/api/v1/rating/2026/entries/B001/committee', { stars: 7 })).statusCode).toBe(400);
    expect((await post('/api/v1/rating/2026/entries/NOPE/committee', { stars: 4 })).statusCode).toBe(404);
    expect((await post('/api/v1/rating/2026/entries/B001/committee', { stars: 4 })).statusCode).toBe(200);
    const status = await get('/api/v1/rating/2026/campaign');
    expect(status.json().campaign.state).toBe('committee_review');
    expect(status.json().entries[0]).toMatchObject({ org: 'B001', self_stars: 5, committee_stars: 4, estimates: { self_assessment: expect.any(Number), committee_review: expect.any(Number) } });
    expect(status.json().transitions.map((x: { actor: string }) => x.actor)).toEqual(['组织部', 'ops', 'ops', 'ops']);
  });

  it('designates a weak branch (admin) and lists it without the leader’s phone', async () => {
    const bad = await post('/api/v1/rating/weak', { org: 'B002', category: '风气不正', on: '2026-03-01' });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().error.message).toMatch(/未知的软弱涣散类别.*unknown category/);
    expect((await post('/api/v1/rating/weak', { org: 'B002', category: 'org_life', on: '2026-03-01' })).json()).toEqual({ id: 1 });
    const list = await get('/api/v1/rating/weak');
    expect(list.json().designations).toMatchObject([{ org: 'B002', category: 'org_life', designatedBy: 'ops', progress: { problems: 0 } }]);
    expect(list.json().designations[0]).not.toHaveProperty('townshipLeaderPhone');
  });
});
