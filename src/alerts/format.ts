/**
 * Text output of `orglife alerts` and `orglife stats` (pure): Chinese tables aligned for a
 * terminal (CJK characters take two columns) and one-line JSON objects.
 */
import { shanghaiDateTime } from '../domain/calendar.js';
import { LEVEL_NAMES_ZH, LEVELS, RULE_NAMES_ZH, type RuleId } from '../domain/types.js';
import { displayWidth } from '../evaluation/format.js';
import { CHANNEL_NAMES_ZH, type ChannelName } from '../notifiers/types.js';
import type { AlertEventRow, AlertListRow } from '../store/types/alerts.js';
import type { PeriodStats } from '../store/types/deliveries.js';
import { periodLabelZh } from './compose.js';
import { ALERT_STATE_NAMES_ZH, EVENT_KIND_NAMES_ZH, EVENT_REASONS_ZH, type AlertRow } from './types.js';

/** Rows under a header, columns padded to their widest cell. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(displayWidth(h), ...rows.map((r) => displayWidth(r[i] ?? ''))));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c + ' '.repeat(widths[i]! - displayWidth(c))))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

const when = (t: number | null) => (t === null ? '-' : shanghaiDateTime(t));

/** The alert list as a Chinese table. */
export function alertsTable(rows: AlertListRow[]): string {
  if (!rows.length) return '没有符合条件的预警。';
  return table(
    ['编号', '支部', '规则', '期间', '级别', '状态', '发起时间', '最近通知'],
    rows.map((a) => [
      String(a.id),
      a.orgName ? `${a.orgName}（${a.org}）` : a.org,
      RULE_NAMES_ZH[a.rule] ?? a.rule,
      periodLabelZh(a.rule, a.period),
      LEVEL_NAMES_ZH[a.level],
      a.state === 'acknowledged' && a.ackBy ? `${ALERT_STATE_NAMES_ZH[a.state]}至${a.ackBy}` : ALERT_STATE_NAMES_ZH[a.state],
      when(a.openedAt),
      when(a.lastNotifiedAt),
    ]),
  );
}

/** One alert as a JSON line (stable English keys, times as ISO strings). */
export function alertJson(a: AlertListRow | AlertRow): string {
  const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
  return JSON.stringify({
    id: a.id,
    org: a.org,
    orgName: 'orgName' in a ? a.orgName : undefined,
    rule: a.rule,
    ruleName: RULE_NAMES_ZH[a.rule as RuleId] ?? a.rule,
    period: a.period,
    level: a.level,
    state: a.state,
    message: a.message,
    dueAt: iso(a.dueAt),
    openedAt: iso(a.openedAt),
    lastNotifiedAt: iso(a.lastNotifiedAt),
    resolvedAt: iso(a.resolvedAt),
    notifications: a.notifications,
    ack: a.ackAt === null ? null : { plan: a.ackPlan, by: a.ackBy, who: a.ackWho, at: iso(a.ackAt) },
  });
}

/** An alert's history as lines. */
export function historyLines(events: AlertEventRow[]): string[] {
  return events.map((e) => {
    const lv = e.fromLevel && e.fromLevel !== e.level ? `${LEVEL_NAMES_ZH[e.fromLevel]}→${LEVEL_NAMES_ZH[e.level]}` : LEVEL_NAMES_ZH[e.level];
    const d = e.detail as { who?: string | null; plan?: string; by?: string } | null;
    const ack = e.kind === 'acknowledged' && d ? `；整改计划：${d.plan}，期限：${d.by}${d.who ? `，认领人：${d.who}` : ''}` : '';
    return `${when(e.at)}  ${EVENT_KIND_NAMES_ZH[e.kind]}  ${lv}  ${EVENT_REASONS_ZH[e.reason] ?? e.reason}${ack}`;
  });
}

function channelList(byChannel: Record<string, number>): string {
  return Object.entries(byChannel)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([c, n]) => `${CHANNEL_NAMES_ZH[c as ChannelName] ?? c} ${n}`)
    .join('，');
}

/** Notification figures as Chinese tables, one block per period (report mails and reminders counted apart). */
export function statsText(stats: PeriodStats[]): string {
  if (!stats.length) return '该期间没有已发送的预警消息、体检报告或整顿提醒。';
  return stats
    .map((s) => {
      const levels = LEVELS.map((l) => `${LEVEL_NAMES_ZH[l]} ${s.byLevel[l]}`).join('，');
      const channels = channelList(s.byChannel);
      const rows = s.committees.map((c) => [
        c.code ? (c.name ? `${c.name}（${c.code}）` : c.code) : '（无上级党委）',
        String(c.messages),
        String(c.items),
        ...LEVELS.map((l) => String(c.itemsByLevel[l])),
      ]);
      const r = s.reports;
      const reportLine = r.messages
        ? `  体检报告（另计）：共发送 ${r.messages} 条（支部报告 ${r.branch}，党委汇总 ${r.committee}；${channelList(r.byChannel)}）`
        : '  体检报告（另计）：0 条';
      const m = s.reminders;
      const reminderLine = m.messages ? `  整顿提醒（另计）：共发送 ${m.messages} 条（${channelList(m.byChannel)}）` : '  整顿提醒（另计）：0 条';
      return [
        `${s.period}：共发送预警消息 ${s.messages} 条，涉及预警事项 ${s.items} 项`,
        `  按级别（消息）：${levels}`,
        `  按渠道（消息）：${channels || '-'}`,
        reportLine,
        reminderLine,
        ...(rows.length ? [table(['党委', '消息数', '事项数', ...LEVELS.map((l) => `${LEVEL_NAMES_ZH[l]}事项`)], rows)] : []),
      ].join('\n');
    })
    .join('\n\n');
}
