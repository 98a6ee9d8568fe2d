/** Columns of `alerts` as AlertRow fields: the same names in both adapters' schemas. */
import type { AlertRow } from '../types/alerts.js';

export const ALERT_COLUMNS = {
  id: 'id',
  org: 'org',
  rule: 'rule',
  period: 'period',
  subject: 'subject',
  state: 'state',
  level: 'level',
  ruleLevel: 'rule_level',
  dueAt: 'due_at',
  message: 'message',
  openedAt: 'opened_at',
  updatedAt: 'updated_at',
  resolvedAt: 'resolved_at',
  lastNotifiedAt: 'last_notified_at',
  notifications: 'notifications',
  repeats: 'repeats',
  ackPlan: 'ack_plan',
  ackBy: 'ack_by',
  ackDeadline: 'ack_deadline',
  ackWho: 'ack_who',
  ackAt: 'ack_at',
} as const satisfies Record<keyof AlertRow, string>;
