/**
 * One-tap acknowledgement links (一键认领): a warning message to a person carries a short link
 * under http.public_url with a random 144-bit token. Only the token's SHA-256 is stored, with the
 * alerts of that message (the recipient's items) and an expiry; anyone holding the link may
 * acknowledge exactly those items, the same way `orglife alerts ack` does, and nothing else.
 */
import { createHash, randomBytes } from 'node:crypto';
import { acknowledge } from './acknowledge.js';
import type { AckLinkRef } from './compose.js';
import { digestItems, type DigestModel } from './digest-model.js';
import type { AlertRow } from './types.js';
import { DAY_MS, shanghaiDate } from '../domain/calendar.js';
import { findAckLink, insertAckLink, markAckLinkUsed, type AckLinkRow } from '../store/ack-links.js';
import { inTransaction } from '../store/sqlite/alerts.js';
import { writeAudit } from '../store/accounts.js';
import type { Db } from '../store/sqlite/db.js';
import type { NewAckLinkRow } from '../store/types/deliveries.js';

/** Where links point and how long they live (http.public_url, http.ack_link_days). */
export interface AckLinkSettings {
  publicUrl: string;
  days: number;
}

export const tokenHash = (token: string) => createHash('sha256').update(`ack-link:${token}`, 'utf8').digest('hex');

/** A token shape check before any lookup: 24 base64url characters. */
export const TOKEN_RE = /^[A-Za-z0-9_-]{24}$/;

/**
 * The link of one message to one person, made but not stored (pure but for the random token):
 * the row to store and the reference the message carries; null when the message carries no item.
 * The token exists only in the returned URL and the message it goes into.
 */
export function ackLinkFor(
  s: AckLinkSettings,
  msg: { deliveryId: number; recipientKey: string; model: DigestModel },
  now: number,
): { row: NewAckLinkRow; ref: AckLinkRef } | null {
  if (msg.model.robot) return null;
  const items = digestItems(msg.model);
  if (!items.length) return null;
  const token = randomBytes(18).toString('base64url');
  const expiresAt = now + s.days * DAY_MS;
  const row: NewAckLinkRow = {
    tokenHash: tokenHash(token),
    deliveryId: msg.deliveryId,
    recipientName: msg.model.recipientName,
    recipientKey: msg.recipientKey,
    alertIds: [...new Set(items.map((i) => i.alertId))],
    orgs: [...new Set(items.map((i) => i.org))],
    expiresAt,
  };
  const path = `a/${token}`;
  return { row, ref: { url: `${s.publicUrl.replace(/\/+$/, '')}/${path}`, path, until: shanghaiDate(expiresAt - 1) } };
}

/** Make and store the link of one message to one person (null when the message carries no item). */
export function createAckLink(
  db: Db,
  s: AckLinkSettings,
  msg: { deliveryId: number; recipientKey: string; model: DigestModel },
  now: number,
): AckLinkRef | null {
  const l = ackLinkFor(s, msg, now);
  if (!l) return null;
  insertAckLink(db, l.row, now);
  return l.ref;
}

export type LinkCheck = { ok: true; link: AckLinkRow } | { ok: false; reason: 'invalid' | 'expired' | 'revoked' };

/** Look a presented token up: unknown or malformed → invalid; past its expiry → expired; revoked. */
export function checkAckLink(db: Db, token: string, now: number): LinkCheck {
  if (!TOKEN_RE.test(token)) return { ok: false, reason: 'invalid' };
  const link = findAckLink(db, tokenHash(token));
  if (!link) return { ok: false, reason: 'invalid' };
  if (link.revokedAt !== null) return { ok: false, reason: 'revoked' };
  if (link.expiresAt <= now) return { ok: false, reason: 'expired' };
  return { ok: true, link };
}

/**
 * Acknowledge the link's still-open alerts with a plan and deadline (acknowledge(), one
 * transaction), recording the recipient and the link as who, and an audit entry. Returns the
 * alerts acknowledged (none when all were acknowledged or resolved already).
 */
export function acknowledgeThroughLink(db: Db, link: AckLinkRow, open: readonly AlertRow[], plan: string, by: string, now: number): AlertRow[] {
  const who = `${link.recipientName ?? '书记'}（链接 #${link.id}）`;
  return inTransaction(db, () => {
    const done: AlertRow[] = [];
    for (const a of open) done.push(...acknowledge(db, { id: a.id }, { plan, by, who }, now));
    markAckLinkUsed(db, link.id, now);
    for (const org of new Set(done.map((a) => a.org))) {
      writeAudit(
        db,
        { actor: `link:${link.id}`, action: 'link-acknowledge', target: org, detail: { recipient: link.recipientName, alerts: done.filter((a) => a.org === org).map((a) => a.id), plan, by }, org },
        now,
      );
    }
    return done;
  });
}
