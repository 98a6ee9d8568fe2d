/**
 * Tables of the alert pipeline: alerts (one per org, rule and period) with their event log, the
 * transactional outbox of notification intents, and the digests and deliveries planned from it,
 * with every send attempt. The outbox row is written in the same transaction as the event it
 * announces, so a crash at any moment loses nothing and sends nothing twice.
 */
import { sql } from 'drizzle-orm';
import { sqliteTable, integer, text, index, uniqueIndex, primaryKey, check } from 'drizzle-orm/sqlite-core';

const LEVEL = ['reminder', 'warning', 'escalation'] as const;

/** One alert per (org, rule, period, subject); its state and level change over time, each change an event. */
export const alerts = sqliteTable(
  'alerts',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    org: text('org').notNull(),
    rule: text('rule').notNull(),
    period: text('period').notNull(),
    /** The member (member rules) or meeting record (single-meeting checks) the alert is about; '' otherwise. */
    subject: text('subject').notNull().default(''),
    state: text('state', { enum: ['open', 'acknowledged', 'resolved'] }).notNull(),
    /** The level in force (an acknowledged alert is capped at warning). */
    level: text('level', { enum: LEVEL }).notNull(),
    /** The level the rule gave last time (uncapped), for display. */
    ruleLevel: text('rule_level', { enum: LEVEL }).notNull(),
    dueAt: integer('due_at').notNull(),
    message: text('message').notNull(),
    openedAt: integer('opened_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    resolvedAt: integer('resolved_at'),
    /** When the last notification intent (outbox row) was written. */
    lastNotifiedAt: integer('last_notified_at'),
    /** Notification intents written in total. */
    notifications: integer('notifications').notNull().default(0),
    /** Repeats since the level last rose or the alert last (re)opened. */
    repeats: integer('repeats').notNull().default(0),
    /** Rectification plan (限期整改) of an acknowledgement. */
    ackPlan: text('ack_plan'),
    /** Deadline date 'YYYY-MM-DD' (Shanghai) as given. */
    ackBy: text('ack_by'),
    /** Deadline instant: midnight ending the `ack_by` day, epoch ms. */
    ackDeadline: integer('ack_deadline'),
    ackWho: text('ack_who'),
    ackAt: integer('ack_at'),
  },
  (t) => [uniqueIndex('alerts_key').on(t.org, t.rule, t.period, t.subject), index('alerts_state_org').on(t.state, t.org)],
);

/** Every change of an alert, with its reason (the audit trail and the source of notifications). */
export const alertEvents = sqliteTable(
  'alert_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    alertId: integer('alert_id').notNull(),
    at: integer('at').notNull(),
    kind: text('kind', { enum: ['opened', 'raised', 'lowered', 'repeat', 'resolved', 'acknowledged', 'reopened'] }).notNull(),
    /** Level after the event. */
    level: text('level', { enum: LEVEL }).notNull(),
    fromLevel: text('from_level', { enum: LEVEL }),
    /** Reason code (new, met-on-time, late-record, deadline-passed, …). */
    reason: text('reason').notNull(),
    /** JSON details: {who, plan, by} of an acknowledgement, the repeat number, … */
    detail: text('detail'),
  },
  (t) => [index('alert_events_alert').on(t.alertId)],
);

/** Notification intents: one row per notifying event, until the planner turns it into deliveries. */
export const alertOutbox = sqliteTable(
  'alert_outbox',
  {
    eventId: integer('event_id').primaryKey(),
    alertId: integer('alert_id').notNull(),
    createdAt: integer('created_at').notNull(),
    plannedAt: integer('planned_at'),
    /** How planning went: digests it joined, or why no one could be told. */
    note: text('note'),
  },
  (t) => [index('alert_outbox_planned').on(t.plannedAt)],
);

/** One message's worth of items for one recipient (a person or a robot), as planned in one run. */
export const alertDigests = sqliteTable(
  'alert_digests',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** sha256 of recipient key + sorted event ids: the same content is never planned twice. */
    key: text('key').notNull(),
    /** 'person:<phone or email>' or 'robot:<channel>:<name>'. */
    recipientKey: text('recipient_key').notNull(),
    recipientName: text('recipient_name'),
    /** JSON {phone, email, robot}: the addresses fallbacks may use. */
    contacts: text('contacts').notNull(),
    /** JSON list of logical channels in fallback order, already filtered to what the recipient can get. */
    route: text('route').notNull(),
    level: text('level', { enum: LEVEL }).notNull(),
    /** JSON of the digest model; messages are composed from it (pure) at send time. */
    model: text('model').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [uniqueIndex('alert_digests_key').on(t.key)],
);

/** The alert events a digest carries (for stats: branch, committee, level). */
export const alertDigestItems = sqliteTable(
  'alert_digest_items',
  {
    digestId: integer('digest_id').notNull(),
    eventId: integer('event_id').notNull(),
    alertId: integer('alert_id').notNull(),
    org: text('org').notNull(),
    /** The branch's parent committee code at planning time. */
    committee: text('committee'),
    level: text('level', { enum: LEVEL }).notNull(),
    role: text('role', { enum: ['secretary', 'clerk', 'committee'] }).notNull(),
  },
  // alert and org indexes: the console shows an alert's or a branch's deliveries.
  (t) => [primaryKey({ columns: [t.digestId, t.eventId] }), index('alert_digest_items_alert').on(t.alertId), index('alert_digest_items_org').on(t.org)],
);

/**
 * One message to one recipient on one channel: the one delivery log of warnings AND health-check
 * reports. A delivery carries either an alert digest (`digest_id`; dedup key = recipient, channel,
 * sorted event ids) or a stored report (`report_id`; dedup key = report id, channel, address).
 */
export const deliveries = sqliteTable(
  'deliveries',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    dedupKey: text('dedup_key').notNull(),
    /** The alert digest this message carries (null for a report delivery). */
    digestId: integer('digest_id'),
    /** The stored report (reports.id) this message carries (null for an alert delivery). */
    reportId: integer('report_id'),
    /** The reminder (reminders.id, schema/rating.ts) this message carries: the monthly weak-branch reminder. */
    reminderId: integer('reminder_id'),
    /** Report deliveries only: JSON logical channels in fallback order (an alert delivery's is on its digest). */
    route: text('route'),
    /** Report deliveries only: JSON {phone, email, robot} of the recipient, for fallbacks. */
    contacts: text('contacts'),
    /** Physical channel (email, aliyun_sms, …). */
    channel: text('channel').notNull(),
    /** Logical channel of the route (sms, email, wecom, dingtalk). */
    logical: text('logical').notNull(),
    /** Phone number, email address or robot name. */
    recipient: text('recipient').notNull(),
    status: text('status', { enum: ['pending', 'sent', 'failed', 'cancelled'] }).notNull().default('pending'),
    /** Earliest send time (quiet hours), epoch ms. */
    notBefore: integer('not_before').notNull(),
    /** Shanghai date of not_before: the day a per-recipient SMS cap counts it on. */
    sendDay: text('send_day').notNull(),
    createdAt: integer('created_at').notNull(),
    /** A worker holds it until then (claim lease); after that another worker may take it over. */
    claimedUntil: integer('claimed_until'),
    /** Who holds the claim (a worker's instance id + job token). */
    claimedBy: text('claimed_by'),
    attempts: integer('attempts').notNull().default(0),
    sentAt: integer('sent_at'),
    providerMessageId: text('provider_message_id'),
    lastError: text('last_error'),
    /** The delivery this one replaces after a permanent failure (route fallback). */
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
    check('deliveries_one_source', sql`((digest_id IS NOT NULL) + (report_id IS NOT NULL) + (reminder_id IS NOT NULL)) = 1`),
  ],
);

/** Every send attempt, whatever its outcome (channel, recipient, when, how long, error). */
export const deliveryAttempts = sqliteTable(
  'delivery_attempts',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    deliveryId: integer('delivery_id').notNull(),
    attempt: integer('attempt').notNull(),
    channel: text('channel').notNull(),
    recipient: text('recipient').notNull(),
    startedAt: integer('started_at').notNull(),
    durationMs: integer('duration_ms').notNull(),
    providerMessageId: text('provider_message_id'),
    error: text('error'),
    errorCode: text('error_code'),
    permanent: integer('permanent', { mode: 'boolean' }).notNull().default(false),
  },
  (t) => [index('delivery_attempts_delivery').on(t.deliveryId)],
);
