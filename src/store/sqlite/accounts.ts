/**
 * Console accounts on SQLite: users, their sessions and the audit log (AccountsRepo). Hashing
 * happens in src/console/passwords.ts; this file stores and reads what it is given.
 */
import { inTransaction, prepared } from './alerts.js';
import type { Db } from './db.js';
import type { AuditEntry, AuditRow, NewUser, SessionRow, UserRow } from '../types/accounts.js';

const USER_COLS = `id, username, org, role, password_hash AS passwordHash, disabled, failed_logins AS failedLogins,
  locked_until AS lockedUntil, created_at AS createdAt, updated_at AS updatedAt`;

function toUser(r: (Omit<UserRow, 'disabled'> & { disabled: number }) | undefined): UserRow | undefined {
  return r ? { ...r, disabled: !!r.disabled } : undefined;
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

export function addUser(db: Db, u: NewUser, now: number, audit?: AuditEntry): UserRow | null {
  return inTransaction(db, () => {
    const r = prepared(db, 'INSERT INTO users (username, org, role, password_hash, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (username) DO NOTHING').run(
      u.username,
      u.org,
      u.role,
      u.passwordHash,
      now,
      now,
    );
    if (!r.changes) return null;
    if (audit) writeAudit(db, [audit], now);
    return findUserById(db, Number(r.lastInsertRowid))!;
  });
}

export function setPassword(db: Db, id: number, passwordHash: string, now: number, audit?: AuditEntry): void {
  inTransaction(db, () => {
    prepared(db, 'UPDATE users SET password_hash = ?, failed_logins = 0, locked_until = NULL, updated_at = ? WHERE id = ?').run(passwordHash, now, id);
    // A new password ends every session signed in with the old one.
    prepared(db, 'DELETE FROM sessions WHERE user_id = ?').run(id);
    if (audit) writeAudit(db, [audit], now);
  });
}

export function setDisabled(db: Db, id: number, disabled: boolean, now: number, audit?: AuditEntry): void {
  inTransaction(db, () => {
    prepared(db, 'UPDATE users SET disabled = ?, updated_at = ? WHERE id = ?').run(disabled ? 1 : 0, now, id);
    if (disabled) prepared(db, 'DELETE FROM sessions WHERE user_id = ?').run(id);
    if (audit) writeAudit(db, [audit], now);
  });
}

/** One statement: the count and the lock change together (see AccountsRepo.noteFailedLogin). */
export function noteFailedLogin(db: Db, id: number, maxFailures: number, lockUntil: number, now: number): { locked: boolean } {
  const r = prepared(
    db,
    `UPDATE users SET
        locked_until = CASE WHEN failed_logins + 1 >= @max THEN @lockUntil ELSE locked_until END,
        failed_logins = CASE WHEN failed_logins + 1 >= @max THEN 0 ELSE failed_logins + 1 END,
        updated_at = @now
      WHERE id = @id RETURNING failed_logins = 0 AS locked`,
  ).get({ id, max: maxFailures, lockUntil, now }) as { locked: number } | undefined;
  return { locked: !!r?.locked };
}

export function noteGoodLogin(db: Db, id: number, _now: number): void {
  prepared(db, 'UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = ?').run(id);
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

export function findSession(db: Db, idHash: string): { session: SessionRow; user: UserRow } | undefined {
  const s = prepared(
    db,
    'SELECT id_hash AS idHash, user_id AS userId, csrf, created_at AS createdAt, last_seen_at AS lastSeenAt, expires_at AS expiresAt FROM sessions WHERE id_hash = ?',
  ).get(idHash) as SessionRow | undefined;
  const user = s && findUserById(db, s.userId);
  return s && user ? { session: s, user } : undefined;
}

export function touchSession(db: Db, idHash: string, now: number, expiresAt: number): void {
  prepared(db, 'UPDATE sessions SET last_seen_at = ?, expires_at = ? WHERE id_hash = ?').run(now, expiresAt, idHash);
}

export function deleteSession(db: Db, idHash: string): void {
  prepared(db, 'DELETE FROM sessions WHERE id_hash = ?').run(idHash);
}

export function deleteExpiredSessions(db: Db, now: number): number {
  return prepared(db, 'DELETE FROM sessions WHERE expires_at <= ?').run(now).changes;
}

export function writeAudit(db: Db, entries: readonly AuditEntry[], now: number): void {
  if (!entries.length) return;
  const ins = prepared(db, 'INSERT INTO audit_log (at, actor, action, target, detail, org) VALUES (?, ?, ?, ?, ?, ?)');
  inTransaction(db, () => {
    for (const e of entries) ins.run(now, e.actor, e.action, e.target ?? null, e.detail === undefined ? null : JSON.stringify(e.detail), e.org ?? null);
  });
}

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
