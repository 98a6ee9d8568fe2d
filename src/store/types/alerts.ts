/** Row types of the alerts family (alerts and their events). */
import type { AlertState, EventKind, EventReason } from '../../domain/alerts.js';
import type { Level, RuleId } from '../../domain/types.js';

/** An alert as stored (the columns reconcile and the CLI read). */
export interface AlertRow {
  id: number;
  org: string;
  rule: RuleId;
  period: string;
  /** Member id (member rules) or meeting record id (single-meeting checks); '' for branch rules. */
  subject: string;
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

/** An alert with the names people read. */
export interface AlertListRow extends AlertRow {
  orgName: string | null;
  parent: string | null;
}

/** One stored event. */
export interface AlertEventRow {
  id: number;
  alertId: number;
  at: number;
  kind: NewEvent['kind'];
  level: Level;
  fromLevel: Level | null;
  reason: NewEvent['reason'];
  detail: Record<string, unknown> | null;
}

/** How a branch dealt with its alerts in a span of time (for reports). */
export interface OrgAlertSummary {
  org: string;
  /** Alerts opened in the span. */
  opened: number;
  /** Of those, how many reached warning or escalation, and escalation. */
  warnings: number;
  escalations: number;
  /** How many were acknowledged with a rectification plan, and the mean hours from opening to that. */
  acknowledged: number;
  meanHoursToAck: number | null;
  /** How many are still open or acknowledged now. */
  unresolved: number;
}

/** The time an alert stood at warning (预警) or worse: from its first such event to its resolution. */
export interface WarningSpan {
  rule: string;
  period: string;
  /** First warning-or-escalation event, epoch ms. */
  from: number;
  /** When it was resolved; null while it is open or acknowledged. */
  to: number | null;
}
