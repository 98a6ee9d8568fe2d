/**
 * Queries of console accounts: users, their sessions and the audit log. Hashing happens in
 * src/console/passwords.ts; this file stores and reads what it is given. All synchronous.
 */
import { prepared } from './sqlite/alerts.js';
import type { Db } from './sqlite/db.js';

export type UserRole = 'admin' | 'viewer';

export interface UserRow {
  id: number;
  username: string;
  org: string;
  role: UserRole;
  passwordHash: string;
  disabled: boolean;
  failedLogins: number;
  lockedUntil: number | null;
  createdAt: number;
  updatedAt: number;
}

const USER_COLS = `id, username, org, role, password_hash AS passwordHash, disabled, failed_logins AS failedLogins,
  locked_until AS lockedUntil, created_at AS createdAt, updated_at AS updatedAt`;

function toUser(r: (Omit<UserRow, 'disabled'> & { disabled: number }) | undefined): UserRow | undefined {
  return r ? { ...r, disabled: !!r.disabled } : undefined;
}

export function insertUser(db: Db, u: { username: string; org: string; role: UserRole; passwordHash: string }, now: number): number {
  return Number(
    prepared(db, 'INSERT INTO users (username, org, role, password_hash, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)').run(
      u.username,
      u.org,
      u.role,
      u.passwordHash,
      now,
      now,
    ).lastInsertRowid,
  );
}

export function findUserByName(db: Db, username: string): UserRow | undefined {
  return toUser(prepared(db, `SELECT ${USER_COLS} FROM users WHERE username = ?`).get(username) as never);
}

export function findUserById(db: Db, id: number): UserRow | undefined {
  return toUser(prepared(db, `SELECT ${USER_COLS} FROM users WHERE id = ?`).get(id) as never);
}

export function listUsers(db: Db): UserRow[] {
  return (prepared(db, `SELECT ${USER_COLS} FROM users ORDER BY username`).all() as never[]).map((r) => toUser(r)!);
}

export function setPassword(db: Db, id: number, passwordHash: string, now: number): void {
  prepared(db, 'UPDATE users SET password_hash = ?, failed_logins = 0, locked_until = NULL, updated_at = ? WHERE id = ?').run(passwordHash, now, id);
  // A new password ends every session signed in with the old one.
  prepared(db, 'DELETE FROM sessions WHERE user_id = ?').run(id);
}

export function setDisabled(db: Db, id: number, disabled: boolean, now: number): void {
  prepared(db, 'UPDATE users SET disabled = ?, updated_at = ? WHERE id = ?').run(disabled ? 1 : 0, now, id);
  if (disabled) prepared(db, 'DELETE FROM sessions WHERE user_id = ?').run(id);
}

/** Count a failed sign-in; lock the account until `lockUntil` when it reaches `maxFailures`. Returns the new count. */
export function noteFailedLogin(db: Db, id: number, maxFailures: number, lockUntil: number, now: number): number {
  const row = prepared(db, 'UPDATE users SET failed_logins = failed_logins + 1, updated_at = ? WHERE id = ? RETURNING failed_logins AS n').get(now, id) as {
    n: number;
  };
  if (row.n >= maxFailures) prepared(db, 'UPDATE users SET locked_until = ?, failed_logins = 0 WHERE id = ?').run(lockUntil, id);
  return row.n;
}

export function noteGoodLogin(db: Db, id: number): void {
  prepared(db, 'UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = ?').run(id);
}

export interface SessionRow {
  idHash: string;
  userId: number;
  csrf: string;
  createdAt: number;
  lastSeenAt: number;
  expiresAt: number;
}

export function insertSession(db: Db, s: SessionRow): void {
  prepared(db, 'INSERT INTO sessions (id_hash, user_id, csrf, created_at, last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)').run(
    s.idHash,
    s.userId,
    s.csrf,
    s.createdAt,
    s.lastSeenAt,
    s.expiresAt,
  );
}

export function findSession(db: Db, idHash: string): SessionRow | undefined {
  return prepared(
    db,
    'SELECT id_hash AS idHash, user_id AS userId, csrf, created_at AS createdAt, last_seen_at AS lastSeenAt, expires_at AS expiresAt FROM sessions WHERE id_hash = ?',
  ).get(idHash) as SessionRow | undefined;
}

/** Slide a session's expiry (a read-only database skips it: the caller catches). */
export function touchSession(db: Db, idHash: string, now: number, expiresAt: number): void {
  prepared(db, 'UPDATE sessions SET last_seen_at = ?, expires_at = ? WHERE id_hash = ?').run(now, expiresAt, idHash);
}

export function deleteSession(db: Db, idHash: string): void {
  prepared(db, 'DELETE FROM sessions WHERE id_hash = ?').run(idHash);
}

export function deleteExpiredSessions(db: Db, now: number): number {
  return prepared(db, 'DELETE FROM sessions WHERE expires_at <= ?').run(now).changes;
}

export interface AuditEntry {
  actor: string;
  action: string;
  target?: string | null;
  detail?: unknown;
  org?: string | null;
}

export interface AuditRow {
  id: number;
  at: number;
  actor: string;
  action: string;
  target: string | null;
  detail: string | null;
  org: string | null;
}

export function writeAudit(db: Db, e: AuditEntry, now: number): void {
  prepared(db, 'INSERT INTO audit_log (at, actor, action, target, detail, org) VALUES (?, ?, ?, ?, ?, ?)').run(
    now,
    e.actor,
    e.action,
    e.target ?? null,
    e.detail === undefined ? null : JSON.stringify(e.detail),
    e.org ?? null,
  );
}

/**
 * Audit entries, newest first, a page at a time. With `orgs`, only entries whose org is one of them
 * (a committee's staff see what happened in their subtree).
 */
export function listAudit(db: Db, opts: { orgs: readonly string[] | null; limit: number; offset: number }): { rows: AuditRow[]; total: number } {
  const where = opts.orgs ? 'WHERE org IN (SELECT value FROM json_each(@orgs))' : '';
  const params = { orgs: opts.orgs ? JSON.stringify(opts.orgs) : null };
  const rows = prepared(db, `SELECT id, at, actor, action, target, detail, org FROM audit_log ${where} ORDER BY id DESC LIMIT @limit OFFSET @offset`).all({
    ...params,
    limit: opts.limit,
    offset: opts.offset,
  }) as AuditRow[];
  const total = (prepared(db, `SELECT count(*) AS n FROM audit_log ${where}`).get(params) as { n: number }).n;
  return { rows, total };
}
