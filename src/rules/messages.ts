/**
 * The Chinese sentences secretaries read. Pure string building from facts the rules computed, so
 * every wording lives in one place.
 */
import { periodNameZh, shanghaiParts, type Period, type PeriodKind } from '../domain/calendar.js';
import { MEETING_TYPE_NAMES_ZH, type FrequencyRuleId, type Level, type RecordRuleId } from '../domain/types.js';
import type { MeetingFacts } from './types.js';
import { MINUTES_ELEMENT_NAMES_ZH, type MinutesElement } from '../domain/members.js';
import { daysLeft, daysOverdue, type Phase } from './levels.js';

/** What each obligation is called and the verb that goes with it ("召开支部委员会会议"). */
const OBLIGATION_ZH: Record<FrequencyRuleId, { noun: string; verb: string }> = {
  'committee-monthly': { noun: '支部委员会会议', verb: '召开' },
  'group-monthly': { noun: '党小组会', verb: '召开' },
  'theme-day-monthly': { noun: '主题党日活动', verb: '开展' },
  'assembly-quarterly': { noun: '支部党员大会', verb: '召开' },
  'lecture-quarterly': { noun: '党课', verb: '召开' },
  'secretary-lecture-yearly': { noun: '书记讲党课', verb: '开展' },
  'life-meeting-yearly': { noun: '组织生活会', verb: '召开' },
  'review-yearly': { noun: '民主评议党员', verb: '开展' },
};

const UNIT_ZH: Record<PeriodKind, string> = { month: '月', quarter: '季度', year: '年' };
const THIS_PERIOD_ZH: Record<PeriodKind, string> = { month: '本月', quarter: '本季度', year: '本年度' };
/** Flagged records listed by name before "等". */
const MAX_LISTED = 3;

const periodNames = new Map<string, string>();
/** periodNameZh, memoized: the same few periods are named for many branches. */
function nameOf(p: Period): string {
  let name = periodNames.get(p.label);
  if (name === undefined) periodNames.set(p.label, (name = periodNameZh(p)));
  return name;
}

/** Facts a recurring-obligation message is built from. */
export interface FrequencyMessageFacts {
  rule: FrequencyRuleId;
  period: Period;
  minCount: number;
  groups: number;
  required: number;
  count: number;
  /** Assemblies held in the period without quorum (not counted). */
  withoutQuorum: number;
  phase: Phase;
  level: Level;
  days: number;
}

/** The requirement in words: "每月至少1次", "3个党小组每月各至少1次", "每季度至少1次且到会人数过半". */
export function requirementZh(rule: FrequencyRuleId, kind: PeriodKind, minCount: number, groups: number): string {
  const unit = UNIT_ZH[kind];
  if (rule === 'group-monthly') return `${groups}个党小组每${unit}各至少${minCount}次`;
  if (rule === 'assembly-quarterly') return `每${unit}至少${minCount}次且到会人数过半`;
  if (rule === 'secretary-lecture-yearly') return `每${unit}至少${minCount}次由支部书记讲授`;
  return `每${unit}至少${minCount}次`;
}

/** e.g. "2026年10月未召开支部委员会会议（每月至少1次），已逾期28天" or "本季度党课尚未召开（…），距截止还有5天". */
export function frequencyMessage(f: FrequencyMessageFacts): string {
  const { noun, verb } = OBLIGATION_ZH[f.rule];
  let req = requirementZh(f.rule, f.period.kind, f.minCount, f.groups);
  if (f.withoutQuorum > 0) req += `；另有${f.withoutQuorum}次到会人数未过半，不计入`;
  const short = f.required - f.count;
  if (f.phase === 'due-soon') {
    const head =
      f.count === 0
        ? `${THIS_PERIOD_ZH[f.period.kind]}${noun}尚未${verb}`
        : `${THIS_PERIOD_ZH[f.period.kind]}${noun}已${verb}${f.count}次，尚差${short}次`;
    return `${head}（${req}），距截止还有${f.days}天`;
  }
  const name = nameOf(f.period);
  const head = f.count === 0 ? `${name}未${verb}${noun}` : `${name}${noun}仅${verb}${f.count}次，尚差${short}次`;
  let msg = `${head}（${req}），已逾期${f.days}天`;
  if (f.phase === 'in-grace') msg += `；如已${verb}，请尽快补录`;
  return msg;
}

function dayZh(t: number): string {
  const { month, day } = shanghaiParts(t);
  return `${month}月${day}日`;
}

function listed(items: string[]): string {
  return items.length > MAX_LISTED ? `${items.slice(0, MAX_LISTED).join('；')}等` : items.join('；');
}

function percent(ratio: number): string {
  return `${Number((ratio * 100).toFixed(1))}%`;
}

/** Message of a record rule about the flagged meetings of one period. */
export function recordMessage(
  rule: RecordRuleId,
  period: Period,
  flagged: readonly MeetingFacts[],
  level: Level,
  threshold?: number,
): string {
  const name = nameOf(period);
  const n = flagged.length;
  let msg: string;
  if (rule === 'assembly-quorum') {
    const detail = listed(flagged.map((m) => `${dayZh(m.heldAt)}应到${m.expected}人、实到${m.attended}人`));
    msg = `${name}有${n}次支部党员大会到会人数未过半（${detail}），会议无效，不计入党员大会次数`;
  } else if (rule === 'minutes-missing') {
    const detail = listed(flagged.map((m) => `${dayZh(m.heldAt)}${MEETING_TYPE_NAMES_ZH[m.type]}`));
    msg = `${name}有${n}次会议无会议记录（${detail}），请补齐会议记录`;
  } else {
    const detail = listed(
      flagged.map(
        (m) => `${dayZh(m.heldAt)}${MEETING_TYPE_NAMES_ZH[m.type]}应到${m.expected}人、实到${m.attended}人（${percent(m.attended / m.expected)}）`,
      ),
    );
    msg = `${name}有${n}次会议参会率低于${percent(threshold ?? 0)}（${detail}）`;
  }
  return msg;
}

/** Message of the term rule. `lastDay` is the last day of the term, 'YYYY-MM-DD'. */
export function termMessage(facts: {
  lastDay: string;
  electedOn: string;
  termYears: number;
  level: Level;
  days: number;
}): string {
  const basis = `（${facts.electedOn}选举产生，任期${facts.termYears}年）`;
  if (facts.level === 'reminder') {
    return `支部委员会任期将于${facts.lastDay}届满${basis}，距届满还有${facts.days}天，请提前做好换届准备`;
  }
  const msg = `支部委员会任期已于${facts.lastDay}届满${basis}，已超期${facts.days}天未换届，请尽快组织换届选举`;
  return msg;
}

/** e.g. "党员张三已连续6个月未参加组织生活（最近一次参加：2026年3月）…". Names the member, never a phone. */
export function absenceMessage(f: { name: string; months: number; lastMonth: number | null; level: Level; warningMonths: number }): string {
  const last = f.lastMonth === null ? '自开始签到以来未参加' : `最近一次参加：${Math.floor(f.lastMonth / 12)}年${(f.lastMonth % 12) + 1}月`;
  let msg = `党员${f.name}已连续${f.months}个月未参加党的组织生活（${last}）`;
  if (f.level === 'reminder') msg += '，请及时了解情况、督促其参加组织生活';
  else {
    msg += `；党章第九条规定，党员无正当理由连续${f.warningMonths}个月不参加党的组织生活，就被认为是自行脱党，请支部及时谈心谈话、查明原因并按规定处置`;
  }
  return msg;
}

/** Message of probation-due: the probationary year of a member ends or has ended without 转正. */
export function probationMessage(f: { name: string; joinedOn: string; due: string; phase: Phase; level: Level; days: number }): string {
  const basis = `（${f.joinedOn}接收为预备党员）`;
  if (f.phase === 'due-soon') {
    return `预备党员${f.name}预备期将于${f.due}届满${basis}，距届满还有${f.days}天，请按期召开支部党员大会讨论其转正问题`;
  }
  let msg = `预备党员${f.name}预备期已于${f.due}届满${basis}，已超过${f.days}天未讨论转正，请尽快召开支部党员大会讨论其转正问题`;
  if (f.phase === 'in-grace') msg += '；如已转正，请及时补录转正日期';
  return msg;
}

/** Message of a single-meeting check; `detail` is what flag() in meeting-checks.ts found. */
export function meetingCheckMessage(
  rule: 'attendance-mismatch' | 'minutes-incomplete' | 'meeting-too-short' | 'evidence-missing',
  m: Pick<MeetingFacts, 'heldAt' | 'type'>,
  detail: string,
  level: Level,
): string {
  const what = `${dayZh(m.heldAt)}${MEETING_TYPE_NAMES_ZH[m.type]}`;
  let msg: string;
  if (rule === 'attendance-mismatch') msg = `${what}${detail}，请核实实到人数或补录签到`;
  else if (rule === 'minutes-incomplete') {
    const names = detail.split(',').map((e) => MINUTES_ELEMENT_NAMES_ZH[e as MinutesElement] ?? e);
    msg = `${what}会议记录要素不全，缺少${names.join('、')}，请补全会议记录`;
  } else if (rule === 'meeting-too-short') {
    const [got, min] = detail.split(',');
    msg = `${what}时长${got}分钟，少于规定的${min}分钟`;
  } else msg = `${what}未留存录像或照片`;
  return msg;
}

/**
 * A finding's message re-counted as of `at` (the moment it is sent): the days left before, or past,
 * `dueAt` in "距截止还有N天" / "距届满还有N天" / "已逾期N天". A message planned on Friday and held over the
 * weekend by quiet hours then says what is true on Monday. Other text is left as it is.
 */
export function messageAt(message: string, dueAt: number, at: number): string {
  return message
    .replace(/距(截止|届满)还有(\d+)天/g, (_, what: string) => (at < dueAt ? `距${what}还有${daysLeft(dueAt, at)}天` : `已到${what === '截止' ? '截止日期' : '届满日期'}`))
    .replace(/已逾期(\d+)天/g, () => `已逾期${daysOverdue(dueAt, at)}天`);
}
