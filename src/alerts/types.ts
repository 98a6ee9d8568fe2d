/**
 * The vocabulary of the alert pipeline: alert states, event kinds and their reasons (with the
 * Chinese words secretaries and admins read), and the shapes passed between reconcile, planning
 * and the store.
 */
import type { Level, RuleId } from '../domain/types.js';

export const ALERT_STATES = ['open', 'acknowledged', 'resolved'] as const;
export type AlertState = (typeof ALERT_STATES)[number];
export const ALERT_STATE_NAMES_ZH: Record<AlertState, string> = { open: '待处理', acknowledged: '限期整改', resolved: '已解除' };

export const EVENT_KINDS = ['opened', 'raised', 'lowered', 'repeat', 'resolved', 'acknowledged', 'reopened'] as const;
export type EventKind = (typeof EVENT_KINDS)[number];
export const EVENT_KIND_NAMES_ZH: Record<EventKind, string> = {
  opened: '新预警',
  raised: '升级',
  lowered: '降级',
  repeat: '再次提醒',
  resolved: '解除',
  acknowledged: '认领整改',
  reopened: '重新打开',
};
/** Events that announce something to the branch (and write an outbox row). */
export const NOTIFYING_EVENTS: ReadonlySet<EventKind> = new Set(['opened', 'raised', 'repeat', 'reopened']);

/** Why an event happened. */
export const EVENT_REASONS_ZH = {
  new: '首次发现',
  'level-raised': '级别提升',
  escalated: '预警送达后逾期未整改，转上级党委督办',
  'level-lowered': '级别降低（规则配置变化）',
  'repeat-due': '仍未处理，按间隔再次提醒',
  'met-on-time': '已按期完成',
  'late-record': '记录已补录，问题消除',
  'record-corrected': '记录已更正，问题消除',
  'rule-disabled': '规则已停用',
  acknowledged: '已报送整改计划和完成时限',
  'deadline-passed': '整改期限已过，问题仍未解决',
  reappeared: '问题再次出现',
} as const;
export type EventReason = keyof typeof EVENT_REASONS_ZH;

/** An alert as stored (the columns reconcile and the CLI read). */
export interface AlertRow {
  id: number;
  org: string;
  rule: RuleId;
  period: string;
  state: AlertState;
  level: Level;
  ruleLevel: Level;
  dueAt: number;
  message: string;
  openedAt: number;
  updatedAt: number;
  resolvedAt: number | null;
  lastNotifiedAt: number | null;
  notifications: number;
  repeats: number;
  ackPlan: string | null;
  ackBy: string | null;
  ackDeadline: number | null;
  ackWho: string | null;
  ackAt: number | null;
}

/** One new event row (reconcile and acknowledge write these). */
export interface NewEvent {
  kind: EventKind;
  level: Level;
  fromLevel: Level | null;
  reason: EventReason;
  detail?: Record<string, unknown>;
}

/** Thrown for a request about alerts that cannot be honoured; the message is bilingual. */
export class AlertError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AlertError';
  }
}

/** Key of an alert identity, for maps. */
export function alertKey(org: string, rule: string, period: string): string {
  return `${org}\u0000${rule}\u0000${period}`;
}
