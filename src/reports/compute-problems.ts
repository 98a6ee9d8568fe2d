/**
 * The problem list of a report: what is wrong, when, the evidence (record ids and their numbers),
 * the rule id, and the configured Chinese suggestion. Pure.
 */
import { DAY_MS, parseDate, parsePeriod, periodNameZh, shanghaiDate } from '../domain/calendar.js';
import { LEVEL_RANK, MEETING_TYPE_NAMES_ZH, RULE_IDS, RULE_NAMES_ZH, type Finding } from '../domain/types.js';
import type { Config } from '../config/schema.js';
import { dueDate, hasQuorum, isFrequencyRule } from '../rules/index.js';
import type { ProblemRuleId } from './config.js';
import type { BranchFacts, MeetingInfo, Problem } from './types.js';

/** Titles of the problem kinds that are not rules. */
export const EXTRA_PROBLEM_NAMES_ZH = { veto: '负面清单（一票否决）', 'rectification-overdue': '整改逾期' } as const;

/** Chinese title of any problem kind. */
export function problemTitle(rule: ProblemRuleId): string {
  return rule in EXTRA_PROBLEM_NAMES_ZH ? EXTRA_PROBLEM_NAMES_ZH[rule as keyof typeof EXTRA_PROBLEM_NAMES_ZH] : RULE_NAMES_ZH[rule as keyof typeof RULE_NAMES_ZH];
}

/** One line describing a meeting record, for evidence. */
export function meetingLine(m: MeetingInfo): string {
  const minutes = m.minutes === true ? '有会议记录' : m.minutes === false ? '无会议记录' : '记录情况未填';
  const lecturer = m.type === 'lecture' ? `，授课人${m.lecturerRole === 'secretary' ? '为书记' : '非书记'}` : '';
  return `记录 ${m.id}：${shanghaiDate(m.heldAt)} ${MEETING_TYPE_NAMES_ZH[m.type]}，应到 ${m.expected} 人、实到 ${m.attended} 人${m.type === 'assembly' && !hasQuorum(m) ? '（未过半）' : ''}，${minutes}${lecturer}`;
}

function evidenceOf(f: Finding, facts: BranchFacts): string[] {
  if (f.rule === 'term-expiry') {
    const o = facts.org;
    return [`换届日期 ${o.electedOn ?? '未填'}，任期 ${o.termYears ?? '按默认'} 年，届满日 ${f.period}`];
  }
  if (isFrequencyRule(f.rule)) {
    const ob = facts.stats.obligations.find((o) => o.rule === f.rule && o.period === f.period);
    if (!ob || !ob.meetingIds.length) return ['该期间无此类会议记录'];
    const lines = [`该期间此类会议记录 ${ob.meetingIds.length} 次，符合要求 ${ob.counted} 次（应 ${ob.required} 次）`];
    for (const id of ob.meetingIds) {
      const m = facts.meetings[id];
      if (m) lines.push(meetingLine(m));
    }
    return lines;
  }
  return (f.meetingIds ?? []).map((id) => (facts.meetings[id] ? meetingLine(facts.meetings[id]) : `记录 ${id}`));
}

function whenOf(f: Finding): string {
  if (f.rule === 'term-expiry') return `任期届满日 ${f.period}`;
  const p = parsePeriod(f.period);
  return p ? `${periodNameZh(p)}（截止 ${dueDate(f)}）` : f.period;
}

// Frequency messages are written for the warning of the day ("…，已逾期3天；如已召开，请尽快补录");
// a report about a closed period keeps only what was missed and the requirement.
function reportMessage(f: Finding): string {
  const msg = f.message.replace('，已转上级党委督办', '');
  return isFrequencyRule(f.rule) ? msg.replace(/，已逾期\d+天.*$/, '') : msg;
}

const ORDER: Record<string, number> = Object.fromEntries([...RULE_IDS, 'rectification-overdue', 'veto'].map((r, i) => [r, i]));

/** The problems of one branch, most severe first; each carries its rule id and suggestion. */
export function problemsOf(facts: BranchFacts, config: Config, now: number): Problem[] {
  const sug = config.reports.suggestions;
  const out: (Problem & { rankKey: number })[] = [];
  // Lapses of periods that ended before go-live (alerts.start_from) are history: shown, labelled, never sent.
  const goLive = config.alerts.start_from ? parseDate(config.alerts.start_from) : null;
  for (const f of facts.findings) {
    const history = goLive !== null && f.dueAt <= goLive;
    // Escalation (督办) means a warning went unacknowledged; the rules evaluated at the period's end
    // cannot know that, so a report shows its lapses as warnings (open escalations come from alerts).
    const level = f.level === 'escalation' ? 'warning' : f.level;
    out.push({
      rule: f.rule,
      title: RULE_NAMES_ZH[f.rule],
      level,
      period: f.period,
      when: whenOf(f),
      message: reportMessage(f),
      evidence: evidenceOf(f, facts),
      suggestion: sug[f.rule],
      rankKey: LEVEL_RANK[level],
      ...(history ? { history: true } : {}),
    });
  }
  for (const v of facts.vetoes) {
    const p = parsePeriod(v.period);
    out.push({
      rule: 'veto',
      title: EXTRA_PROBLEM_NAMES_ZH.veto,
      level: null,
      period: v.period,
      when: p ? periodNameZh(p) : v.period,
      message: `列入负面清单：${v.item}`,
      evidence: [`负面清单事项（${v.period}）：${v.item}`],
      suggestion: sug.veto,
      rankKey: 5,
    });
  }
  for (const i of facts.overdueItems) {
    out.push({
      rule: 'rectification-overdue',
      title: EXTRA_PROBLEM_NAMES_ZH['rectification-overdue'],
      level: null,
      period: i.problemPeriod,
      when: `整改期限 ${shanghaiDate(i.dueAt - 1)}`,
      message: `整改事项“${i.title}（${i.problemPeriod}）”已逾期 ${Math.floor((now - i.dueAt) / DAY_MS) + 1} 天仍未完成`,
      evidence: [`${i.reportPeriod} 体检报告提出，整改期限 ${shanghaiDate(i.dueAt - 1)}，当前状态：未完成`],
      suggestion: sug['rectification-overdue'],
      rankKey: 4,
    });
  }
  out.sort((a, b) => b.rankKey - a.rankKey || (ORDER[a.rule] ?? 99) - (ORDER[b.rule] ?? 99) || a.period.localeCompare(b.period));
  return out.map(({ rankKey: _, ...p }) => p);
}

/** The rectification deadline of a report generated at `now`: date and exclusive end instant. */
export function rectificationDeadline(now: number, days: number): { days: number; deadline: string; dueAt: number } {
  const deadline = shanghaiDate(now + days * DAY_MS);
  return { days, deadline, dueAt: parseDate(deadline)! + DAY_MS };
}
