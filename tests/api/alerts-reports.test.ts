import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auth, evaluate, startTestApi, type TestApi } from './setup.js';

// One database for the whole file: the town is evaluated once (its branches hold no meetings, so
// every obligation lapses); tests that acknowledge use alerts no other test looks at.
let t: TestApi;
beforeAll(async () => {
  t = await startTestApi();
  await evaluate(t);
});
afterAll(async () => {
  await t.close();
});

describe('GET /api/v1/alerts', () => {
  it('lists the open alerts newest first with Chinese names of rule and level', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/alerts', headers: auth('read') });
    expect(res.statusCode).toBe(200);
    const alerts = res.json().alerts as Record<string, unknown>[];
    expect(alerts.length).toBeGreaterThan(5);
    expect(alerts[0]).toMatchObject({ org: expect.stringMatching(/^B00[12]$/), state: expect.any(String), levelZh: expect.stringMatching(/提醒|预警|督办/) });
    const ids = alerts.map((a) => a.id as number);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    expect(alerts.find((a) => a.rule === 'committee-monthly' && a.period === '2026-10')).toMatchObject({ ruleZh: expect.stringContaining('支委会') });
  });

  it('filters by organization and limits the count', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/alerts?org=B002&limit=2', headers: auth('read') });
    const alerts = res.json().alerts as { org: string }[];
    expect(alerts).toHaveLength(2);
    expect(new Set(alerts.map((a) => a.org))).toEqual(new Set(['B002']));
  });

  it('answers 404 for an unknown organization and 400 for a bad query', async () => {
    const unknown = await t.app.inject({ method: 'GET', url: '/api/v1/alerts?org=NOPE', headers: auth('read') });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('unknown_org');
    const bad = await t.app.inject({ method: 'GET', url: '/api/v1/alerts?limit=0&colour=red', headers: auth('read') });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatchObject({ code: 'invalid_request', details: expect.arrayContaining([expect.objectContaining({ field: 'limit' })]) });
  });
});

describe('POST /api/v1/alerts/:id/acknowledge', () => {
  const firstOpen = async (org: string) => {
    const res = await t.app.inject({ method: 'GET', url: `/api/v1/alerts?org=${org}`, headers: auth('read') });
    return (res.json().alerts as { id: number; state: string; level: string }[]).find((a) => a.state === 'open')!;
  };

  it('records the plan and deadline, caps the level at warning, and names the token as who by default', async () => {
    const a = await firstOpen('B001');
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/alerts/${a.id}/acknowledge`,
      headers: auth('admin'),
      payload: { plan: '12月10日前召开支委会并补录记录', by: '2026-12-15' },
    });
    expect(res.statusCode).toBe(200);
    const [ack] = res.json().alerts;
    expect(ack).toMatchObject({ id: a.id, state: 'acknowledged', acknowledgement: { plan: '12月10日前召开支委会并补录记录', by: '2026-12-15', who: 'ops' } });
    expect(['reminder', 'warning']).toContain(ack.level);
  });

  it('rejects a past or malformed deadline with 422, a missing plan with 400, and an unknown id with 404', async () => {
    const a = await firstOpen('B002');
    const url = `/api/v1/alerts/${a.id}/acknowledge`;
    const past = await t.app.inject({ method: 'POST', url, headers: auth('admin'), payload: { plan: '整改', by: '2026-11-01' } });
    expect(past.statusCode).toBe(422);
    expect(past.json().error.message).toMatch(/已过/);
    const malformed = await t.app.inject({ method: 'POST', url, headers: auth('admin'), payload: { plan: '整改', by: '2026-13-45' } });
    expect(malformed.statusCode).toBe(422);
    const noPlan = await t.app.inject({ method: 'POST', url, headers: auth('admin'), payload: { by: '2026-12-15' } });
    expect(noPlan.statusCode).toBe(400);
    expect(noPlan.json().error.details).toEqual([expect.objectContaining({ field: 'plan' })]);
    const unknown = await t.app.inject({ method: 'POST', url: '/api/v1/alerts/999999/acknowledge', headers: auth('admin'), payload: { plan: 'x', by: '2026-12-15' } });
    expect(unknown.statusCode).toBe(404);
    expect((await firstOpen('B002')).id).toBe(a.id);
  });

  it('needs the admin scope', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/alerts/1/acknowledge', headers: auth('read'), payload: { plan: 'x', by: '2026-12-15' } });
    expect(res.statusCode).toBe(403);
  });
});

describe('GET /api/v1/reports/:org', () => {
  it('computes a branch report for a completed month as JSON', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/reports/B001?period=2026-10', headers: auth('read') });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    const r = res.json();
    expect(r).toMatchObject({ org: 'B001', period: '2026-10' });
    expect(r.problems.length).toBeGreaterThan(0);
  });

  it('renders HTML when asked by format or by the Accept header', async () => {
    const byFormat = await t.app.inject({ method: 'GET', url: '/api/v1/reports/B001?period=2026-10&format=html', headers: auth('read') });
    expect(byFormat.headers['content-type']).toMatch(/text\/html/);
    expect(byFormat.body).toMatch(/<html/i);
    expect(byFormat.body).toContain('东街村党支部');
    const byAccept = await t.app.inject({ method: 'GET', url: '/api/v1/reports/B001?period=2026-10', headers: { ...auth('read'), accept: 'text/html' } });
    expect(byAccept.headers['content-type']).toMatch(/text\/html/);
  });

  it('gives a committee its summary', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/reports/C01?period=2026-Q3', headers: auth('read') });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ org: 'C01', period: '2026-Q3' });
  });

  it('answers 404 for an unknown org, 400 for a bad period label and 422 for a period not over yet', async () => {
    const unknown = await t.app.inject({ method: 'GET', url: '/api/v1/reports/NOPE?period=2026-10', headers: auth('read') });
    expect(unknown.statusCode).toBe(404);
    const bad = await t.app.inject({ method: 'GET', url: '/api/v1/reports/B001?period=2026-13', headers: auth('read') });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('invalid_period');
    const current = await t.app.inject({ method: 'GET', url: '/api/v1/reports/B001?period=2026-11', headers: auth('read') });
    expect(current.statusCode).toBe(422);
    expect(current.json().error.message).toMatch(/尚未结束/);
  });
});
