/**
 * The console's 豁免 and 请假 pages over HTTP (inject), on the store tempStore() gives: lists scoped
 * to the user's subtree, grant / record and end forms behind the CSRF token, refused for viewers,
 * bilingual errors naming the field with what was typed kept, names escaped, every change audited.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PAGE_CSP } from '../../src/console/security.js';
import { NOW, signIn, startTestConsole, XSS_NAME, type TestConsole } from './setup.js';

let t: TestConsole;
type S = { cookie: string; csrf: string };
let county: S;
let town: S;
let viewer: S;
beforeAll(async () => {
  t = await startTestConsole();
  county = await signIn(t.app, 'county');
  town = await signIn(t.app, 'town1');
  viewer = await signIn(t.app, 'viewer');
});
afterAll(async () => t.close());

const get = (url: string, s: S = county) => t.app.inject({ method: 'GET', url, headers: { cookie: s.cookie } });
const post = (url: string, s: S, payload: Record<string, string>, csrf: string | null = s.csrf) =>
  t.app.inject({ method: 'POST', url, headers: { cookie: s.cookie }, payload: csrf === null ? payload : { ...payload, _csrf: csrf } });

describe('the 豁免 page', () => {
  it('grants and ends exemptions within the subtree, CSRF-checked, audited; errors name the field', async () => {
    const page = await get('/console/exemptions');
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-security-policy']).toBe(PAGE_CSP);
    expect(page.body).toContain('新增豁免');
    expect(page.body).toContain('href="/console/exemptions" class="on"');

    const grant = { org: 'B101', rule: 'lecture-quarterly', from: '2026-11-20', to: '2026-12-20', reason: '支部合并', approver: '城关镇党委' };
    // Without the CSRF token, or with another session's: refused, nothing written.
    expect((await post('/console/exemptions', town, grant, null)).statusCode).toBe(403);
    expect((await post('/console/exemptions', town, grant, county.csrf)).statusCode).toBe(403);
    expect(await t.store.exemptions.list({ all: true })).toEqual([]);
    // A viewer may look but not act; a township admin not outside its township.
    expect((await post('/console/exemptions', viewer, grant)).statusCode).toBe(403);
    expect((await get('/console/exemptions', viewer)).body).not.toContain('id="exemption-form"');
    const outside = await post('/console/exemptions', town, { ...grant, org: 'B201' });
    expect(outside.statusCode).toBe(403);
    expect(outside.body).toContain('不在您所属组织的范围内');

    // Validation: bilingual, naming the field, what was typed kept in the form.
    for (const [over, field, text] of [
      [{ org: 'X9' }, 'org', 'org：未知的组织编码 "X9" / unknown org code'],
      [{ from: '2026-02-30' }, 'from', 'from：无效的日期 "2026-02-30"，应为 YYYY-MM-DD / from must be a date YYYY-MM-DD'],
      [{ to: '2027-12-31' }, 'to', '（exemptions.max_days）'],
      [{ reason: '' }, 'reason', 'reason：请填写豁免原因 / reason is required'],
      [{ rule: 'nope' }, 'rule', 'rule：未知的规则 "nope"'],
    ] as const) {
      const r = await post('/console/exemptions', town, { ...grant, ...over });
      expect(r.statusCode, field).toBe(field === 'org' ? 404 : 422);
      expect(r.body).toContain(text.replace(/"/g, '&quot;'));
      expect(r.body).toContain('value="城关镇党委"'); // the approver typed is still there
      expect(r.body).not.toMatch(/at .*\.ts:\d+/);
    }

    const ok = await post('/console/exemptions', town, grant);
    expect(ok.statusCode).toBe(303);
    expect(ok.headers.location).toBe('/console/exemptions?done=added');
    const [e] = await t.store.exemptions.list({ all: true });
    expect(e).toMatchObject({ org: 'B101', rule: 'lecture-quarterly', startsOn: '2026-11-20', endsOn: '2026-12-20', createdBy: 'town1' });
    const listed = await get('/console/exemptions?done=added', town);
    expect(listed.body).toContain('已新增豁免。');
    expect(listed.body).toContain('生效中');
    expect(listed.body).toContain('党课');
    expect(listed.body).not.toContain(XSS_NAME); // the branch's imported name is escaped
    expect(listed.body).toContain('&lt;script&gt;');
    // The other township sees nothing of it (the county's admin a second township user would be): only its own subtree.
    await post('/console/exemptions', county, { ...grant, org: 'B201', rule: '' });
    const townList = await get('/console/exemptions', town);
    expect(townList.body).not.toContain('河口村党支部');

    expect((await post(`/console/exemptions/${e!.id}/end`, viewer, { note: 'x' })).statusCode).toBe(403);
    const ended = await post(`/console/exemptions/${e!.id}/end`, town, { note: '合并完成' });
    expect(ended.statusCode).toBe(303);
    expect(await t.store.exemptions.get(e!.id)).toMatchObject({ endedBy: 'town1', endNote: '合并完成' });
    const again = await post(`/console/exemptions/${e!.id}/end`, town, {});
    expect(again.statusCode).toBe(409);
    expect(again.body).toContain(`id：豁免 ${e!.id} 已提前结束 / exemption ${e!.id} was ended already`);
    expect((await post('/console/exemptions/999/end', town, {})).statusCode).toBe(404);

    const audit = await t.store.accounts.auditPage({ orgs: ['B101'], limit: 10, offset: 0 });
    expect(audit.rows.map((r) => [r.actor, r.action, r.target])).toEqual([
      ['town1', 'exemption-end', `exemption:${e!.id}`],
      ['town1', 'exemption-grant', `exemption:${e!.id}`],
    ]);
    expect(NOW).toBeGreaterThan(0);
  });
});

describe('the 请假 page', () => {
  it('records and ends leaves within the subtree, CSRF-checked, audited; errors name the field', async () => {
    const page = await get('/console/leaves', town);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('登记请假');
    // The township user's branch list holds its own branches only.
    expect(page.body).toContain('value="B102"');
    expect(page.body).not.toContain('value="B201"');

    const leave = { org: 'B102', from: '2026-11-25', to: '2026-12-05', reason: '外出学习' };
    expect((await post('/console/leaves', town, leave, null)).statusCode).toBe(403);
    expect((await post('/console/leaves', viewer, leave)).statusCode).toBe(403);
    expect((await post('/console/leaves', town, { ...leave, org: 'B201' })).statusCode).toBe(403);
    for (const [over, text] of [
      [{ from: 'tomorrow' }, 'from：无效的日期 "tomorrow"'],
      [{ to: '2026-11-01' }, 'to：结束日期 2026-11-01 早于开始日期 2026-11-25 / to is before from'],
      [{ to: '2028-01-01' }, 'to：请假 403 天，超过 366 天'],
      [{ org: '' }, 'org：未知的组织编码 "" / unknown org code'],
    ] as const) {
      const r = await post('/console/leaves', town, { ...leave, ...over });
      expect(r.statusCode).toBeGreaterThanOrEqual(400);
      expect(r.body).toContain(text.replace(/"/g, '&quot;'));
      expect(r.body).toContain('value="外出学习"');
    }
    expect(await t.store.leaves.list({ all: true })).toEqual([]);

    const ok = await post('/console/leaves', town, leave);
    expect(ok.statusCode).toBe(303);
    const [l] = await t.store.leaves.list({ all: true });
    expect(l).toMatchObject({ org: 'B102', startsOn: '2026-11-25', endsOn: '2026-12-05', reason: '外出学习', createdBy: 'town1' });
    const listed = await t.app.inject({ method: 'GET', url: ok.headers.location as string, headers: { cookie: town.cookie } });
    expect(listed.body).toContain('已登记请假');
    expect(listed.body).toContain('南街村党支部');
    expect(listed.body).toContain('生效中');

    const ended = await post(`/console/leaves/${l!.id}/end`, town, {});
    expect(ended.statusCode).toBe(303);
    expect((await t.store.leaves.list({ all: true }))[0]).toMatchObject({ endedBy: 'town1' });
    const twice = await post(`/console/leaves/${l!.id}/end`, town, {});
    expect(twice.statusCode).toBe(409);
    expect(twice.body).toContain(`id：请假 ${l!.id} 已提前结束 / leave ${l!.id} was ended already`);
    const audit = await t.store.accounts.auditPage({ orgs: ['B102'], limit: 10, offset: 0 });
    expect(audit.rows.map((r) => r.action)).toEqual(['leave-end', 'leave-add']);
    // The audit page says what happened in Chinese.
    const page2 = await get('/console/audit', town);
    expect(page2.body).toContain('提前结束请假');
    expect(page2.body).toContain('登记书记请假');
    expect(page2.body).toContain('新增豁免');
  });
});
