/** The leave routes of the HTTP API (请假: list, record, end) over the store tempStore() gives (SQLite or PostgreSQL). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, H, READ, TOWN_ADMIN, org, townshipApi, type TownshipApi } from '../helpers/township-api.js';

const NOW = Date.parse('2026-11-27T09:00:00+08:00');

describe('leave API', () => {
  let api: TownshipApi;
  let app: TownshipApi['app'];
  beforeAll(async () => {
    api = await townshipApi([org('B1', { deputy: '王副书记', deputyPhone: '13900000001' }), org('B3'), org('B2', { parent: 'T2' })], NOW);
    ({ app } = api);
  });
  afterAll(() => api.close());

  it('records (admin, within the token subtree), lists (read), ends early; bad requests are bilingual and name the field', async () => {
    const add = (token: string, payload: object) => app.inject({ method: 'POST', url: '/api/v1/leaves', headers: H(token), payload });
    const leave = { org: 'B1', from: '2026-11-25', to: '2026-12-10', reason: '外出学习' };
    expect((await add(READ, leave)).statusCode).toBe(403);
    expect((await add(TOWN_ADMIN, { ...leave, org: 'B2' })).json().error.code).toBe('outside_scope');
    const ok = await add(TOWN_ADMIN, leave);
    expect(ok.statusCode).toBe(201);
    expect(ok.json()).toMatchObject({ id: 1, org: 'B1', startsOn: '2026-11-25', endsOn: '2026-12-10', reason: '外出学习', createdBy: 'town', deputy: '王副书记', endedAt: null, createdAt: new Date(NOW).toISOString() });
    await add(ADMIN, { org: 'B2', from: '2026-11-01', to: '2026-11-30' });
    for (const [payload, status, text] of [
      [{ ...leave, org: 'X9' }, 404, 'org：未知的组织编码 "X9" / unknown org code'],
      [{ ...leave, from: '2026-13-01' }, 422, 'from：无效的日期 "2026-13-01"，应为 YYYY-MM-DD / from must be a date YYYY-MM-DD'],
      [{ ...leave, to: '2026-11-01' }, 422, 'to：结束日期 2026-11-01 早于开始日期 2026-11-25 / to is before from'],
      [{ ...leave, to: '2028-11-01' }, 422, 'to：请假'],
      [{ ...leave, reason: '坏\u0007' }, 422, 'reason：原因含有控制字符 / reason contains control characters'],
      [{ org: 'B1', from: '2026-11-25' }, 400, 'to'],
      [{ ...leave, extra: 1 }, 400, 'extra'],
    ] as const) {
      const r = await add(ADMIN, payload);
      expect(r.statusCode, JSON.stringify(payload)).toBe(status);
      // Schema errors (400) name the field in their details; the service's (404/422) in the message.
      expect(status === 400 ? JSON.stringify(r.json().error.details) : r.json().error.message).toContain(text);
      expect(r.body).not.toMatch(/at .*\.ts:\d+/);
    }
    const list = await app.inject({ method: 'GET', url: '/api/v1/leaves', headers: H(READ) });
    expect(list.json().leaves.map((l: { id: number }) => l.id)).toEqual([2, 1]);
    const town = await app.inject({ method: 'GET', url: '/api/v1/leaves', headers: H(TOWN_ADMIN) });
    expect(town.json().leaves.map((l: { org: string }) => l.org)).toEqual(['B1']);
    expect((await app.inject({ method: 'GET', url: '/api/v1/leaves?org=B2', headers: H(TOWN_ADMIN) })).statusCode).toBe(403);

    const end = (token: string, id: number) => app.inject({ method: 'POST', url: `/api/v1/leaves/${id}/end`, headers: H(token), payload: {} });
    expect((await end(READ, 1)).statusCode).toBe(403);
    expect((await end(TOWN_ADMIN, 2)).statusCode).toBe(403);
    const ended = await end(TOWN_ADMIN, 1);
    expect(ended.statusCode).toBe(200);
    expect(ended.json()).toMatchObject({ id: 1, endedBy: 'town', endedAt: new Date(NOW).toISOString() });
    expect((await end(ADMIN, 1)).json().error).toMatchObject({ code: 'conflict', message: 'id：请假 1 已提前结束 / leave 1 was ended already' });
    expect((await end(ADMIN, 42)).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: '/api/v1/leaves?all=true', headers: H(READ) })).json().leaves).toHaveLength(2);
    const openapi = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
    expect(Object.keys(openapi.paths)).toEqual(expect.arrayContaining(['/api/v1/leaves', '/api/v1/leaves/{id}/end']));
    expect(openapi.paths['/api/v1/leaves'].post['x-required-scope']).toBe('admin');
    expect(openapi.paths['/api/v1/leaves'].get['x-required-scope']).toBe('read');
  });
});
