/** The org routes of the HTTP API (list, remove) over the store tempStore() gives (SQLite or PostgreSQL). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Org } from '../../src/domain/types.js';
import { ADMIN, H, READ, TOWN_ADMIN, org, townshipApi, type TownshipApi } from '../helpers/township-api.js';

const NOW = Date.parse('2026-11-27T09:00:00+08:00');

describe('org API', () => {
  let api: TownshipApi;
  let app: TownshipApi['app'];
  beforeAll(async () => {
    api = await townshipApi([org('B1'), org('B3'), org('B2', { parent: 'T2' })], NOW);
    ({ app } = api);
  });
  afterAll(() => api.close());

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
