/**
 * The rating campaign's actions: load the facts, decide (campaign.ts, pure), apply in one
 * transaction, and record who did what, when and why. Shared by the CLI and the API. Every refusal
 * is a bilingual RatingError.
 */
import type { Config } from '../config/schema.js';
import { parsePeriod, shanghaiDate } from '../domain/calendar.js';
import { workCalendar } from '../domain/workdays.js';
import { computeHeadlines, relatedLabels } from '../reports/gather.js';
import type { Db } from '../store/sqlite/db.js';
import {
  answerObjection as storeAnswer,
  campaignTransaction,
  getCampaign,
  getEntry,
  getObjection,
  insertCampaign,
  insertObjection,
  insertTransition,
  listEntries,
  listObjections,
  saveEntryStep,
  setFinalStars,
  updateCampaignState,
} from '../store/sqlite/rating-campaign.js';
import { fileRatings, loadRatingBranches } from '../store/sqlite/ratings.js';
import { loadReportOrgs, loadVetoes } from '../store/sqlite/reports.js';
import { weakOrgsOn } from '../store/sqlite/weak-branches.js';
import {
  CAMPAIGN_STATE_NAMES_ZH,
  capError,
  checkStar,
  finalStars,
  fiveStarCapViolations,
  nextState,
  noticeWindow,
  requireState,
  type Campaign,
  type CampaignState,
  type StarLimits,
} from './campaign.js';
import { RatingError } from './errors.js';
import type { RatingBranch } from './types.js';

/** Who acts and when. */
export interface Actor {
  by: string;
  at: number;
}

/** The branch with this code, or a bilingual error. */
export function requireBranch(db: Db, org: string): RatingBranch {
  const b = loadRatingBranches(db).find((x) => x.code === org);
  if (!b) throw new RatingError(`组织编码「${org}」不存在或不是党支部`, `"${org}" is not a known branch`, 'not_found');
  return b;
}

/** What limits stars on `day` of a year's campaign: the year's negative list and open weak designations. */
export function starLimits(db: Db, year: number, day: string): StarLimits {
  const vetoes = new Map<string, string[]>();
  for (const [org, list] of loadVetoes(db, relatedLabels(parsePeriod(String(year))!))) vetoes.set(org, list.map((v) => `${v.period} ${v.item}`));
  return { vetoes, weak: weakOrgsOn(db, day) };
}

/** The engine's star estimate from the records for the year (up to `now` while the year runs), by branch. */
export function estimateStars(db: Db, config: Config, year: number, now: number, org?: string): Map<string, number | null> {
  const orgs = loadReportOrgs(db).filter((o) => !org || o.code === org || o.kind === 'committee');
  const out = new Map<string, number | null>();
  for (const h of computeHeadlines(db, config, orgs, parsePeriod(String(year))!, now)) out.set(h.org, h.stars);
  return out;
}

export function openCampaign(db: Db, year: number, a: Actor): Campaign {
  return campaignTransaction(db, () => {
    if (!insertCampaign(db, year, 'self_assessment', a.by, a.at)) {
      const c = getCampaign(db, year)!;
      throw new RatingError(`${year} 年度评星定级已于此前启动（当前阶段：${CAMPAIGN_STATE_NAMES_ZH[c.state]}）`, `the ${year} campaign is already open (at ${c.state})`);
    }
    insertTransition(db, { year, fromState: null, toState: 'self_assessment', actor: a.by, at: a.at, reason: '启动评星定级' });
    return getCampaign(db, year)!;
  });
}

/** 支部自评: the branch's claimed star and per-indicator self-scores. */
export function recordSelfAssessment(db: Db, config: Config, year: number, org: string, stars: number, scores: Record<string, number> | null, a: Actor): void {
  requireBranch(db, org);
  checkStar(org, stars, { vetoes: new Map(), weak: new Set() }, config.rating);
  const estimate = estimateStars(db, config, year, a.at, org).get(org) ?? null;
  campaignTransaction(db, () => {
    requireState(getCampaign(db, year), year, 'self_assessment', { zh: '录入支部自评', en: 'self-assessment' });
    saveEntryStep(db, year, org, 'self', { stars, scores, estimate }, a.by, a.at);
    insertTransition(db, { year, fromState: 'self_assessment', toState: `self_assessment:${org}`, actor: a.by, at: a.at, reason: `自评 ${stars} 星` });
  });
}

/** 党委考评: the parent committee's scores and proposed star. */
export function recordCommitteeReview(db: Db, config: Config, year: number, org: string, stars: number, scores: Record<string, number> | null, a: Actor): void {
  requireBranch(db, org);
  checkStar(org, stars, starLimits(db, year, shanghaiDate(a.at)), config.rating);
  const estimate = estimateStars(db, config, year, a.at, org).get(org) ?? null;
  campaignTransaction(db, () => {
    requireState(getCampaign(db, year), year, 'committee_review', { zh: '录入党委考评', en: 'committee review' });
    saveEntryStep(db, year, org, 'committee', { stars, scores, estimate }, a.by, a.at);
    insertTransition(db, { year, fromState: 'committee_review', toState: `committee_review:${org}`, actor: a.by, at: a.at, reason: `党委考评拟定 ${stars} 星` });
  });
}

/** 市级复核: cancel a five-star candidate's eligibility, or adjust its star; a reason is required. */
export function recordCityReview(
  db: Db,
  config: Config,
  year: number,
  org: string,
  v: { cancelFiveStar: true; reason: string } | { stars: number; reason: string },
  a: Actor,
): void {
  requireBranch(db, org);
  if (!v.reason.trim()) throw new RatingError('市级复核必须说明理由', 'a city review needs a reason', 'invalid');
  if ('stars' in v) checkStar(org, v.stars, starLimits(db, year, shanghaiDate(a.at)), config.rating);
  const estimate = estimateStars(db, config, year, a.at, org).get(org) ?? null;
  campaignTransaction(db, () => {
    requireState(getCampaign(db, year), year, 'city_review', { zh: '录入市级复核', en: 'city review' });
    const e = getEntry(db, year, org);
    if (!e || e.committeeStars === null) throw new RatingError(`「${org}」没有党委考评结果，不能复核`, `"${org}" has no committee review to review`, 'not_found');
    if ('cancelFiveStar' in v && e.committeeStars < 5) {
      throw new RatingError(`「${org}」党委拟定 ${e.committeeStars} 星，不是五星候选，无需取消五星资格`, `"${org}" is not a five-star candidate`);
    }
    const stars = 'stars' in v ? v.stars : null;
    saveEntryStep(db, year, org, 'city', { stars, cancelled: 'cancelFiveStar' in v, reason: v.reason, estimate }, a.by, a.at);
    const what = 'cancelFiveStar' in v ? '取消五星资格' : `调整为 ${stars} 星`;
    insertTransition(db, { year, fromState: 'city_review', toState: `city_review:${org}`, actor: a.by, at: a.at, reason: `${what}：${v.reason}` });
  });
}

/** Check every proposed final star against the limits and the five-star cap. */
function checkFinals(db: Db, config: Config, year: number, day: string): { org: string; stars: number }[] {
  const entries = listEntries(db, year);
  const finals = entries.map((e) => ({ org: e.org, stars: finalStars(e) })).filter((f): f is { org: string; stars: number } => f.stars !== null);
  const limits = starLimits(db, year, day);
  for (const f of finals) checkStar(f.org, f.stars, limits, config.rating);
  const domains = new Map(loadRatingBranches(db).map((b) => [b.code, b.domain]));
  const over = fiveStarCapViolations(finals, (o) => domains.get(o) ?? null, config.rating);
  if (over.length) throw capError(over, config.rating);
  return finals;
}

/** Move the campaign to its next step (checks below); returns the updated campaign. */
export function advanceCampaign(db: Db, config: Config, year: number, reason: string | null, a: Actor): Campaign {
  const today = shanghaiDate(a.at);
  return campaignTransaction(db, () => {
    const c = getCampaign(db, year);
    if (!c) throw new RatingError(`${year} 年度评星定级尚未启动`, `no rating campaign for ${year}`, 'not_found');
    const to = nextState(c.state);
    if (!to) throw new RatingError(`${year} 年度评星定级已备案，不能再推进`, `the ${year} campaign is already filed`);
    const extra: { noticeFrom?: string; noticeTo?: string; filedAt?: number } = {};
    const entries = listEntries(db, year);
    if (to === 'committee_review' && !entries.some((e) => e.selfStars !== null)) {
      throw new RatingError('尚无任何支部自评，不能进入党委考评', 'no self-assessment yet');
    }
    if (to === 'city_review') {
      const missing = entries.filter((e) => e.committeeStars === null).map((e) => e.org);
      if (missing.length) throw new RatingError(`以下支部尚无党委考评结果：${missing.join('、')}`, `no committee review yet for: ${missing.join(', ')}`);
    }
    if (to === 'public_notice') {
      checkFinals(db, config, year, today);
      const w = noticeWindow(today, config.rating.notice_working_days, workCalendar(config.calendar));
      extra.noticeFrom = w.from;
      extra.noticeTo = w.to;
    }
    if (to === 'filed') {
      if (c.noticeTo && today <= c.noticeTo) {
        throw new RatingError(`公示期至 ${c.noticeTo} 结束，公示期满后才能备案`, `the public notice runs until ${c.noticeTo}; file after it ends`);
      }
      const open = listObjections(db, year).filter((o) => o.answer === null);
      if (open.length) {
        throw new RatingError(`还有 ${open.length} 条公示异议未答复（编号 ${open.map((o) => o.id).join('、')}），答复后才能备案`, `${open.length} objection(s) not answered yet`);
      }
      const finals = checkFinals(db, config, year, today);
      fileRatings(db, finals.map((f) => ({ org: f.org, year, stars: f.stars, ratedOn: today })), a.at);
      setFinalStars(db, year, finals);
      extra.filedAt = a.at;
    }
    if (!updateCampaignState(db, year, c.state, to, extra)) throw new RatingError('评星定级状态已被他人更新，请重试', 'the campaign changed meanwhile; retry');
    insertTransition(db, { year, fromState: c.state, toState: to, actor: a.by, at: a.at, reason });
    return getCampaign(db, year)!;
  });
}

/** Record an objection during the public notice (公示异议). Returns its id. */
export function raiseObjection(db: Db, year: number, org: string, text: string, a: Actor): number {
  requireBranch(db, org);
  if (!text.trim()) throw new RatingError('异议内容不能为空', 'the objection text is empty', 'invalid');
  return campaignTransaction(db, () => {
    const c = requireState(getCampaign(db, year), year, 'public_notice', { zh: '登记公示异议', en: 'raising an objection' });
    const today = shanghaiDate(a.at);
    if (c.noticeTo && today > c.noticeTo) throw new RatingError(`公示期已于 ${c.noticeTo} 结束，不能再登记异议`, `the public notice ended on ${c.noticeTo}`);
    const id = insertObjection(db, { year, org, text, by: a.by, at: a.at });
    insertTransition(db, { year, fromState: 'public_notice', toState: `objection:${id}`, actor: a.by, at: a.at, reason: `「${org}」异议：${text}` });
    return id;
  });
}

/** Answer an objection. */
export function answerObjection(db: Db, id: number, answer: string, a: Actor): void {
  if (!answer.trim()) throw new RatingError('答复内容不能为空', 'the answer is empty', 'invalid');
  campaignTransaction(db, () => {
    const o = getObjection(db, id);
    if (!o) throw new RatingError(`异议 ${id} 不存在`, `objection ${id} not found`, 'not_found');
    if (!storeAnswer(db, id, answer, a.by, a.at)) throw new RatingError(`异议 ${id} 已于此前答复`, `objection ${id} was already answered`);
    insertTransition(db, { year: o.year, fromState: 'public_notice', toState: `answer:${id}`, actor: a.by, at: a.at, reason: answer });
  });
}

export type { CampaignState };
