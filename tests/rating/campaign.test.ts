import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { Config } from '../../src/config/schema.js';
import { workCalendar } from '../../src/domain/workdays.js';
import { importFiles } from '../../src/import/index.js';
import { fiveStarCapViolations, noticeWindow } from '../../src/rating/campaign.js';
import {
  advanceCampaign,
  answerObjection,
  openCampaign,
  raiseObjection,
  recordCityReview,
  recordCommitteeReview,
  recordSelfAssessment,
} from '../../src/rating/campaign-service.js';
import { ratingSchema } from '../../src/rating/config.js';
import { RatingError } from '../../src/rating/errors.js';
import { designateWeak } from '../../src/rating/weak-service.js';
import type { Store } from '../../src/store/port.js';
import { shippedConfig } from '../helpers/config.js';
import { tempStore, type TempStore } from '../helpers/store.js';
import { expectBilingual, NOW, rejected, where, writeCsv } from '../import/helpers.js';
import { seedOrgs } from './seed.js';

const at = (s: string) => Date.parse(`${s}+08:00`);
const who = (by: string, time: string) => ({ by, at: at(time) });

async function refused(fn: () => unknown, re: RegExp): Promise<RatingError> {
  try {
    await fn();
  } catch (e) {
    expect(e).toBeInstanceOf(RatingError);
    const r = e as RatingError;
    expect(r.message).toMatch(re);
    expect(r.zh).toMatch(/[\u4e00-\u9fff]/);
    expect(r.en).toMatch(/[a-z]/);
    return r;
  }
  throw new Error('expected a RatingError');
}

describe('pure campaign decisions', () => {
  it('the public notice counts working days, skipping weekends and holidays, and make-up days count', () => {
    const cal = workCalendar({ holidays: ['2026-10-01', '2026-10-02', '2026-10-05', '2026-10-06', '2026-10-07'], workdays: ['2026-10-10'] });
    // Wed 30 Sep, then the National Day holiday; Sat 10 Oct is a make-up working day.
    expect(noticeWindow('2026-09-30', 5, cal)).toEqual({ from: '2026-09-30', to: '2026-10-12' });
    // Starting on a Saturday: the notice begins on Monday.
    expect(noticeWindow('2026-12-12', 5, workCalendar({ holidays: [], workdays: [] }))).toEqual({ from: '2026-12-14', to: '2026-12-18' });
  });

  it('the five-star cap is a share of each domain’s rated branches, rounded down', () => {
    const cfg = ratingSchema.parse({ five_star_max_share: 0.3 });
    const entries = Array.from({ length: 10 }, (_, i) => ({ org: `R${i}`, stars: i < 3 ? 5 : 4 }));
    expect(fiveStarCapViolations(entries, () => 'rural', cfg)).toEqual([]);
    entries[3]!.stars = 5;
    expect(fiveStarCapViolations(entries, () => 'rural', cfg)).toEqual([{ domain: 'rural', rated: 10, five: 4, max: 3 }]);
    expect(fiveStarCapViolations(entries, (o) => (o === 'R0' ? 'school' : 'rural'), cfg)).toEqual([
      { domain: 'school', rated: 1, five: 1, max: 0 },
      { domain: 'rural', rated: 9, five: 3, max: 2 },
    ]);
  });
});

describe('the rating campaign (四步走) on a real database', () => {
  let t: TempStore;
  let config: Config;
  beforeEach(async () => {
    t = await tempStore();
    config = shippedConfig();
    config.rating.five_star_max_share = 0.5;
    config.calendar = { holidays: [], workdays: [] };
    await seedOrgs(
      t,
      [['C0', '市委', 'committee', null], ['C1', '城关镇党委', 'committee', 'C0'], ...['B1', 'B2', 'B3', 'B4'].map((c) => [c, `${c}村党支部`, 'branch', 'C1', 'rural'] as [string, string, 'branch', string, 'rural'])],
      [{ org: 'B3', period: '2026-Q2', item: '发生重大安全事故' }],
    );
  });
  afterEach(async () => t.cleanup());

  const ratings = async () => [...(await t.store.rating.ratings()).values()].flat();

  it('runs self-assessment → committee → city review → public notice → filed, recording who, when and why', async () => {
    const db = t.store;
    await openCampaign(db, 2026, who('组织部', '2026-12-01T09:00'));
    await refused(() => openCampaign(db, 2026, who('组织部', '2026-12-01T09:05')), /已于此前启动/);
    await refused(() => advanceCampaign(db, config, 2026, null, who('组织部', '2026-12-01T10:00')), /尚无任何支部自评/);
    await recordSelfAssessment(db, config, 2026, 'B1', 5, { 班子建设: 19 }, who('B1书记', '2026-12-02T09:00'));
    await recordSelfAssessment(db, config, 2026, 'B2', 4, null, who('B2书记', '2026-12-02T09:00'));
    await refused(() => recordCommitteeReview(db, config, 2026, 'B1', 5, null, who('党委', '2026-12-02T10:00')), /支部自评.*不能录入党委考评/);
    await advanceCampaign(db, config, 2026, '自评结束', who('组织部', '2026-12-04T09:00'));
    await refused(() => recordSelfAssessment(db, config, 2026, 'B1', 5, null, who('B1书记', '2026-12-04T10:00')), /党委考评.*不能录入支部自评/);
    await recordCommitteeReview(db, config, 2026, 'B1', 5, { 班子建设: 18 }, who('党委', '2026-12-05T09:00'));
    await refused(() => advanceCampaign(db, config, 2026, null, who('组织部', '2026-12-06T09:00')), /B2.*尚无党委考评|尚无党委考评结果：B2/);
    await recordCommitteeReview(db, config, 2026, 'B2', 5, null, who('党委', '2026-12-06T09:00'));
    await advanceCampaign(db, config, 2026, null, who('组织部', '2026-12-07T09:00'));
    await refused(() => recordCityReview(db, config, 2026, 'B1', { cancelFiveStar: true, reason: '' }, who('市委组织部', '2026-12-08T09:00')), /理由/);
    await recordCityReview(db, config, 2026, 'B2', { cancelFiveStar: true, reason: '群众测评满意率不足' }, who('市委组织部', '2026-12-08T09:00'));
    const notice = await advanceCampaign(db, config, 2026, '复核完成', who('组织部', '2026-12-09T09:00'));
    expect(notice).toMatchObject({ state: 'public_notice', noticeFrom: '2026-12-09', noticeTo: '2026-12-15' });
    const id = await raiseObjection(db, 2026, 'B1', '该支部年内发生过违纪问题', who('群众', '2026-12-10T09:00'));
    await refused(() => advanceCampaign(db, config, 2026, null, who('组织部', '2026-12-15T17:00')), /公示期至 2026-12-15 结束/);
    await refused(() => advanceCampaign(db, config, 2026, null, who('组织部', '2026-12-16T09:00')), /1 条公示异议未答复/);
    await answerObjection(db, id, '经核实已处理完毕，不影响评定', who('组织部', '2026-12-14T09:00'));
    await refused(() => answerObjection(db, id, '再次答复', who('组织部', '2026-12-14T10:00')), /已于此前答复/);
    await refused(() => raiseObjection(db, 2026, 'B1', '迟到的异议', who('群众', '2026-12-16T09:00')), /公示期已于 2026-12-15 结束/);
    const filed = await advanceCampaign(db, config, 2026, '公示无异议', who('组织部', '2026-12-16T09:00'));
    expect(filed.state).toBe('filed');
    expect(await ratings()).toEqual([
      { org: 'B1', year: 2026, stars: 5, ratedOn: '2026-12-16' },
      { org: 'B2', year: 2026, stars: 4, ratedOn: '2026-12-16' },
    ]);
    await refused(() => advanceCampaign(db, config, 2026, null, who('组织部', '2026-12-17T09:00')), /已备案/);
    const moves = (await db.rating.transitions(2026)).filter((x) => !x.toState.includes(':'));
    expect(moves.map((m) => [m.fromState, m.toState, m.actor, m.reason])).toEqual([
      [null, 'self_assessment', '组织部', '启动评星定级'],
      ['self_assessment', 'committee_review', '组织部', '自评结束'],
      ['committee_review', 'city_review', '组织部', null],
      ['city_review', 'public_notice', '组织部', '复核完成'],
      ['public_notice', 'filed', '组织部', '公示无异议'],
    ]);
    expect(moves.map((m) => m.at)).toEqual(['2026-12-01T09:00', '2026-12-04T09:00', '2026-12-07T09:00', '2026-12-09T09:00', '2026-12-16T09:00'].map(at));
    const city = (await db.rating.transitions(2026)).find((x) => x.toState === 'city_review:B2')!;
    expect(city).toMatchObject({ actor: '市委组织部', reason: '取消五星资格：群众测评满意率不足' });
    const entries = await db.rating.campaignEntries(2026);
    expect(entries.find((e) => e.org === 'B1')).toMatchObject({ selfStars: 5, selfScores: { 班子建设: 19 }, committeeStars: 5, committeeScores: { 班子建设: 18 } });
    // The engine's estimate is recorded beside each step (no meetings here: one star).
    expect(entries.find((e) => e.org === 'B1')!.estimates).toEqual({ self_assessment: 1, committee_review: 1 });
  });

  it('the negative list vetoes five stars at the committee and the city review', async () => {
    const db = t.store;
    await openCampaign(db, 2026, who('组织部', '2026-12-01T09:00'));
    await recordSelfAssessment(db, config, 2026, 'B3', 5, null, who('书记', '2026-12-01T10:00'));
    await advanceCampaign(db, config, 2026, null, who('组织部', '2026-12-02T09:00'));
    const e = await refused(() => recordCommitteeReview(db, config, 2026, 'B3', 5, null, who('党委', '2026-12-02T10:00')), /B3.*不能评为 5 星.*负面清单.*发生重大安全事故.*一票否决/);
    expect(e.en).toMatch(/negative list/);
    await recordCommitteeReview(db, config, 2026, 'B3', 4, null, who('党委', '2026-12-02T10:00'));
    await advanceCampaign(db, config, 2026, null, who('组织部', '2026-12-03T09:00'));
    await refused(() => recordCityReview(db, config, 2026, 'B3', { stars: 5, reason: '复核上调' }, who('市', '2026-12-03T10:00')), /一票否决/);
    await refused(() => recordCityReview(db, config, 2026, 'B3', { cancelFiveStar: true, reason: 'x' }, who('市', '2026-12-03T10:00')), /不是五星候选/);
  });

  it('a weak branch cannot be rated above the configured star, also when designated after the committee step', async () => {
    const db = t.store;
    await designateWeak(db, { org: 'B4', category: 'leadership', reason: '书记长期缺职', on: '2026-03-01', by: '组织部' }, NOW);
    await openCampaign(db, 2026, who('组织部', '2026-12-01T09:00'));
    await recordSelfAssessment(db, config, 2026, 'B4', 4, null, who('书记', '2026-12-01T10:00'));
    await recordSelfAssessment(db, config, 2026, 'B1', 4, null, who('书记', '2026-12-01T10:00'));
    await advanceCampaign(db, config, 2026, null, who('组织部', '2026-12-02T09:00'));
    await refused(() => recordCommitteeReview(db, config, 2026, 'B4', 4, null, who('党委', '2026-12-02T10:00')), /软弱涣散.*最高只能评 3 星/);
    await recordCommitteeReview(db, config, 2026, 'B4', 3, null, who('党委', '2026-12-02T10:00'));
    await recordCommitteeReview(db, config, 2026, 'B1', 4, null, who('党委', '2026-12-02T10:00'));
    await advanceCampaign(db, config, 2026, null, who('组织部', '2026-12-03T09:00'));
    await designateWeak(db, { org: 'B1', category: 'org_life', reason: null, on: '2026-12-03', by: '组织部' }, NOW);
    await refused(() => advanceCampaign(db, config, 2026, null, who('组织部', '2026-12-04T09:00')), /B1.*不能评为 4 星.*软弱涣散/);
    expect((await db.rating.campaign(2026))!.state).toBe('city_review');
  });

  it('the five-star share cap stops the public notice with a clear error', async () => {
    const db = t.store;
    await openCampaign(db, 2026, who('组织部', '2026-12-01T09:00'));
    for (const b of ['B1', 'B2', 'B4']) await recordSelfAssessment(db, config, 2026, b, 5, null, who('书记', '2026-12-01T10:00'));
    await advanceCampaign(db, config, 2026, null, who('组织部', '2026-12-02T09:00'));
    for (const b of ['B1', 'B2', 'B4']) await recordCommitteeReview(db, config, 2026, b, 5, null, who('党委', '2026-12-02T10:00'));
    await advanceCampaign(db, config, 2026, null, who('组织部', '2026-12-03T09:00'));
    const e = await refused(() => advanceCampaign(db, config, 2026, null, who('组织部', '2026-12-04T09:00')), /五星比例超过上限（50%）：农村领域 3 个参评支部中拟评五星 3 个，最多 1 个/);
    expect(e.en).toMatch(/rural: 3 of 3 rated, at most 1/);
    await recordCityReview(db, config, 2026, 'B2', { cancelFiveStar: true, reason: '名额所限' }, who('市', '2026-12-04T10:00'));
    await recordCityReview(db, config, 2026, 'B4', { stars: 3, reason: '复核下调' }, who('市', '2026-12-04T10:00'));
    expect((await advanceCampaign(db, config, 2026, null, who('组织部', '2026-12-04T11:00'))).state).toBe('public_notice');
  });

});

// The self-assessment import table goes through the store's import session (both stores).
describe('self-assessments imported from a file', () => {
  let t: TempStore;
  let store: Store;
  beforeEach(async () => {
    t = await tempStore();
    store = t.store;
    const orgs = writeCsv(join(t.dir, 'orgs.csv'), [
      ['code', 'name', 'kind', 'parent', 'domain', 'members', 'established_on'],
      ['C0', '市委', 'committee', '', '', '', ''],
      ['C1', '城关镇党委', 'committee', 'C0', '', '', ''],
      ...['B1', 'B2', 'B3', 'B4'].map((c) => [c, `${c}村党支部`, 'branch', 'C1', 'rural', 20, '2000-01-01']),
    ]);
    await importFiles(store, [orgs], { now: NOW });
  });
  afterEach(async () => t.cleanup());

  it('self-assessments import from a file only while the step is open; bad rows rejected whole', async () => {
    await openCampaign(store, 2026, who('组织部', '2026-12-01T09:00'));
    const good = writeCsv(join(t.dir, 'self.csv'), [
      ['组织编码', '年度', '自评星级', '指标', '自评得分'],
      ['B1', 2026, '五星', '班子建设', 19],
      ['B1', 2026, 5, '组织生活', 28.5],
      ['B2', 2026, 4, '', ''],
    ]);
    const [res] = await importFiles(store, [good], { now: NOW });
    expect(res).toMatchObject({ table: 'self_assessments', inserted: 3 });
    expect((await store.rating.campaignEntries(2026)).map((e) => [e.org, e.selfStars, e.selfScores])).toEqual([
      ['B1', 5, { 班子建设: 19, 组织生活: 28.5 }],
      ['B2', 4, null],
    ]);
    const again = await importFiles(store, [good], { now: NOW });
    expect(again[0]!.unchanged).toBe(3);
    const bad = writeCsv(join(t.dir, 'self-bad.csv'), [
      ['组织编码', '年度', '自评星级', '指标', '自评得分'],
      ['B3', 2026, 3, '班子建设', 15],
      ['B3', 2026, 4, '组织生活', 20], // another claimed star for the same branch
      ['B4', 2025, 4, '', ''], // no campaign for 2025
      ['B4', 2026, 4, '班子建设', 120], // score above 100
    ]);
    const e = await rejected(importFiles(store, [bad], { now: NOW }));
    expect(where(e.issues)).toEqual([{ line: 3, key: 'self_stars' }, { line: 4, key: 'year' }, { line: 5, key: 'score' }]);
    expectBilingual(e.issues);
    expect((await store.rating.campaignEntries(2026)).map((x) => x.org)).toEqual(['B1', 'B2']);
  });
});
