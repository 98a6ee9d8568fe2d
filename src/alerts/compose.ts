/**
 * Message composition, pure: a digest model → subject, plain text, HTML, SMS template params and
 * a compact chat-robot text, all in Chinese. Everything imported (branch names, meeting topics in
 * messages, people's names) is HTML-escaped in the HTML part.
 */
import { parsePeriod, periodNameZh, shanghaiDate, shanghaiDateTime } from '../domain/calendar.js';
import { LEVEL_NAMES_ZH, LEVEL_RANK, RULE_NAMES_ZH, type Level, type RuleId } from '../domain/types.js';
import { truncateSmsParam, type SmsContent } from '../notifiers/sms-params.js';
import type { LogicalChannel, OutgoingMessage } from '../notifiers/types.js';
import { digestItems, type DigestBranch, type DigestItem, type DigestModel } from './digest-model.js';
import { composeBacklog } from './backlog.js';

const PREFIX = '【组织生活预警】';
const FOOTER = '本消息由组织生活工作预警系统自动发送，请勿直接回复。';
const ACK_HINT = '如确有困难不能按期完成，请向上级党组织报送整改计划和完成时限（限期整改），并注明预警编号。';

/** What to do about each rule, said to the branch. */
export const RULE_ACTIONS_ZH: Record<RuleId, string> = {
  'committee-monthly': '请尽快召开支部委员会会议，并及时录入会议记录；已召开的请补录。',
  'group-monthly': '请督促各党小组尽快召开党小组会，并及时录入会议记录；已召开的请补录。',
  'theme-day-monthly': '请尽快组织开展主题党日活动，并及时录入活动记录；已开展的请补录。',
  'assembly-quarterly': '请尽快召开支部党员大会（到会党员须过半数），并及时录入会议记录；已召开的请补录。',
  'lecture-quarterly': '请尽快组织党员上党课，并及时录入记录；已开展的请补录。',
  'secretary-lecture-yearly': '请支部书记年内为党员讲一次党课，并及时录入记录（授课人填“书记”）。',
  'life-meeting-yearly': '请按要求召开组织生活会，并及时录入会议记录；已召开的请补录。',
  'review-yearly': '请按要求开展民主评议党员，并及时录入记录；已开展的请补录。',
  'assembly-quorum': '到会人数未过半的党员大会不能作为有效会议，请重新召开并确保应到党员过半数出席。',
  'minutes-missing': '请补齐会议记录（时间、地点、主持人、记录人、出席和缺席人员、议程、决议及表决情况）。',
  'attendance-low': '请做好缺席党员的补课工作，提高党员参会率。',
  'term-expiry': '请按规定启动换届选举并报上级党组织批准；确需延期换届的，请按程序报批。',
  'member-absence': '请与长期未参加组织生活的党员谈心谈话、了解原因，督促其参加组织生活；确有正当理由的请做好请假登记。',
  'probation-due': '请在预备期满时及时召开支部党员大会讨论预备党员转正问题，并报上级党组织审批。',
  'attendance-mismatch': '请核实会议实到人数，或补录签到记录，确保实到人数与签到一致。',
  'minutes-incomplete': '请补全会议记录要素（地点、主持人、记录人、议程、决议及表决情况）。',
  'meeting-too-short': '请保证会议时长，确保会议内容充实、程序完整。',
  'evidence-missing': '请按本地规定留存会议影像资料。',
};

/** Escape text for HTML element content and attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** The period as people read it: '2026年10月', '2026年第三季度', or the term's last day. */
export function periodLabelZh(rule: RuleId, period: string): string {
  if (rule === 'term-expiry') return `任期至${period}`;
  const p = parsePeriod(period);
  return p ? periodNameZh(p) : period;
}

/** The last day the obligation could be met on time ('YYYY-MM-DD'). */
export function dueDateOf(item: Pick<DigestItem, 'dueAt'>): string {
  return shanghaiDate(item.dueAt - 1);
}

/** Why this item is in the message again, if it is not new. */
function noteOf(i: DigestItem): string {
  if (i.kind === 'repeat') return `（第${(i.repeat ?? 1) + 1}次提醒）`;
  if (i.kind === 'raised') return '（已升级）';
  if (i.kind === 'reopened') return i.reason === 'deadline-passed' ? '（整改期限已过）' : '（问题再次出现）';
  return '';
}

function levelCounts(items: DigestItem[]): Record<Level, number> {
  const c: Record<Level, number> = { reminder: 0, warning: 0, escalation: 0 };
  for (const i of items) c[i.level]++;
  return c;
}

/** '（督办1项、预警2项）' for the severe levels present, '' when all are reminders. */
function severeSummary(items: DigestItem[]): string {
  const c = levelCounts(items);
  const parts = (['escalation', 'warning'] as const).filter((l) => c[l]).map((l) => `${LEVEL_NAMES_ZH[l]}${c[l]}项`);
  return parts.length ? `（${parts.join('、')}）` : '';
}

function maxLevel(items: DigestItem[]): Level {
  return items.reduce<Level>((m, i) => (LEVEL_RANK[i.level] > LEVEL_RANK[m] ? i.level : m), 'reminder');
}

function branchesName(list: DigestBranch[], unit: string): string {
  return list.length === 1 ? list[0]!.name : `${list[0]!.name}等${list.length}个${unit}`;
}

/** Subject: '【组织生活预警】XX党支部有3项待办（预警1项）', with the committee part when there is one. */
export function composeSubject(m: DigestModel): string {
  const parts: string[] = [];
  if (m.own.length) {
    const items = m.own.flatMap((b) => b.items);
    parts.push(`${branchesName(m.own, '支部')}有${items.length}项待办${severeSummary(items)}`);
  }
  if (m.committees.length) {
    const branches = m.committees.flatMap((c) => c.branches);
    const items = branches.flatMap((b) => b.items);
    const who = m.committees.length === 1 ? m.committees[0]!.name : `${m.committees[0]!.name}等${m.committees.length}个党委`;
    parts.push(`${m.own.length ? '另有' : ''}${who}下辖${branches.length}个支部需督促整改${severeSummary(items)}`);
  }
  return PREFIX + parts.join('；');
}

function itemTitle(i: DigestItem): string {
  return `【${LEVEL_NAMES_ZH[i.level]}】${RULE_NAMES_ZH[i.rule]}（${periodLabelZh(i.rule, i.period)}，截止${dueDateOf(i)}）${noteOf(i)}`;
}

/**
 * The items as lines. To the branch: what happened and what to do (请您：…). To a committee: what
 * happened only — the action text is the secretary's; the committee is asked to 督促 (see the header).
 */
function textItems(items: DigestItem[], indent: string, toCommittee = false): string[] {
  return items.flatMap((i, n) => [
    `${indent}${n + 1}. ${itemTitle(i)}`,
    `${indent}   情况：${i.message}`,
    ...(toCommittee ? [] : [`${indent}   请您：${RULE_ACTIONS_ZH[i.rule]}`]),
    `${indent}   预警编号：${i.alertId}`,
  ]);
}

/** What a committee is asked to do about its lagging branches. */
const COMMITTEE_ASK = '请贵党委督促以下支部限期整改，及时补开、补录相关会议活动，并向上级党组织报送整改计划和完成时限';
const COMMITTEE_HINT = '支部完成整改或报送整改计划（限期整改）后，督办自动解除，不再提醒。';

function greeting(m: DigestModel): string {
  return m.robot ? '各位同志：' : `${m.recipientName ? `${m.recipientName}同志` : '您好'}：`;
}

/** Plain-text body (email text part). */
export function composeText(m: DigestModel, link?: AckLinkRef): string {
  const lines: string[] = [greeting(m), ''];
  const when = shanghaiDateTime(m.at);
  for (const b of m.own) {
    lines.push(`截至${when}，${b.name}（${b.code}）有以下${b.items.length}项组织生活待办事项：`, '');
    lines.push(...textItems(b.items, ''), '');
  }
  for (const c of m.committees) {
    lines.push(`【督办】截至${when}，${c.name}下辖以下${c.branches.length}个支部组织生活工作滞后，预警送达后逾期仍未整改。${COMMITTEE_ASK}：`, '');
    c.branches.forEach((b, n) => {
      lines.push(`${n + 1}）${b.name}（${b.code}）：${b.items.length}项${severeSummary(b.items)}`);
      lines.push(...textItems(b.items, '   ', true));
    });
    lines.push('');
  }
  lines.push(...(link ? [linkLine(link), ''] : []), m.own.length ? ACK_HINT : COMMITTEE_HINT, FOOTER);
  return lines.join('\n');
}

/** A one-tap acknowledgement link of a message (src/app/ack-links.ts makes it). */
export interface AckLinkRef {
  /** The full URL under http.public_url. */
  url: string;
  /** The path after public_url (`a/<token>`), the SMS template variable. */
  path: string;
  /** Last day it works, YYYY-MM-DD. */
  until: string;
}

function linkLine(l: AckLinkRef): string {
  return `一键认领整改（手机打开，无需登录，填写整改措施和完成时限，${l.until}前有效）：${l.url}`;
}

function htmlItems(items: DigestItem[], toCommittee = false): string {
  const rows = items
    .map(
      (i) =>
        `<tr><td>${escapeHtml(LEVEL_NAMES_ZH[i.level])}</td><td>${escapeHtml(RULE_NAMES_ZH[i.rule])}${escapeHtml(noteOf(i))}</td>` +
        `<td>${escapeHtml(periodLabelZh(i.rule, i.period))}</td><td>${escapeHtml(dueDateOf(i))}</td>` +
        `<td>${escapeHtml(i.message)}</td>${toCommittee ? '' : `<td>${escapeHtml(RULE_ACTIONS_ZH[i.rule])}</td>`}<td>${i.alertId}</td></tr>`,
    )
    .join('');
  return (
    '<table border="1" cellpadding="6" cellspacing="0" style="border-collapse:collapse">' +
    `<thead><tr><th>级别</th><th>事项</th><th>期间</th><th>截止日期</th><th>情况</th>${toCommittee ? '' : '<th>请您</th>'}<th>预警编号</th></tr></thead>` +
    `<tbody>${rows}</tbody></table>`
  );
}

/** HTML body (email HTML part). */
export function composeHtml(m: DigestModel, link?: AckLinkRef): string {
  const when = escapeHtml(shanghaiDateTime(m.at));
  const parts: string[] = [`<p>${escapeHtml(greeting(m))}</p>`];
  for (const b of m.own) {
    parts.push(`<p>截至${when}，<strong>${escapeHtml(b.name)}</strong>（${escapeHtml(b.code)}）有以下${b.items.length}项组织生活待办事项：</p>`);
    parts.push(htmlItems(b.items));
  }
  for (const c of m.committees) {
    parts.push(`<h3>督办：${escapeHtml(c.name)}下辖${c.branches.length}个支部组织生活工作滞后，预警送达后逾期仍未整改</h3>`, `<p>${escapeHtml(COMMITTEE_ASK)}。</p>`);
    for (const b of c.branches) {
      parts.push(`<p><strong>${escapeHtml(b.name)}</strong>（${escapeHtml(b.code)}）：${b.items.length}项${escapeHtml(severeSummary(b.items))}</p>`, htmlItems(b.items, true));
    }
  }
  if (link) {
    parts.push(
      `<p><a href="${escapeHtml(link.url)}" style="display:inline-block;background:#b71c1c;color:#fff;padding:10px 18px;border-radius:4px;text-decoration:none">一键认领整改</a></p>`,
      `<p>${escapeHtml(linkLine(link))}</p>`,
    );
  }
  parts.push(`<p>${escapeHtml(m.own.length ? ACK_HINT : COMMITTEE_HINT)}</p>`, `<p style="color:#888">${escapeHtml(FOOTER)}</p>`);
  return `<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>${escapeHtml(composeSubject(m))}</title></head><body>${parts.join('\n')}</body></html>`;
}

/** Template SMS content and a short SMS text (what an HTTP gateway sends as text). */
export function composeSms(m: DigestModel, link?: AckLinkRef): { sms: SmsContent; text: string } {
  const items = digestItems(m);
  const level = maxLevel(items);
  const name = m.own.length
    ? branchesName(m.own, '支部')
    : m.committees.length === 1
      ? `${m.committees[0]!.name}下辖支部`
      : `${m.committees[0]!.name}等党委下辖支部`;
  const deadline = items.map(dueDateOf).sort()[0] ?? '';
  const sms: SmsContent = {
    template: level,
    params: {
      name: truncateSmsParam(name),
      count: String(items.length),
      level: LEVEL_NAMES_ZH[level],
      deadline,
      ...(link ? { link: link.path } : {}),
    },
  };
  const more = m.emailCopy ? '详见邮件' : '请及时处理';
  const text = `${PREFIX}${sms.params.name}有${items.length}项组织生活待办${severeSummary(items)}，最早截止${deadline}，${more}。${link ? `认领整改：${link.url}` : ''}`;
  return { sms, text };
}

/** A compact markdown-friendly list for group chat robots (they cut long text; email has it all). */
export function composeRobotText(m: DigestModel): string {
  const lines: string[] = [`截至${shanghaiDateTime(m.at)}：`];
  const branchLines = (b: DigestBranch) => [
    `- ${b.name}（${b.code}）：${b.items.length}项${severeSummary(b.items)}`,
    ...b.items.map((i) => `  - 【${LEVEL_NAMES_ZH[i.level]}】${RULE_NAMES_ZH[i.rule]} ${periodLabelZh(i.rule, i.period)}（截止${dueDateOf(i)}）`),
  ];
  for (const b of m.own) lines.push(...branchLines(b));
  for (const c of m.committees) {
    lines.push(`${c.name}下辖${c.branches.length}个支部需督促整改：`);
    for (const b of c.branches) lines.push(...branchLines(b));
  }
  return lines.join('\n');
}

/** The message for one channel of a digest. */
export function composeMessage(m: DigestModel, logical: LogicalChannel, to: string, link?: AckLinkRef): OutgoingMessage {
  if (m.backlog) return composeBacklog(m, logical, to, escapeHtml);
  const subject = composeSubject(m);
  if (logical === 'email') return { to, subject, text: composeText(m, link), html: composeHtml(m, link) };
  if (logical === 'sms') {
    const { sms, text } = composeSms(m, link);
    return { to, subject, text, sms };
  }
  return { to, subject, text: composeRobotText(m) };
}
