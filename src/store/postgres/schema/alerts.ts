/**
 * PostgreSQL tables of the alert pipeline (mirror of the SQLite ones): alerts and their events,
 * the outbox, digests and their items, deliveries and every send attempt; plus the per-phone,
 * per-day SMS counter that makes the daily cap exact across daemons.
 */
import { sql } from 'drizzle-orm';
import { pgTable, integer, boolean, text, index, uniqueIndex, primaryKey, check } from 'drizzle-orm/pg-core';
import { ms } from './records.js';

const LEVEL = ['reminder', 'warning', 'escalation'] as const;

export const alerts = pgTable(
  'alerts',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    org: text('org').notNull(),
    rule: text('rule').notNull(),
    period: text('period').notNull(),
    subject: text('subject').notNull().default(''),
    state: text('state', { enum: ['open', 'acknowledged', 'resolved'] }).notNull(),
    level: text('level', { enum: LEVEL }).notNull(),
    ruleLevel: text('rule_level', { enum: LEVEL }).notNull(),
    dueAt: ms('due_at').notNull(),
    message: text('message').notNull(),
    openedAt: ms('opened_at').notNull(),
    updatedAt: ms('updated_at').notNull(),
    resolvedAt: ms('resolved_at'),
    lastNotifiedAt: ms('last_notified_at'),
    notifications: integer('notifications').notNull().default(0),
    repeats: integer('repeats').notNull().default(0),
    ackPlan: text('ack_plan'),
    ackBy: text('ack_by'),
    ackDeadline: ms('ack_deadline'),
    ackWho: text('ack_who'),
    ackAt: ms('ack_at'),
  },
  (t) => [uniqueIndex('alerts_key').on(t.org, t.rule, t.period, t.subject), index('alerts_state_org').on(t.state, t.org)],
);

export const alertEvents = pgTable(
  'alert_events',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    alertId: integer('alert_id').notNull(),
    at: ms('at').notNull(),
    kind: text('kind', { enum: ['opened', 'raised', 'lowered', 'repeat', 'resolved', 'acknowledged', 'reopened'] }).notNull(),
    level: text('level', { enum: LEVEL }).notNull(),
    fromLevel: text('from_level', { enum: LEVEL }),
    reason: text('reason').notNull(),
    detail: text('detail'),
  },
  (t) => [index('alert_events_alert').on(t.alertId)],
);

export const alertOutbox = pgTable(
  'alert_outbox',
  {
    eventId: integer('event_id').primaryKey(),
    alertId: integer('alert_id').notNull(),
    createdAt: ms('created_at').notNull(),
    plannedAt: ms('planned_at'),
    note: text('note'),
  },
  (t) => [index('alert_outbox_planned').on(t.plannedAt)],
);

export const alertDigests = pgTable(
  'alert_digests',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    key: text('key').notNull(),
    recipientKey: text('recipient_key').notNull(),
    recipientName: text('recipient_name'),
    contacts: text('contacts').notNull(),
    route: text('route').notNull(),
    level: text('level', { enum: LEVEL }).notNull(),
    model: text('model').notNull(),
    createdAt: ms('created_at').notNull(),
  },
  (t) => [uniqueIndex('alert_digests_key').on(t.key)],
);

export const alertDigestItems = pgTable(
  'alert_digest_items',
  {
    digestId: integer('digest_id').notNull(),
    eventId: integer('event_id').notNull(),
    alertId: integer('alert_id').notNull(),
    org: text('org').notNull(),
    committee: text('committee'),
    level: text('level', { enum: LEVEL }).notNull(),
    role: text('role', { enum: ['secretary', 'clerk', 'committee'] }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.digestId, t.eventId] }), index('alert_digest_items_alert').on(t.alertId), index('alert_digest_items_org').on(t.org)],
);

export const deliveries = pgTable(
  'deliveries',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    dedupKey: text('dedup_key').notNull(),
    digestId: integer('digest_id'),
    reportId: integer('report_id'),
    /** The reminder (reminders.id, schema/rating.ts) this message carries: the monthly weak-branch reminder. */
    reminderId: integer('reminder_id'),
    route: text('route'),
    contacts: text('contacts'),
    channel: text('channel').notNull(),
    logical: text('logical').notNull(),
    recipient: text('recipient').notNull(),
    status: text('status', { enum: ['pending', 'sent', 'failed', 'cancelled'] }).notNull().default('pending'),
    notBefore: ms('not_before').notNull(),
    sendDay: text('send_day').notNull(),
    createdAt: ms('created_at').notNull(),
    claimedUntil: ms('claimed_until'),
    claimedBy: text('claimed_by'),
    attempts: integer('attempts').notNull().default(0),
    sentAt: ms('sent_at'),
    providerMessageId: text('provider_message_id'),
    lastError: text('last_error'),
    fallbackOf: integer('fallback_of'),
  },
  (t) => [
    uniqueIndex('deliveries_dedup').on(t.dedupKey),
    index('deliveries_status_due').on(t.status, t.notBefore),
    index('deliveries_recipient_day').on(t.recipient, t.sendDay),
    index('deliveries_sent_at').on(t.sentAt),
    index('deliveries_digest').on(t.digestId),
    index('deliveries_report').on(t.reportId),
    index('deliveries_reminder').on(t.reminderId),
    // Exactly one source: an alert digest, a stored report, or a reminder.
    check('deliveries_one_source', sql`num_nonnulls(digest_id, report_id, reminder_id) = 1`),
  ],
);

export const deliveryAttempts = pgTable(
  'delivery_attempts',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    deliveryId: integer('delivery_id').notNull(),
    attempt: integer('attempt').notNull(),
    channel: text('channel').notNull(),
    recipient: text('recipient').notNull(),
    startedAt: ms('started_at').notNull(),
    durationMs: integer('duration_ms').notNull(),
    providerMessageId: text('provider_message_id'),
    error: text('error'),
    errorCode: text('error_code'),
    permanent: boolean('permanent').notNull().default(false),
  },
  (t) => [index('delivery_attempts_delivery').on(t.deliveryId)],
);
