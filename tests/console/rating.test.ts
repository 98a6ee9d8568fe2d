/**
 * The console's 评星定级 pages over HTTP (inject), on the store tempStore() gives: the campaign page
 * scoped to the user's subtree, the step forms (CSRF, city-wide admins for campaign-wide steps, a
 * township admin for its own branches only) recording who, when and why through the same services
 * as the CLI and API, and the audit log; the weak-branch page with masked phones and the month's
 * reminder state; subsidies with the payment roll; demonstration sites.
 */
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PAGE_CSP } from '../../src/console/security.js';
import { recordSelfAssessment } from '../../src/rating/campaign-service.js';
import { designateWeak, setMeasures } from '../../src/rating/weak-service.js';
import { NOW, signIn, startTestConsole, XSS_NAME, type TestConsole } from './setup.js';

let t: TestConsole;
let county: { cookie: string; csrf: string };
let town: { cookie: string; csrf: string };
let viewer: { cookie: string; csrf: string };
beforeAll(async () => {
  t = await startTestConsole();
  county = await signIn(t.app, 'county');
  town = await signIn(t.app, 'town1');
  viewer = await signIn(t.app, 'viewer');
}, 120_000);
afterAll(async () => t.close());

type S = { cookie: string; csrf: string };
const get = (url: string, s: S = county) => t.app.inject({ method: 'GET', url, headers: { cookie: s.cookie } });
const post = (url: string, s: S, form: Record<string, string>, csrf: string | null = s.csrf) =>
  t.app.inject({ method: 'POST', url, headers: { cookie: s.cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams({ ...form, ...(csrf === null ? {} : { _csrf: csrf }) }).toString() });

describe('the 评星定级 console pages', { timeout: 120_000 }, () => {
  it('runs the campaign from the console: open, advance with a reason, committee scores in scope only, city review, objection; CSRF and scope refused', async () => {
    const none = await get('/console/rating?year=2026');
    expect(none.statusCode).toBe(200);
    expect(none.headers['content-security-policy']).toBe(PAGE_CSP);
    expect(none.body).toContain('2026 年度评星定级尚未启动');
    expect(none.body).toContain('href="/console/rating" class="on"');

    // A form without its CSRF token, or with another session's, is refused; nothing opens.
    expect((await post('/console/rating/2026/open', county, {}, null)).statusCode).toBe(403);
    expect((await post('/console/rating/2026/open', county, {}, town.csrf)).statusCode).toBe(403);
    // A township admin cannot open the city's campaign; a viewer cannot act at all.
    expect((await post('/console/rating/2026/open', town, {})).statusCode).toBe(403);
    expect((await post('/console/rating/2026/open', viewer, {})).statusCode).toBe(403);
    expect(await t.store.rating.campaign(2026)).toBeUndefined();

    const opened = await post('/console/rating/2026/open', county, {});
    expect(opened.statusCode).toBe(303);
    expect(opened.headers.location).toBe('/console/rating?year=2026&done=open');
    // Self-assessments entered in the console: the township for its own branches only.
    expect((await post('/console/rating/2026/self', town, { org: 'B101', stars: '3' })).statusCode).toBe(303);
    expect((await post('/console/rating/2026/self', town, { org: 'B201', stars: '4' })).statusCode).toBe(403);
    expect((await post('/console/rating/2026/self', town, { org: 'B102', stars: '9' })).statusCode).toBe(422);
    for (const [org, stars] of [['B102', 5], ['B201', 4]] as const) await recordSelfAssessment(t.store, t.config, 2026, org, stars, null, { by: '支部', at: NOW });
    expect((await t.store.rating.campaignEntries(2026)).map((e) => [e.org, e.selfStars])).toEqual([['B101', 3], ['B102', 5], ['B201', 4]]);
    expect((await t.store.rating.transitions(2026)).find((x) => x.toState === 'self_assessment:B101')).toMatchObject({ actor: 'town1', reason: '自评 3 星' });

    // Advancing needs a reason; with one, the transition is recorded with who, when and why.
    expect((await post('/console/rating/2026/advance', county, { reason: '' })).statusCode).toBe(422);
    expect((await post('/console/rating/2026/advance', town, { reason: '自评结束' })).statusCode).toBe(403);
    expect((await post('/console/rating/2026/advance', county, { reason: '自评已全部完成' })).statusCode).toBe(303);
    expect((await t.store.rating.campaign(2026))!.state).toBe('committee_review');
    expect((await t.store.rating.transitions(2026)).at(-1)).toEqual({ year: 2026, fromState: 'self_assessment', toState: 'committee_review', actor: 'county', at: NOW, reason: '自评已全部完成' });
    const audit = await t.store.accounts.auditPage({ orgs: null, limit: 20, offset: 0 });
    const entry = audit.rows.find((r) => r.action === 'rating-advance')!;
    expect(entry).toMatchObject({ actor: 'county', target: 'rating:2026', at: NOW });
    expect(typeof entry.detail === 'string' ? JSON.parse(entry.detail) : entry.detail).toEqual({ from: 'self_assessment', to: 'committee_review', reason: '自评已全部完成' });

    // The township admin scores its own branches; another township's branch is 403 and unchanged.
    expect((await post('/console/rating/2026/committee', town, { org: 'B102', stars: '5' })).statusCode).toBe(303);
    expect((await post('/console/rating/2026/committee', town, { org: 'B101', stars: '3' })).statusCode).toBe(303);
    const outside = await post('/console/rating/2026/committee', town, { org: 'B201', stars: '5' });
    expect(outside.statusCode).toBe(403);
    expect(outside.body).toContain('不在您所属组织的范围内');
    expect((await post('/console/rating/2026/committee', county, { org: 'B201', stars: '4' })).statusCode).toBe(303);
    const entries = new Map((await t.store.rating.campaignEntries(2026)).map((e) => [e.org, e.committeeStars]));
    expect([...entries]).toEqual([['B101', 3], ['B102', 5], ['B201', 4]]);
    expect((await t.store.rating.transitions(2026)).find((x) => x.toState === 'committee_review:B102')).toMatchObject({ actor: 'town1', reason: '党委考评拟定 5 星' });

    // The page of the township user: its branches only, the XSS name escaped, the current step marked.
    const mine = await get('/console/rating?year=2026', town);
    expect(mine.statusCode).toBe(200);
    expect(mine.body).toContain('南街村党支部');
    expect(mine.body).not.toContain('河口村党支部');
    expect(mine.body).not.toContain(XSS_NAME);
    expect(mine.body).toContain('&lt;script&gt;');
    expect(mine.body).toMatch(/<li class="on">党委考评<\/li>/);
    expect(mine.body).toContain('共 2 个支部');
    expect(mine.body).not.toContain('id="advance-form"'); // not a city-wide admin
    expect(mine.body).toContain('id="committee-form"');
    const all = await get('/console/rating?year=2026');
    expect(all.body).toContain('河口村党支部');
    expect(all.body).toContain('id="advance-form"');
    expect(all.body).toContain('共 3 个支部');

    // City review: cancel B102's five-star eligibility with a reason (city-wide admins only).
    expect((await post('/console/rating/2026/advance', county, { reason: '党委考评完成' })).statusCode).toBe(303);
    expect((await post('/console/rating/2026/city', town, { org: 'B102', action: 'cancel', reason: '材料不实' })).statusCode).toBe(403);
    expect((await post('/console/rating/2026/city', county, { org: 'B102', action: 'cancel', reason: '' })).statusCode).toBe(422);
    const notCandidate = await post('/console/rating/2026/city', county, { org: 'B201', action: 'cancel', reason: '复核' });
    expect(notCandidate.statusCode).toBe(409);
    expect(notCandidate.body).toContain('不是五星候选');
    expect((await post('/console/rating/2026/city', county, { org: 'B102', action: 'cancel', reason: '群众满意度测评不达标' })).statusCode).toBe(303);
    expect((await t.store.rating.campaignEntries(2026)).find((e) => e.org === 'B102')).toMatchObject({ fiveStarCancelled: true, cityReason: '群众满意度测评不达标' });
    const reviewed = await get('/console/rating?year=2026');
    expect(reviewed.body).toMatch(/取消五星<\/span> 群众满意度测评不达标/);

    // Public notice: an objection about a branch in scope; answered by the county.
    expect((await post('/console/rating/2026/advance', county, { reason: '复核完成，进入公示' })).statusCode).toBe(303);
    expect((await post('/console/rating/2026/objections', town, { org: 'B201', text: '有异议' })).statusCode).toBe(403);
    expect((await post('/console/rating/2026/objections', town, { org: 'B102', text: '该村党员反映活动记录不全' })).statusCode).toBe(303);
    const [o] = await t.store.rating.objections(2026);
    expect(o).toMatchObject({ org: 'B102', raisedBy: 'town1', answer: null });
    expect((await post(`/console/rating/objections/${o!.id}/answer`, county, { text: '经核实，记录已补齐' })).statusCode).toBe(303);
    expect((await t.store.rating.objection(o!.id))).toMatchObject({ answer: '经核实，记录已补齐', answeredBy: 'county' });
    const notice = await get('/console/rating?year=2026', town);
    expect(notice.body).toContain('该村党员反映活动记录不全');
    expect(notice.body).toContain('经核实，记录已补齐');
    expect(notice.body).toMatch(/公示期 2026-11-27 至 2026-12-\d\d/);
  });

  it('shows weak branches with 四个一, masked phones and the month’s reminder state, scoped', async () => {
    const id = await designateWeak(t.store, { org: 'B201', category: 'org_life', on: '2026-03-01', reason: '班子不团结', by: '组织部' }, NOW);
    await setMeasures(t.store, id, { townshipLeader: '赵镇长', townshipLeaderPhone: '13912345678', firstSecretary: '钱第一书记' });
    const page = await get('/console/rating/weak');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('河口村党支部');
    expect(page.body).toContain('镇（街）领导包抓：赵镇长');
    expect(page.body).toContain('市级领导联系：未落实');
    expect(page.body).not.toContain('13912345678');
    expect(page.body).toContain('139****5678');
    expect(page.body).toContain('尚未生成（每月 1 日发送）');
    // Once the month's reminder is planned, its state shows (a combined one is marked).
    await t.store.rating.planReminders({ sendDay: '2026-11-27', notBefore: NOW, now: NOW, phonesOf: () => [] }, () => ({
      reminders: [{ recipientKey: 'email:town2@example.org', designationIds: [id], org: 'B201', month: '2026-11', subject: 's', text: 't', smsParams: {} }],
      sends: [{ recipientKey: 'email:town2@example.org', logical: 'email', channel: 'email', recipient: 'town2@example.org', route: ['email'], contacts: { phone: null, email: 'town2@example.org', robot: null } }],
      result: null,
    }));
    const planned = await get('/console/rating/weak');
    expect(planned.body).toMatch(/t\*\*\*@example\.org：<span class="tag rs-pending">待发送<\/span>/);
    // The township of C01 does not see C02's designation.
    const mine = await get('/console/rating/weak', town);
    expect(mine.statusCode).toBe(200);
    expect(mine.body).not.toContain('河口村党支部');
    expect(mine.body).toContain('范围内没有软弱涣散党组织');
  });

  it('shows subsidies of the user’s scope with the XLSX payment roll, and demonstration sites', async () => {
    await t.store.rating.saveStarChange({ id: 'S1', org: 'B102', effectiveOn: '2026-01-01', stars: 5, channel: 'other', reason: '测试', evidence: null }, NOW);
    await t.store.rating.saveStarChange({ id: 'S2', org: 'B201', effectiveOn: '2026-01-01', stars: 4, channel: 'other', reason: '测试', evidence: null }, NOW);
    const page = await get('/console/rating/subsidies?year=2026');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('下载发放名册（XLSX）');
    const mine = await get('/console/rating/subsidies?year=2026', town);
    expect(mine.body).not.toContain('河口村党支部');
    expect(mine.body).toContain('南街村党支部');
    const xlsx = await get('/console/rating/subsidies.xlsx?year=2026', town);
    expect(xlsx.statusCode).toBe(200);
    expect(xlsx.headers['content-type']).toContain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const cells = wb.worksheets[0]!.getSheetValues().flat().map(String).join('|');
    expect(cells).toContain('南街村党支部');
    expect(cells).not.toContain('河口村党支部');
    expect((await get('/console/rating/subsidies?year=20x6')).statusCode).toBe(400);
    const sites = await get('/console/rating/sites');
    expect(sites.statusCode).toBe(200);
    expect(sites.body).toContain('范围内没有示范点');
  });
});
