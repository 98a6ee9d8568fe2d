/**
 * The rating campaign's actions through the store port: each one is a load → decide → apply
 * transaction (store.rating.campaignStep, named lock "rating"): the adapter loads the campaign and
 * what limits the stars, the pure decisions of campaign.ts decide (or refuse), the adapter writes
 * what they return and who did what, when and why. Shared by the CLI and the API. Every refusal is
 * a bilingual RatingError.
 */
import type { Config } from '../config/schema.js';
import { shanghaiDate } from '../domain/calendar.js';
import { workCalendar } from '../domain/workdays.js';
import type { Store } from '../store/port.js';
import type { CampaignLoad, CampaignStepInput, CampaignWrite } from '../store/types/rating.js';
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
  type CampaignEntry,
  type CampaignState,
  type StarLimits,
} from './campaign.js';
import { RatingError } from './errors.js';
import { estimateStars, yearLabels } from './estimate.js';
import type { RatingBranch } from './types.js';
import { weakOrgsOn } from './weak.js';

/** Who acts and when. */
export interface Actor {
  by: string;
  at: number;
}

const notABranch = (org: string) => new RatingError(`组织编码「${org}」不存在或不是党支部`, `"${org}" is not a known branch`, 'not_found');

/** The branch with this code, or a bilingual error. */
export async function requireBranch(store: Store, org: string): Promise<RatingBranch> {
  const b = await store.rating.branch(org);
  if (!b) throw notABranch(org);
  return b;
}

/** What limits stars on `day` of a year's campaign: the year's negative list and weak designations open that day (every branch). */
export async function starLimits(store: Store, year: number, day: string): Promise<StarLimits> {
  const vetoes = new Map<string, string[]>();
  for (const [org, list] of await store.reports.vetoes(yearLabels(year))) vetoes.set(org, list.map((v) => `${v.period} ${v.item}`));
  return { vetoes, weak: weakOrgsOn(await store.rating.weakDesignations({ all: true }), day) };
}

export { estimateStars };

const input = (year: number, at: number, more: Partial<CampaignStepInput> = {}): CampaignStepInput => ({ year, vetoPeriods: yearLabels(year), day: shanghaiDate(at), ...more });
const limitsOf = (load: CampaignLoad): StarLimits => ({ vetoes: load.vetoes, weak: load.weak });

/** Open a year's campaign at its first step. */
export async function openCampaign(store: Store, year: number, a: Actor): Promise<Campaign> {
  await store.rating.campaignStep(input(year, a.at), (load) => {
    if (load.campaign) {
      throw new RatingError(`${year} 年度评星定级已于此前启动（当前阶段：${CAMPAIGN_STATE_NAMES_ZH[load.campaign.state]}）`, `the ${year} campaign is already open (at ${load.campaign.state})`);
    }
    return { write: { open: a, transitions: [{ fromState: null, toState: 'self_assessment', actor: a.by, at: a.at, reason: '启动评星定级' }] }, result: undefined };
  });
  return (await store.rating.campaign(year))!;
}

const STEP_STATE = { self: 'self_assessment', committee: 'committee_review', city: 'city_review' } as const satisfies Record<string, CampaignState>;

/** The write of one step's data for one branch, with the estimate recorded beside it. */
function entryWrite(
  load: CampaignLoad,
  org: string,
  step: keyof typeof STEP_STATE,
  v: { stars: number | null; scores?: Record<string, number> | null; cancelled?: boolean; reason?: string | null },
  estimate: number | null,
  a: Actor,
  reason: string,
): CampaignWrite {
  const old = load.entries.find((e) => e.org === org);
  const state = STEP_STATE[step];
  return {
    entry: { org, step, ...v, estimates: { ...(old?.estimates ?? {}), [state]: estimate }, by: a.by, at: a.at },
    transitions: [{ fromState: state, toState: `${state}:${org}`, actor: a.by, at: a.at, reason }],
  };
}

/** The branch in a step's load, or a bilingual error. */
function branchIn(load: CampaignLoad, org: string): RatingBranch {
  const b = load.branches.get(org);
  if (!b) throw notABranch(org);
  return b;
}

/** 支部自评: the branch's claimed star and per-indicator self-scores. */
export async function recordSelfAssessment(store: Store, config: Config, year: number, org: string, stars: number, scores: Record<string, number> | null, a: Actor): Promise<void> {
  await requireBranch(store, org);
  checkStar(org, stars, { vetoes: new Map(), weak: new Set() }, config.rating);
  const estimate = (await estimateStars(store, config, year, a.at, org)).get(org) ?? null;
  await store.rating.campaignStep(input(year, a.at, { org }), (load) => {
    branchIn(load, org);
    requireState(load.campaign, year, 'self_assessment', { zh: '录入支部自评', en: 'self-assessment' });
    return { write: entryWrite(load, org, 'self', { stars, scores }, estimate, a, `自评 ${stars} 星`), result: undefined };
  });
}

/** 党委考评: the parent committee's scores and proposed star. */
export async function recordCommitteeReview(store: Store, config: Config, year: number, org: string, stars: number, scores: Record<string, number> | null, a: Actor): Promise<void> {
  await requireBranch(store, org);
  const estimate = (await estimateStars(store, config, year, a.at, org)).get(org) ?? null;
  await store.rating.campaignStep(input(year, a.at, { org }), (load) => {
    branchIn(load, org);
    checkStar(org, stars, limitsOf(load), config.rating);
    requireState(load.campaign, year, 'committee_review', { zh: '录入党委考评', en: 'committee review' });
    return { write: entryWrite(load, org, 'committee', { stars, scores }, estimate, a, `党委考评拟定 ${stars} 星`), result: undefined };
  });
}

/** 市级复核: cancel a five-star candidate's eligibility, or adjust its star; a reason is required. */
export async function recordCityReview(
  store: Store,
  config: Config,
  year: number,
  org: string,
  v: { cancelFiveStar: true; reason: string } | { stars: number; reason: string },
  a: Actor,
): Promise<void> {
  await requireBranch(store, org);
  if (!v.reason.trim()) throw new RatingError('市级复核必须说明理由', 'a city review needs a reason', 'invalid');
  const estimate = (await estimateStars(store, config, year, a.at, org)).get(org) ?? null;
  await store.rating.campaignStep(input(year, a.at, { org }), (load) => {
    branchIn(load, org);
    if ('stars' in v) checkStar(org, v.stars, limitsOf(load), config.rating);
    requireState(load.campaign, year, 'city_review', { zh: '录入市级复核', en: 'city review' });
    const e = load.entries.find((x) => x.org === org);
    if (!e || e.committeeStars === null) throw new RatingError(`「${org}」没有党委考评结果，不能复核`, `"${org}" has no committee review to review`, 'not_found');
    if ('cancelFiveStar' in v && e.committeeStars < 5) {
      throw new RatingError(`「${org}」党委拟定 ${e.committeeStars} 星，不是五星候选，无需取消五星资格`, `"${org}" is not a five-star candidate`);
    }
    const stars = 'stars' in v ? v.stars : null;
    const what = 'cancelFiveStar' in v ? '取消五星资格' : `调整为 ${stars} 星`;
    return { write: entryWrite(load, org, 'city', { stars, cancelled: 'cancelFiveStar' in v, reason: v.reason }, estimate, a, `${what}：${v.reason}`), result: undefined };
  });
}

/** Check every proposed final star against the limits and the five-star cap (pure). */
export function checkFinals(entries: readonly CampaignEntry[], limits: StarLimits, branches: ReadonlyMap<string, RatingBranch>, config: Config): { org: string; stars: number }[] {
  const finals = entries.map((e) => ({ org: e.org, stars: finalStars(e) })).filter((f): f is { org: string; stars: number } => f.stars !== null);
  for (const f of finals) checkStar(f.org, f.stars, limits, config.rating);
  const over = fiveStarCapViolations(finals, (o) => branches.get(o)?.domain ?? null, config.rating);
  if (over.length) throw capError(over, config.rating);
  return finals;
}

/** Decide the move to the next step (pure): the checks of each step, and what filing writes. */
export function decideAdvance(load: CampaignLoad, config: Config, year: number, reason: string | null, a: Actor): CampaignWrite {
  const today = shanghaiDate(a.at);
  const c = load.campaign;
  if (!c) throw new RatingError(`${year} 年度评星定级尚未启动`, `no rating campaign for ${year}`, 'not_found');
  const to = nextState(c.state);
  if (!to) throw new RatingError(`${year} 年度评星定级已备案，不能再推进`, `the ${year} campaign is already filed`);
  const move: NonNullable<CampaignWrite['move']> = { from: c.state, to };
  const write: CampaignWrite = { move, transitions: [{ fromState: c.state, toState: to, actor: a.by, at: a.at, reason }] };
  const entries = load.entries;
  if (to === 'committee_review' && !entries.some((e) => e.selfStars !== null)) {
    throw new RatingError('尚无任何支部自评，不能进入党委考评', 'no self-assessment yet');
  }
  if (to === 'city_review') {
    const missing = entries.filter((e) => e.committeeStars === null).map((e) => e.org);
    if (missing.length) throw new RatingError(`以下支部尚无党委考评结果：${missing.join('、')}`, `no committee review yet for: ${missing.join(', ')}`);
  }
  if (to === 'public_notice') {
    checkFinals(entries, limitsOf(load), load.branches, config);
    const w = noticeWindow(today, config.rating.notice_working_days, workCalendar(config.calendar));
    move.noticeFrom = w.from;
    move.noticeTo = w.to;
  }
  if (to === 'filed') {
    if (c.noticeTo && today <= c.noticeTo) {
      throw new RatingError(`公示期至 ${c.noticeTo} 结束，公示期满后才能备案`, `the public notice runs until ${c.noticeTo}; file after it ends`);
    }
    const open = load.objections.filter((o) => o.answer === null);
    if (open.length) {
      throw new RatingError(`还有 ${open.length} 条公示异议未答复（编号 ${open.map((o) => o.id).join('、')}），答复后才能备案`, `${open.length} objection(s) not answered yet`);
    }
    const finals = checkFinals(entries, limitsOf(load), load.branches, config);
    write.file = { ratings: finals.map((f) => ({ org: f.org, year, stars: f.stars, ratedOn: today })), at: a.at };
    move.filedAt = a.at;
  }
  return write;
}

/** Move the campaign to its next step (checks in decideAdvance); returns the updated campaign. */
export async function advanceCampaign(store: Store, config: Config, year: number, reason: string | null, a: Actor): Promise<Campaign> {
  await store.rating.campaignStep(input(year, a.at), (load) => ({ write: decideAdvance(load, config, year, reason, a), result: undefined }));
  return (await store.rating.campaign(year))!;
}

/** Record an objection during the public notice (公示异议). Returns its id. */
export async function raiseObjection(store: Store, year: number, org: string, text: string, a: Actor): Promise<number> {
  await requireBranch(store, org);
  if (!text.trim()) throw new RatingError('异议内容不能为空', 'the objection text is empty', 'invalid');
  const { objectionId } = await store.rating.campaignStep(input(year, a.at, { org }), (load) => {
    const c = requireState(load.campaign, year, 'public_notice', { zh: '登记公示异议', en: 'raising an objection' });
    const today = shanghaiDate(a.at);
    if (c.noticeTo && today > c.noticeTo) throw new RatingError(`公示期已于 ${c.noticeTo} 结束，不能再登记异议`, `the public notice ended on ${c.noticeTo}`);
    return {
      write: {
        objection: { org, text, by: a.by, at: a.at },
        transitions: [{ fromState: 'public_notice', toState: 'objection:{objection}', actor: a.by, at: a.at, reason: `「${org}」异议：${text}` }],
      },
      result: undefined,
    };
  });
  return objectionId!;
}

/** Answer an objection. */
export async function answerObjection(store: Store, id: number, answer: string, a: Actor): Promise<void> {
  if (!answer.trim()) throw new RatingError('答复内容不能为空', 'the answer is empty', 'invalid');
  const found = await store.rating.objection(id);
  if (!found) throw new RatingError(`异议 ${id} 不存在`, `objection ${id} not found`, 'not_found');
  await store.rating.campaignStep(input(found.year, a.at, { objection: id, org: found.org }), (load) => {
    const o = load.objection;
    if (!o) throw new RatingError(`异议 ${id} 不存在`, `objection ${id} not found`, 'not_found');
    if (o.answer !== null) throw new RatingError(`异议 ${id} 已于此前答复`, `objection ${id} was already answered`);
    return {
      write: { answer: { id, text: answer, by: a.by, at: a.at }, transitions: [{ fromState: 'public_notice', toState: `answer:${id}`, actor: a.by, at: a.at, reason: answer }] },
      result: undefined,
    };
  });
}

export type { CampaignState };
