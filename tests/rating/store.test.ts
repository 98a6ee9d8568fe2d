/**
 * The campaign's and the designations' transactions of the store port (rating.campaignStep,
 * weakStep, chooseDemoSite, estimateFacts), on the store tempStore() gives (SQLite or PostgreSQL),
 * and what the named lock "rating" guarantees when two admins act at once from two connections.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Meeting } from '../../src/domain/types.js';
import { advanceCampaign, openCampaign, recordSelfAssessment } from '../../src/rating/campaign-service.js';
import { RatingError } from '../../src/rating/errors.js';
import { estimateStars } from '../../src/rating/estimate.js';
import { designateWeak, removeDesignation } from '../../src/rating/weak-service.js';
import { openStore } from '../../src/store/open.js';
import type { Store } from '../../src/store/port.js';
import { fallbackPolicy } from '../../src/delivery/index.js';
import { reminderDeliveryKey } from '../../src/domain/reminders.js';
import { shippedConfig } from '../helpers/config.js';
import { tempStore, type TempStore } from '../helpers/store.js';
import { NOW, seedOrgs } from './seed.js';

const at = (s: string) => Date.parse(`${s}+08:00`);

describe('the rating transactions of the store port', () => {
  let t: TempStore;
  let second: Store;
  beforeEach(async () => {
    t = await tempStore();
    await seedOrgs(t, [['C1', '镇党委', 'committee', null], ['B1', '一村', 'branch', 'C1', 'rural', { secretary: '张三' }], ['B2', '二村', 'branch', 'C1', 'rural']], [
      { org: 'B1', period: '2026-Q3', item: '安全事故' },
      { org: 'B2', period: '2025', item: '去年的' },
    ]);
    second = await openStore(t.spec);
  });
  afterEach(async () => {
    await second.close();
    await t.cleanup();
  });

  it('campaignStep loads the scope (one branch, or the year), applies the write, and writes nothing when decide throws', async () => {
    const input = { year: 2026, vetoPeriods: ['2026', '2026-Q3'], day: '2026-12-01' };
    expect(await t.store.rating.branch('B1')).toEqual({ code: 'B1', name: '一村', parent: 'C1', parentName: '镇党委', domain: 'rural', secretary: '张三' });
    expect(await t.store.rating.branch('C1')).toBeUndefined();
    const first = await t.store.rating.campaignStep({ ...input, org: 'B1' }, (load) => {
      expect(load.campaign).toBeUndefined();
      expect([...load.branches.keys()]).toEqual(['B1']);
      expect(load.vetoes).toEqual(new Map([['B1', ['2026-Q3 安全事故']]]));
      return {
        write: {
          open: { by: '组织部', at: NOW },
          entry: { org: 'B1', step: 'self', stars: 4, scores: { 班子建设: 18 }, estimates: { self_assessment: 2 }, by: '书记', at: NOW },
          objection: { org: 'B1', text: '异议', by: '群众', at: NOW },
          transitions: [{ fromState: null, toState: 'objection:{objection}', actor: '组织部', at: NOW, reason: null }],
        },
        result: 'ok',
      };
    });
    expect(first.result).toBe('ok');
    expect(first.objectionId).toBeGreaterThan(0);
    expect(await t.store.rating.transitions(2026)).toEqual([{ year: 2026, fromState: null, toState: `objection:${first.objectionId}`, actor: '组织部', at: NOW, reason: null }]);
    expect(await t.store.rating.objection(first.objectionId!)).toMatchObject({ year: 2026, org: 'B1', text: '异议', answer: null });
    await expect(
      t.store.rating.campaignStep(input, (load) => {
        expect([...load.branches.keys()]).toEqual(['B1', 'B2']);
        expect(load.entries.map((e) => [e.org, e.selfStars, e.selfScores, e.estimates])).toEqual([['B1', 4, { 班子建设: 18 }, { self_assessment: 2 }]]);
        expect(load.objections).toHaveLength(1);
        throw new RatingError('不行', 'no');
      }),
    ).rejects.toBeInstanceOf(RatingError);
    await t.store.rating.campaignStep(input, () => ({
      write: {
        move: { from: 'self_assessment', to: 'filed', filedAt: NOW + 1 },
        file: { ratings: [{ org: 'B1', year: 2026, stars: 4, ratedOn: '2026-12-20' }], at: NOW },
        answer: { id: first.objectionId!, text: '已核实', by: '组织部', at: NOW },
        transitions: [],
      },
      result: null,
    }));
    expect(await t.store.rating.campaign(2026)).toMatchObject({ state: 'filed', openedBy: '组织部', filedAt: NOW + 1 });
    expect((await t.store.rating.ratings()).get('B1')).toEqual([{ org: 'B1', year: 2026, stars: 4, ratedOn: '2026-12-20' }]);
    expect((await t.store.rating.objections(2026))[0]).toMatchObject({ answer: '已核实', answeredBy: '组织部' });
    // A move from a state the campaign is no longer at writes nothing.
    await expect(t.store.rating.campaignStep(input, () => ({ write: { move: { from: 'self_assessment', to: 'committee_review' }, transitions: [{ fromState: 'self_assessment', toState: 'x', actor: 'a', at: 1, reason: null }] }, result: null }))).rejects.toThrow();
    expect(await t.store.rating.transitions(2026)).toHaveLength(1);
  });

  it('two admins designating the same branch at once from two connections: one designation, the other refused', async () => {
    const results = await Promise.allSettled([
      designateWeak(t.store, { org: 'B2', category: 'org_life', on: '2026-03-01', by: '甲' }, NOW),
      designateWeak(second, { org: 'B2', category: 'leadership', on: '2026-03-02', by: '乙' }, NOW),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect((refused.reason as RatingError).zh).toMatch(/已被确定为软弱涣散且尚未摘帽/);
    expect(await t.store.rating.weakDesignations({ org: 'B2' })).toHaveLength(1);
  });

  it('two admins advancing the campaign at once: it moves one step, the second decides on the moved campaign', async () => {
    const config = shippedConfig();
    await openCampaign(t.store, 2026, { by: '组织部', at: at('2026-12-01T09:00') });
    await recordSelfAssessment(t.store, config, 2026, 'B2', 4, null, { by: '书记', at: at('2026-12-01T10:00') });
    const a = { by: '甲', at: at('2026-12-02T09:00') };
    const results = await Promise.allSettled([advanceCampaign(t.store, config, 2026, null, a), advanceCampaign(second, config, 2026, null, { ...a, by: '乙' })]);
    // The second sees committee_review and refuses (B2 has no committee review), never a double step.
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason as RatingError).zh).toMatch(/尚无党委考评结果：B2/);
    expect((await t.store.rating.campaign(2026))!.state).toBe('committee_review');
    expect((await t.store.rating.transitions(2026)).filter((x) => x.toState === 'committee_review')).toHaveLength(1);
  });

  it('the demonstration-site check and write are one step; removal says whether there was one', async () => {
    const check = (load: { branch: unknown; rating: { stars: number } | undefined }) => {
      if (load.rating?.stars !== 5) throw new RatingError('非五星', 'not five stars');
    };
    await expect(t.store.rating.chooseDemoSite({ org: 'B1', year: 2026, level: 'city', note: null }, NOW, check)).rejects.toBeInstanceOf(RatingError);
    expect(await t.store.rating.demoSites()).toEqual([]);
    expect(await t.store.rating.chooseDemoSite({ org: 'B1', year: 2026, level: 'city', note: null }, NOW, () => undefined)).toBe('inserted');
    expect(await t.store.rating.removeDemoSite('B1', 2026)).toBe(true);
    expect(await t.store.rating.removeDemoSite('B1', 2026)).toBe(false);
  });

  it('the estimate of one branch reads only its facts and equals its estimate in the whole city', async () => {
    const s = await t.store.imports.begin();
    const refs = await s.orgRefs();
    const m = (id: string, org: string, type: Meeting['type'], day: string): { meeting: Meeting; orgId: number } => ({
      meeting: { id, org, type, heldAt: at(`${day}T09:00`), expected: 20, attended: 18, minutes: true, lecturerRole: type === 'lecture' ? 'secretary' : null, topic: '学习' },
      orgId: refs.get(org)!.id,
    });
    const meetings = [];
    for (let mo = 1; mo <= 11; mo++) {
      const d = `2026-${String(mo).padStart(2, '0')}-10`;
      meetings.push(m(`b1-c-${mo}`, 'B1', 'committee', d), m(`b1-d-${mo}`, 'B1', 'theme_day', d));
      if (mo % 3 === 0) meetings.push(m(`b1-g-${mo}`, 'B1', 'assembly', d), m(`b1-l-${mo}`, 'B1', 'lecture', d));
    }
    meetings.push(m('b2-c-1', 'B2', 'committee', '2026-01-10'));
    await s.beginFile('meetings');
    await s.upsert('meetings', meetings, meetings.map((_, i) => i + 2), NOW);
    await s.commit();
    const f = await t.store.rating.estimateFacts('B1', { periods: ['2026', '2026-Q3'], from: at('2026-01-01T00:00'), to: at('2027-01-01T00:00'), alertsSince: at('2026-01-01T00:00') });
    expect(f).toEqual({ assessments: [], vetoes: [{ org: 'B1', period: '2026-Q3', item: '安全事故' }], items: [], alerts: [] });
    const config = shippedConfig();
    const now = at('2026-12-01T09:00');
    const city = await estimateStars(t.store, config, 2026, now);
    const one = await estimateStars(t.store, config, 2026, now, 'B1');
    expect([...one]).toEqual([['B1', city.get('B1')]]);
    expect(city.get('B1')).toBeGreaterThan(city.get('B2')!);
    expect(await estimateStars(t.store, config, 2026, now, 'C1')).toEqual(new Map());
  });

  it('planReminders stores one reminder per recipient and month and its deliveries once; a reminder delivery claims, composes and falls back carrying the same reminder', async () => {
    const id = await designateWeak(t.store, { org: 'B1', category: 'other', on: '2026-03-01', by: '组织部' }, NOW);
    const spec = { sendDay: '2026-06-01', notBefore: NOW, now: NOW, phonesOf: () => ['13800000001'] };
    const contacts = { phone: '13800000001', email: 'zs@example.cn', robot: null };
    const plan = () =>
      t.store.rating.planReminders(spec, (load) => {
        expect(load.open.map((d) => d.id)).toEqual([id]);
        expect(load.contacts.has('B1') && load.contacts.has('C1')).toBe(true);
        return {
          reminders: [{ recipientKey: 'phone:13800000001', designationIds: [id], org: 'B1', month: '2026-06', subject: '【软弱涣散整顿提醒】一村', text: '请督促整顿', smsParams: { name: '一村', count: '1', level: '软弱涣散整顿', deadline: '2026年6月' } }],
          sends: [{ recipientKey: 'phone:13800000001', logical: 'sms', channel: 'http_sms', recipient: '13800000001', route: ['sms', 'email'], contacts }],
          result: load.smsCounts.get('13800000001') ?? 0,
        };
      });
    expect(await plan()).toEqual({ result: 0, reminders: 1, deliveries: 1 });
    // A second run: the SMS already counts, and nothing new is written.
    expect(await plan()).toEqual({ result: 1, reminders: 0, deliveries: 0 });
    const [p] = await t.store.deliveries.pending();
    const c = await t.store.deliveries.claim(p!.id, 'w1', NOW, 60_000);
    expect(c.outcome).toBe('send');
    const d = (c as { delivery: import('../../src/store/types/deliveries.js').StoredDelivery }).delivery;
    expect(d.carries).toMatchObject({ kind: 'reminder', reminder: { designationId: id, recipientKey: 'phone:13800000001', month: '2026-06', text: '请督促整顿', smsParams: { name: '一村' } } });
    expect(d.dedupKey).toBe(reminderDeliveryKey(d.carries.kind === 'reminder' ? d.carries.reminderId : 0, 'http_sms', '13800000001'));
    const attempt = { deliveryId: p!.id, channel: 'http_sms' as const, recipient: '13800000001', startedAt: NOW, durationMs: 5, providerMessageId: null, error: 'bad number', errorCode: 'invalid', permanent: true };
    const fb = await t.store.deliveries.giveUp(attempt, NOW, fallbackPolicy({ ...shippedConfig(), channels: { ...shippedConfig().channels, sms_provider: 'http_sms' } }, NOW));
    expect(fb?.channel).toBe('email');
    const mail = await t.store.deliveries.get(fb!.id);
    expect(mail).toMatchObject({ recipient: 'zs@example.cn', fallbackOf: p!.id, carries: { kind: 'reminder', reminderId: d.carries.kind === 'reminder' ? d.carries.reminderId : -1 } });
  });

  it('a reminder held by quiet hours is cancelled at its claim when the designation was removed meanwhile', async () => {
    const id = await designateWeak(t.store, { org: 'B2', category: 'other', on: '2026-03-01', by: '组织部' }, NOW);
    const contacts = { phone: null, email: 'b2@example.cn', robot: null };
    await t.store.rating.planReminders({ sendDay: '2026-06-01', notBefore: NOW, now: NOW, phonesOf: () => [] }, () => ({
      reminders: [{ recipientKey: 'email:b2@example.cn', designationIds: [id], org: 'B2', month: '2026-06', subject: 's', text: 't', smsParams: {} }],
      sends: [{ recipientKey: 'email:b2@example.cn', logical: 'email', channel: 'email', recipient: 'b2@example.cn', route: ['email'], contacts }],
      result: null,
    }));
    const [p] = await t.store.deliveries.pending();
    await removeDesignation(t.store, id, '2026-05-30', '验收合格');
    expect(await t.store.deliveries.claim(p!.id, 'w1', NOW, 60_000)).toEqual({ outcome: 'done', status: 'cancelled' });
    expect(await t.store.deliveries.get(p!.id)).toMatchObject({ status: 'cancelled', lastError: 'designation or its branch removed before sending' });
  });
  it('a combined reminder names several designations: planned once by two handles at once, listed with its deliveries, stale only when all are removed', async () => {
    const d1 = await designateWeak(t.store, { org: 'B1', category: 'other', on: '2026-03-01', by: '组织部' }, NOW);
    const d2 = await designateWeak(t.store, { org: 'B2', category: 'other', on: '2026-03-01', by: '组织部' }, NOW);
    const contacts = { phone: null, email: 'town@example.cn', robot: null };
    const second = await openStore(t.spec);
    try {
      const plan = (s: Store) =>
        s.rating.planReminders({ sendDay: '2026-06-01', notBefore: NOW, now: NOW, phonesOf: () => [] }, () => ({
          reminders: [{ recipientKey: 'email:town@example.cn', designationIds: [d1, d2], org: 'B1', month: '2026-06', subject: '合并提醒', text: '一村、二村', smsParams: {} }],
          sends: [{ recipientKey: 'email:town@example.cn', logical: 'email', channel: 'email', recipient: 'town@example.cn', route: ['email'], contacts }],
          result: null,
        }));
      const runs = await Promise.all([plan(t.store), plan(second)]);
      expect(runs.map((r) => r.reminders).sort()).toEqual([0, 1]);
      expect(runs.map((r) => r.deliveries).sort()).toEqual([0, 1]);
    } finally {
      await second.close();
    }
    const [state, ...more] = await t.store.rating.reminderStates('2026-06');
    expect(more).toEqual([]);
    expect(state).toMatchObject({ recipientKey: 'email:town@example.cn', subject: '合并提醒', designationIds: [d1, d2], deliveries: [{ channel: 'email', recipient: 'town@example.cn', status: 'pending', sentAt: null }] });
    expect(await t.store.rating.reminderStates('2026-07')).toEqual([]);
    // One of the two removed: still sent (the other is open).
    await removeDesignation(t.store, d1, '2026-05-30', '验收合格');
    const c = await t.store.deliveries.claim(state!.deliveries[0]!.id, 'w1', NOW, 60_000);
    expect(c.outcome).toBe('send');
    await t.store.deliveries.markSent({ deliveryId: state!.deliveries[0]!.id, channel: 'email', recipient: 'town@example.cn', startedAt: NOW, durationMs: 3, providerMessageId: 'm1', error: null, errorCode: null, permanent: false }, NOW + 5);
    expect((await t.store.rating.reminderStates('2026-06'))[0]!.deliveries[0]).toMatchObject({ status: 'sent', sentAt: NOW + 5 });
    // Both removed: a pending delivery of it is cancelled at its claim.
    await t.store.rating.planReminders({ sendDay: '2026-07-01', notBefore: NOW, now: NOW, phonesOf: () => [] }, () => ({
      reminders: [{ recipientKey: 'email:town@example.cn', designationIds: [d1, d2], org: 'B1', month: '2026-07', subject: 's', text: 't', smsParams: {} }],
      sends: [{ recipientKey: 'email:town@example.cn', logical: 'email', channel: 'email', recipient: 'town@example.cn', route: ['email'], contacts }],
      result: null,
    }));
    await removeDesignation(t.store, d2, '2026-06-20', '验收合格');
    const [july] = await t.store.rating.reminderStates('2026-07');
    expect(await t.store.deliveries.claim(july!.deliveries[0]!.id, 'w1', NOW, 60_000)).toEqual({ outcome: 'done', status: 'cancelled' });
  });
});
