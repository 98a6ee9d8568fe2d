/**
 * Console accounts on PostgreSQL (AccountsRepo): users, sessions, the audit log. A failed sign-in
 * is counted and the lock set in one UPDATE, so concurrent failures from several hosts all count.
 */
import type pg from 'pg';
import { changes, one, rows, tx, type Q } from './q.js';
import type { AuditEntry, AuditRow, NewUser, SessionRow, UserRow } from '../types/accounts.js';

const USER_COLS = `id, username, org, role, password_hash AS "passwordHash", disabled, failed_logins AS "failedLogins",
  locked_until AS "lockedUntil", created_at AS "createdAt", updated_at AS "updatedAt"`;

export const findUserByName = (q: Q, username: string) => one<UserRow>(q, `SELECT ${USER_COLS} FROM users WHERE username = $1`, [username]);
export const findUserById = (q: Q, id: number) => one<UserRow>(q, `SELECT ${USER_COLS} FROM users WHERE id = $1`, [id]);
export const listUsers = (q: Q) => rows<UserRow>(q, `SELECT ${USER_COLS} FROM users ORDER BY username`);

export function addUser(pool: pg.Pool, u: NewUser, now: number, audit?: AuditEntry): Promise<UserRow | null> {
  return tx(pool, async (c) => {
    const r = await one<UserRow>(
      c,
      `INSERT INTO users (username, org, role, password_hash, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)
       ON CONFLICT (username) DO NOTHING RETURNING ${USER_COLS}`,
      [u.username, u.org, u.role, u.passwordHash, now],
    );
    if (!r) return null;
    if (audit) await writeAudit(c, [audit], now);
    return r;
  });
}

export function setPassword(pool: pg.Pool, id: number, passwordHash: string, now: number, audit?: AuditEntry): Promise<void> {
  return tx(pool, async (c) => {
    await c.query('UPDATE users SET password_hash = $1, failed_logins = 0, locked_until = NULL, updated_at = $2 WHERE id = $3', [passwordHash, now, id]);
    // A new password ends every session signed in with the old one.
    await c.query('DELETE FROM sessions WHERE user_id = $1', [id]);
    if (audit) await writeAudit(c, [audit], now);
  });
}

export function setDisabled(pool: pg.Pool, id: number, disabled: boolean, now: number, audit?: AuditEntry): Promise<void> {
  return tx(pool, async (c) => {
    await c.query('UPDATE users SET disabled = $1, updated_at = $2 WHERE id = $3', [disabled, now, id]);
    if (disabled) await c.query('DELETE FROM sessions WHERE user_id = $1', [id]);
    if (audit) await writeAudit(c, [audit], now);
  });
}

export async function noteFailedLogin(q: Q, id: number, maxFailures: number, lockUntil: number, now: number): Promise<{ locked: boolean }> {
  const r = await one<{ locked: boolean }>(
    q,
    `UPDATE users SET
        locked_until = CASE WHEN failed_logins + 1 >= $2 THEN $3::bigint ELSE locked_until END,
        failed_logins = CASE WHEN failed_logins + 1 >= $2 THEN 0 ELSE failed_logins + 1 END,
        updated_at = $4
      WHERE id = $1 RETURNING failed_logins = 0 AS locked`,
    [id, maxFailures, lockUntil, now],
  );
  return { locked: !!r?.locked };
}

export async function noteGoodLogin(q: Q, id: number): Promise<void> {
  await q.query('UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = $1', [id]);
}

export async function insertSession(q: Q, s: SessionRow): Promise<void> {
  await q.query('INSERT INTO sessions (id_hash, user_id, csrf, created_at, last_seen_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)', [
    s.idHash,
    s.userId,
    s.csrf,
    s.createdAt,
    s.lastSeenAt,
    s.expiresAt,
  ]);
}

export async function findSession(q: Q, idHash: string): Promise<{ session: SessionRow; user: UserRow } | undefined> {
  const r = await one<SessionRow & { u: UserRow }>(
    q,
    `SELECT s.id_hash AS "idHash", s.user_id AS "userId", s.csrf, s.created_at AS "createdAt", s.last_seen_at AS "lastSeenAt", s.expires_at AS "expiresAt",
            json_build_object('id', u.id, 'username', u.username, 'org', u.org, 'role', u.role, 'passwordHash', u.password_hash, 'disabled', u.disabled,
              'failedLogins', u.failed_logins, 'lockedUntil', u.locked_until, 'createdAt', u.created_at, 'updatedAt', u.updated_at) AS u
       FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id_hash = $1`,
    [idHash],
  );
  if (!r) return undefined;
  const { u, ...session } = r;
  return { session, user: u };
}

export async function touchSession(q: Q, idHash: string, now: number, expiresAt: number): Promise<void> {
  await q.query('UPDATE sessions SET last_seen_at = $1, expires_at = $2 WHERE id_hash = $3', [now, expiresAt, idHash]);
}

export async function deleteSession(q: Q, idHash: string): Promise<void> {
  await q.query('DELETE FROM sessions WHERE id_hash = $1', [idHash]);
}

export const deleteExpiredSessions = (q: Q, now: number) => changes(q, 'DELETE FROM sessions WHERE expires_at <= $1', [now]);

export async function writeAudit(q: Q, entries: readonly AuditEntry[], now: number): Promise<void> {
  if (!entries.length) return;
  await q.query(
    `INSERT INTO audit_log (at, actor, action, target, detail, org)
     SELECT $1, e.actor, e.action, e.target, e.detail, e.org
       FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) WITH ORDINALITY AS e(actor, action, target, detail, org, n) ORDER BY e.n`,
    [
      now,
      entries.map((e) => e.actor),
      entries.map((e) => e.action),
      entries.map((e) => e.target ?? null),
      entries.map((e) => (e.detail === undefined ? null : JSON.stringify(e.detail))),
      entries.map((e) => e.org ?? null),
    ],
  );
}

export async function listAudit(q: Q, opts: { orgs: readonly string[] | null; limit: number; offset: number }): Promise<{ rows: AuditRow[]; total: number }> {
  const where = opts.orgs ? 'WHERE org = ANY($1::text[])' : '';
  const params: unknown[] = opts.orgs ? [opts.orgs] : [];
  const list = await rows<AuditRow>(
    q,
    `SELECT id, at, actor, action, target, detail, org FROM audit_log ${where} ORDER BY id DESC LIMIT ${Math.floor(opts.limit)} OFFSET ${Math.floor(opts.offset)}`,
    params,
  );
  const total = (await one<{ n: number }>(q, `SELECT count(*) AS n FROM audit_log ${where}`, params))!.n;
  return { rows: list, total };
}
