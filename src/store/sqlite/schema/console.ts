/**
 * Tables of the web console: people's accounts (scoped to an org subtree), their sessions, the
 * audit log of every action, and the one-tap acknowledgement links carried by warning messages.
 * Secrets are stored as hashes only: passwords (scrypt), session ids and link tokens (SHA-256).
 */
import { sqliteTable, integer, text, index, uniqueIndex } from 'drizzle-orm/sqlite-core';

/** A person who signs in to the console. `org` is the code of the subtree they see and act on. */
export const users = sqliteTable(
  'users',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    username: text('username').notNull(),
    org: text('org').notNull(),
    role: text('role', { enum: ['admin', 'viewer'] }).notNull(),
    /** `scrypt$N$r$p$salt$hash` (base64url parts). */
    passwordHash: text('password_hash').notNull(),
    disabled: integer('disabled', { mode: 'boolean' }).notNull().default(false),
    /** Failed sign-ins since the last success (lockout counts them). */
    failedLogins: integer('failed_logins').notNull().default(0),
    lockedUntil: integer('locked_until'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [uniqueIndex('users_username').on(t.username)],
);

/** A signed-in browser. The cookie holds the id; only its SHA-256 is stored. */
export const sessions = sqliteTable(
  'sessions',
  {
    idHash: text('id_hash').primaryKey(),
    userId: integer('user_id').notNull(),
    /** The CSRF token every form and htmx request of this session must carry. */
    csrf: text('csrf').notNull(),
    createdAt: integer('created_at').notNull(),
    lastSeenAt: integer('last_seen_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
  },
  (t) => [index('sessions_user').on(t.userId)],
);

/** Every action taken through the console, the CLI's user commands or a secretary's link. */
export const auditLog = sqliteTable(
  'audit_log',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    at: integer('at').notNull(),
    /** Username, `link:<id>` for a secretary's link, or `cli` for the command line. */
    actor: text('actor').notNull(),
    /** acknowledge, close-rectification, import, login, login-failed, user-add, user-passwd, … */
    action: text('action').notNull(),
    /** What it acted on: an alert id, an org code, a file name, a username. */
    target: text('target'),
    /** JSON details. */
    detail: text('detail'),
    /** The org subtree the actor belongs to (so a committee sees its own log). */
    org: text('org'),
  },
  (t) => [index('audit_log_at').on(t.at)],
);

/**
 * A one-tap acknowledgement link sent to one recipient with one message: the token's SHA-256,
 * the alerts it may acknowledge (that recipient's items in that message), and its lifetime.
 */
export const ackLinks = sqliteTable(
  'ack_links',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    tokenHash: text('token_hash').notNull(),
    /** The delivery (message) that carried it. */
    deliveryId: integer('delivery_id'),
    recipientName: text('recipient_name'),
    recipientKey: text('recipient_key').notNull(),
    /** JSON list of alert ids. */
    alertIds: text('alert_ids').notNull(),
    /** JSON list of the branch codes those alerts belong to. */
    orgs: text('orgs').notNull(),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
    revokedAt: integer('revoked_at'),
    usedAt: integer('used_at'),
  },
  (t) => [uniqueIndex('ack_links_token').on(t.tokenHash), index('ack_links_delivery').on(t.deliveryId)],
);
