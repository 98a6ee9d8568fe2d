/**
 * The vocabulary of the alert pipeline: alert states, event kinds and their reasons (with the
 * Chinese words secretaries and admins read), and the shapes passed between reconcile, planning
 * and the store.
 */


export { ALERT_STATES, EVENT_KINDS, EVENT_REASONS_ZH, type AlertState, type EventKind, type EventReason } from '../domain/alerts.js';
export type { AlertRow, NewEvent } from '../store/types/alerts.js';
import type { AlertState, EventKind } from '../domain/alerts.js';

export const ALERT_STATE_NAMES_ZH: Record<AlertState, string> = { open: '待处理', acknowledged: '限期整改', resolved: '已解除' };

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

/** Thrown for a request about alerts that cannot be honoured; the message is bilingual. */
export class AlertError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AlertError';
  }
}

/** Key of an alert identity (org, rule, period, subject), for maps. */
export function alertKey(org: string, rule: string, period: string, subject = ''): string {
  return `${org}\u0000${rule}\u0000${period}\u0000${subject}`;
}
