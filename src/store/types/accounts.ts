/**
 * Row types of the accounts family (console users, their sessions, the audit log) and of the
 * one-tap acknowledgement links. Secrets are hashes only: passwords (scrypt, made by
 * src/console/passwords.ts), session ids and link tokens (SHA-256, made by their callers).
 */

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

export interface NewUser {
  username: string;
  org: string;
  role: UserRole;
  passwordHash: string;
}

export interface SessionRow {
  idHash: string;
  userId: number;
  csrf: string;
  createdAt: number;
  lastSeenAt: number;
  expiresAt: number;
}

/** One action for the audit log. */
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
  /** The entry's detail as JSON text. */
  detail: string | null;
  org: string | null;
}

/** A stored one-tap link (NewAckLinkRow in ./deliveries.ts is what is written). */
export interface AckLinkRow {
  id: number;
  tokenHash: string;
  deliveryId: number | null;
  recipientName: string | null;
  recipientKey: string;
  alertIds: number[];
  orgs: string[];
  createdAt: number;
  expiresAt: number;
  revokedAt: number | null;
  usedAt: number | null;
}
