/**
 * One-tap acknowledgement links (一键认领): a warning message to a person carries a short link
 * under http.public_url with a random 144-bit token. Only the token's SHA-256 is stored, with the
 * alerts of that message (the recipient's items) and an expiry; anyone holding the link may
 * acknowledge exactly those items, the same way `orglife alerts ack` does, and nothing else.
 */
import { createHash, randomBytes } from 'node:crypto';
import { checkAck, decideAck } from './acknowledge.js';
import type { AckLinkRef } from './compose.js';
import { digestItems, type DigestModel } from './digest-model.js';
import { AlertError, type AlertRow } from './types.js';
import { DAY_MS, shanghaiDate } from '../domain/calendar.js';
import type { AlertChanges, Store } from '../store/port.js';
import type { AckLinkRow } from '../store/types/accounts.js';
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
export async function createAckLink(
  store: Store,
  s: AckLinkSettings,
  msg: { deliveryId: number; recipientKey: string; model: DigestModel },
  now: number,
): Promise<AckLinkRef | null> {
  const l = ackLinkFor(s, msg, now);
  if (!l) return null;
  await store.ackLinks.insert([l.row], now);
  return l.ref;
}

export type LinkCheck = { ok: true; link: AckLinkRow } | { ok: false; reason: 'invalid' | 'expired' | 'revoked' };

/** Look a presented token up: unknown or malformed → invalid; past its expiry → expired; revoked. */
export async function checkAckLink(store: Store, token: string, now: number): Promise<LinkCheck> {
  if (!TOKEN_RE.test(token)) return { ok: false, reason: 'invalid' };
  const link = await store.ackLinks.byToken(tokenHash(token));
  if (!link) return { ok: false, reason: 'invalid' };
  if (link.revokedAt !== null) return { ok: false, reason: 'revoked' };
  if (link.expiresAt <= now) return { ok: false, reason: 'expired' };
  return { ok: true, link };
}

/**
 * Acknowledge the link's still-open alerts with a plan and deadline exactly as `orglife alerts
 * ack` does (per branch the same decision, over its alerts read under the "alerts" lock, so an
 * item acknowledged or resolved meanwhile is left alone), recording the recipient and the link as
 * who, the link's use and an audit entry per branch — all in ONE store transaction
 * (ackLinks.acknowledge). Returns the alerts acknowledged (none when all were acknowledged or
 * resolved already: a second submit writes nothing). Throws AlertError (bilingual) for a bad plan
 * or deadline, or a link revoked or expired since it was checked; nothing is written then.
 */
export async function acknowledgeThroughLink(store: Store, link: AckLinkRow, plan: string, by: string, now: number): Promise<AlertRow[]> {
  const checked = checkAck({ plan, by, who: `${link.recipientName ?? '书记'}（链接 #${link.id}）` }, now);
  return store.ackLinks.acknowledge(link.id, now, (load) => {
    const l = load.link;
    if (!l || l.revokedAt !== null || l.expiresAt <= now) throw new AlertError('链接已失效 / the link is no longer valid');
    const ids = new Set(l.alertIds);
    const changes: AlertChanges = { inserts: [], updates: [] };
    const done: AlertRow[] = [];
    for (const org of l.orgs) {
      const d = decideAck({ org }, load.orgs.get(org) ?? { alerts: [], orgKind: undefined }, checked, now, (a) => ids.has(a.id) && a.state === 'open');
      changes.updates.push(...d.changes.updates);
      done.push(...d.result);
    }
    const audit = [...new Set(done.map((a) => a.org))].map((org) => ({
      actor: `link:${l.id}`,
      action: 'link-acknowledge',
      target: org,
      detail: { recipient: l.recipientName, alerts: done.filter((a) => a.org === org).map((a) => a.id), plan: checked.plan, by: checked.by },
      org,
    }));
    return { changes, audit, result: done };
  });
}
