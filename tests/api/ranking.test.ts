/**
 * GET /api/v1/ranking: the 大比武 board as JSON — the live board (实时, kept by the evaluate tick),
 * re-ranked after an ingest is re-evaluated, and a stored report period; filters, sorting, paging,
 * a token limited to one committee, and clear errors for what cannot be answered.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importRecords } from '../../src/import/index.js';
import { runReportTick } from '../../src/reports/generate.js';
import { reevaluateOrgs } from '../../src/jobs/reevaluate.js';
import { waitFor } from '../jobs/setup.js';
import { TOKENS_ENV, auth, evaluate, NOW, quietLog, startTestApi, type TestApi } from './setup.js';

const SCOPED = 'c02-scoped-token-0123456789';
let t: TestApi;

/** Meetings that make B001 the best-kept branch of the town. */
const B001_MEETINGS = ['2026-09', '2026-10', '2026-11'].flatMap((m, i) => [
  { id: `R-${i}-c`, org: 'B001', type: 'committee', held_at: `${m}-05T09:00:00+08:00`, expected: 5, attended: 5, minutes: true },
  { id: `R-${i}-g`, org: 'B001', type: 'group', held_at: `${m}-06T09:00:00+08:00`, expected: 10, attended: 9, minutes: true },
]);

beforeAll(async () => {
  t = await startTestApi({ tokens: `${TOKENS_ENV},c02:read@C02:${SCOPED}` });
  await importRecords(t.tmp.store, 'orgs', [
    { code: 'C02', name: '河西片区党委', kind: 'committee', parent: 'C01' },
    { code: 'B003', name: '<b>河西村</b>党支部', kind: 'branch', parent: 'C02', domain: 'rural', members: 12, groups: 0, established_on: '2010-01-01' },
  ], 'test', { now: NOW });
  await importRecords(t.tmp.store, 'meetings', B001_MEETINGS, 'test', { now: NOW });
  await evaluate(t);
});
afterAll(async () => {
  await t.close();
});

const get = (url: string, scope: 'read' | 'scoped' = 'read') =>
  t.app.inject({ method: 'GET', url, headers: scope === 'scoped' ? { authorization: `Bearer ${SCOPED}` } : auth('read') });

describe('GET /api/v1/ranking', () => {
  it('ranks the live board (实时) of every branch, best first, with its categories', async () => {
    const r = await get('/api/v1/ranking?period=live');
    expect(r.statusCode).toBe(200);
    const body = r.json();
    expect(body).toMatchObject({ period: 'live', total: 3, offset: 0, limit: 100 });
    expect(body.periodName).toContain('实时');
    expect(body.periods).toContain('live');
    expect(body.rows.map((x: { org: string }) => x.org)[0]).toBe('B001');
    expect(body.rows[0].position).toBe(1);
    expect(body.rows[0].score).toBeGreaterThan(body.rows[2].score);
    expect(body.rows.find((x: { org: string }) => x.org === 'B003').name).toBe('<b>河西村</b>党支部'); // data, not markup: JSON carries it as is
    expect(body.categories.length).toBeGreaterThan(0);
  });

  it('filters by domain and committee, sorts by a category, and pages', async () => {
    const rural = (await get('/api/v1/ranking?period=live&domain=rural')).json();
    expect(rural.rows.map((x: { org: string }) => x.org).sort()).toEqual(['B001', 'B003']);
    const c01 = (await get('/api/v1/ranking?period=live&committee=C01')).json();
    expect(c01.rows.map((x: { org: string }) => x.org).sort()).toEqual(['B001', 'B002']);
    const cat = (await get('/api/v1/ranking?period=live')).json().categories[0].id as string;
    const byCat = (await get(`/api/v1/ranking?period=live&sort=category:${cat}`)).json();
    expect(byCat.rows.map((x: { value: number | null }) => x.value)).toEqual(byCat.rows.map((x: { categories: Record<string, number | null> }) => x.categories[cat]));
    const page2 = (await get('/api/v1/ranking?period=live&limit=1&offset=1')).json();
    expect(page2).toMatchObject({ total: 3, offset: 1, limit: 1 });
    expect(page2.rows).toHaveLength(1);
    expect(page2.rows[0].org).toBe((await get('/api/v1/ranking?period=live')).json().rows[1].org);
  });

  it('shows a token limited to a committee only the branches of its subtree', async () => {
    const r = (await get('/api/v1/ranking?period=live', 'scoped')).json();
    expect(r.rows.map((x: { org: string }) => x.org)).toEqual(['B003']);
    expect(r.total).toBe(1);
    expect((await get('/api/v1/ranking?period=live&committee=C01', 'scoped')).statusCode).toBe(403);
  });

  it('re-ranks the live board after pushed records are re-evaluated', async () => {
    const before = (await get('/api/v1/ranking?period=live&domain=rural')).json();
    const b003Before = before.rows.find((x: { org: string }) => x.org === 'B003').score as number;
    let touched: string[] = [];
    const meetings = ['2026-09', '2026-10', '2026-11'].flatMap((m, i) => [
      { id: `H-${i}-c`, org: 'B003', type: 'committee', held_at: `${m}-05T09:00:00+08:00`, expected: 5, attended: 5, minutes: true },
      { id: `H-${i}-g`, org: 'B003', type: 'group', held_at: `${m}-06T09:00:00+08:00`, expected: 10, attended: 10, minutes: true },
    ]);
    await importRecords(t.tmp.store, 'meetings', meetings, 'api:test', { now: NOW, onTouched: (o) => (touched = [...o]) });
    expect(touched).toEqual(['B003']);
    await reevaluateOrgs(t.tmp.store, t.config, NOW, touched);
    // The board re-checks its version at most every few seconds (src/app/ranking.ts VERSION_TTL_MS).
    const score = async () => (await get('/api/v1/ranking?period=live&domain=rural')).json().rows.find((x: { org: string }) => x.org === 'B003').score as number;
    await waitFor('B003 re-scored on the live board', async () => (await score()) > b003Before, 15_000);
  });

  it('serves a stored report period, the default once one exists', async () => {
    await runReportTick({ store: t.tmp.store, config: t.config, available: [], log: quietLog }, 'month', NOW);
    await waitFor('the stored period listed', async () => (await get('/api/v1/ranking')).json().period === '2026-10', 15_000);
    const r = (await get('/api/v1/ranking')).json();
    expect(r.period).toBe('2026-10');
    expect(r.periods).toEqual(['live', '2026-10']);
    expect(r.total).toBe(3);
    expect(r.rows.every((x: { rank: number | null }) => x.rank !== null)).toBe(true);
  });

  it('answers 404 naming the periods there are, 400 for a bad query, 404 for an unknown committee, 401 without a token', async () => {
    const none = await get('/api/v1/ranking?period=2020-01');
    expect(none.statusCode).toBe(404);
    expect(none.json().error.message).toMatch(/没有 2020-01 的排名：可选期间为 live、2026-10/);
    expect((await get('/api/v1/ranking?period=live&sort=category:nope')).statusCode).toBe(400);
    expect((await get('/api/v1/ranking?period=live&sort=bogus')).statusCode).toBe(400);
    expect((await get('/api/v1/ranking?domain=moon')).statusCode).toBe(400);
    expect((await get('/api/v1/ranking?limit=0')).statusCode).toBe(400);
    expect((await get('/api/v1/ranking?committee=NOPE')).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/ranking' })).statusCode).toBe(401);
  });
});
