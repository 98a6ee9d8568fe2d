/** The exemption routes of the HTTP API over the store tempStore() gives (SQLite or PostgreSQL). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, H, READ, TOWN_ADMIN, org, townshipApi, type TownshipApi } from '../helpers/township-api.js';

const NOW = Date.parse('2026-11-27T09:00:00+08:00');

describe('exemption API', () => {
  let api: TownshipApi;
  let app: TownshipApi['app'];
  beforeAll(async () => {
    api = await townshipApi([org('B1'), org('B2', { parent: 'T2' })], NOW);
    ({ app } = api);
  });
  afterAll(() => api.close());

  it('grants (admin), lists (read), ends early; a scoped token stays in its subtree; bad requests name the field', async () => {
    const granted = await app.inject({ method: 'POST', url: '/api/v1/exemptions', headers: H(ADMIN), payload: { org: 'T1', from: '2026-11-01', to: '2026-12-31', reason: '党委换届', approver: '县委组织部' } });
    expect(granted.statusCode).toBe(201);
    expect(granted.json()).toMatchObject({ id: 1, org: 'T1', rule: null, scopeZh: '全部规则', createdBy: 'ops', endedAt: null });
    expect((await app.inject({ method: 'POST', url: '/api/v1/exemptions', headers: H(READ), payload: { org: 'T1', from: '2026-11-01', to: '2026-11-02', reason: 'r', approver: 'a' } })).statusCode).toBe(403);
    // The township's token: its own subtree yes, the neighbour no.
    const own = await app.inject({ method: 'POST', url: '/api/v1/exemptions', headers: H(TOWN_ADMIN), payload: { org: 'B1', rule: 'lecture-quarterly', from: '2026-11-01', to: '2026-11-30', reason: '受灾', approver: '镇党委' } });
    expect(own.statusCode).toBe(201);
    const other = await app.inject({ method: 'POST', url: '/api/v1/exemptions', headers: H(TOWN_ADMIN), payload: { org: 'B2', from: '2026-11-01', to: '2026-11-30', reason: '受灾', approver: '镇党委' } });
    expect(other.statusCode).toBe(403);
    const list = await app.inject({ method: 'GET', url: '/api/v1/exemptions', headers: H(READ) });
    expect(list.json().exemptions.map((e: { id: number }) => e.id)).toEqual([2, 1]);
    for (const [payload, status, text] of [
      [{ org: 'X9', from: '2026-11-01', to: '2026-11-02', reason: 'r', approver: 'a' }, 404, 'org：未知的组织编码'],
      [{ org: 'B1', rule: 'nope', from: '2026-11-01', to: '2026-11-02', reason: 'r', approver: 'a' }, 422, 'rule：未知的规则'],
      [{ org: 'B1', from: '2026-11-01', to: '2027-11-02', reason: 'r', approver: 'a' }, 422, 'exemptions.max_days'],
      [{ org: 'B1', from: '2026-02-30', to: '2026-11-02', reason: 'r', approver: 'a' }, 422, 'from：无效的日期'],
    ] as const) {
      const r = await app.inject({ method: 'POST', url: '/api/v1/exemptions', headers: H(ADMIN), payload });
      expect(r.statusCode, JSON.stringify(payload)).toBe(status);
      expect(r.body).toContain(text);
      expect(r.body).not.toMatch(/at .*\.ts:\d+/);
    }
    const ended = await app.inject({ method: 'POST', url: '/api/v1/exemptions/1/end', headers: H(ADMIN), payload: { note: '换届完成' } });
    expect(ended.statusCode).toBe(200);
    expect(ended.json()).toMatchObject({ id: 1, endedBy: 'ops', endNote: '换届完成' });
    expect((await app.inject({ method: 'POST', url: '/api/v1/exemptions/1/end', headers: H(ADMIN), payload: {} })).statusCode).toBe(409);
    expect((await app.inject({ method: 'POST', url: '/api/v1/exemptions/42/end', headers: H(ADMIN), payload: {} })).statusCode).toBe(404);
    expect((await app.inject({ method: 'POST', url: '/api/v1/exemptions/1/end', headers: H(TOWN_ADMIN), payload: {} })).statusCode).toBe(409);
    const all = await app.inject({ method: 'GET', url: '/api/v1/exemptions?all=true', headers: H(TOWN_ADMIN) });
    expect(all.json().exemptions.map((e: { id: number }) => e.id)).toEqual([2, 1]);
    const openapi = await app.inject({ method: 'GET', url: '/openapi.json' });
    expect(Object.keys(openapi.json().paths)).toContain('/api/v1/exemptions/{id}/end');
  });
});
