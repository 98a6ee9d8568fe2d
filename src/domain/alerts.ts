/**
 * The vocabulary of alerts shared by the alert lifecycle and the store: states, event kinds and
 * the reasons events happen (with the Chinese words secretaries and admins read).
 */

export const ALERT_STATES = ['open', 'acknowledged', 'resolved'] as const;
export type AlertState = (typeof ALERT_STATES)[number];
export const EVENT_KINDS = ['opened', 'raised', 'lowered', 'repeat', 'resolved', 'acknowledged', 'reopened'] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

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
  'period-changed': '规则的检查周期已调整，原周期不再检查',
  acknowledged: '已报送整改计划和完成时限',
  'deadline-passed': '整改期限已过，问题仍未解决',
  reappeared: '问题再次出现',
  exempted: '已豁免（经批准暂不检查）',
  'org-removed': '组织已撤销',
} as const;
export type EventReason = keyof typeof EVENT_REASONS_ZH;
