/**
 * One-tap acknowledgement links on SQLite (AckLinksRepo). The token itself is never stored:
 * callers pass its SHA-256.
 */
import { activeAlertsOf, inTransaction, orgKindOf, prepared } from './alerts.js';
import { applyAlertChanges } from './alert-ops.js';
import type { AlertChanges, AmendLoad, LinkAckLoad } from '../port.js';
import type { Db } from './db.js';
import { writeAudit } from './accounts.js';
import type { AckLinkRow, AuditEntry } from '../types/accounts.js';
import type { NewAckLinkRow } from '../types/deliveries.js';

export function insertAckLink(db: Db, l: NewAckLinkRow, now: number): number {
  return Number(
    prepared(
      db,
      'INSERT INTO ack_links (token_hash, delivery_id, recipient_name, recipient_key, alert_ids, orgs, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    ).run(l.tokenHash, l.deliveryId, l.recipientName, l.recipientKey, JSON.stringify(l.alertIds), JSON.stringify(l.orgs), now, l.expiresAt).lastInsertRowid,
  );
}

export function insertAckLinks(db: Db, links: readonly NewAckLinkRow[], now: number): number[] {
  return links.length ? inTransaction(db, () => links.map((l) => insertAckLink(db, l, now))) : [];
}

const COLS = `id, token_hash AS tokenHash, delivery_id AS deliveryId, recipient_name AS recipientName, recipient_key AS recipientKey,
  alert_ids AS alertIds, orgs, created_at AS createdAt, expires_at AS expiresAt, revoked_at AS revokedAt, used_at AS usedAt`;

type Raw = Omit<AckLinkRow, 'alertIds' | 'orgs'> & { alertIds: string; orgs: string };
const parse = (r: Raw | undefined): AckLinkRow | undefined => (r ? { ...r, alertIds: JSON.parse(r.alertIds), orgs: JSON.parse(r.orgs) } : undefined);

export function findAckLink(db: Db, tokenHash: string): AckLinkRow | undefined {
  return parse(prepared(db, `SELECT ${COLS} FROM ack_links WHERE token_hash = ?`).get(tokenHash) as Raw | undefined);
}

export function ackLinksOfDelivery(db: Db, deliveryId: number): AckLinkRow[] {
  return (prepared(db, `SELECT ${COLS} FROM ack_links WHERE delivery_id = ? ORDER BY id`).all(deliveryId) as Raw[]).map((r) => parse(r)!);
}

/** ackLinks.acknowledge: load → decide (pure) → alert changes, link use and audit, one IMMEDIATE transaction. */
export function acknowledgeThroughLinkTx<R>(
  db: Db,
  id: number,
  now: number,
  decide: (load: LinkAckLoad) => { changes: AlertChanges; audit: readonly AuditEntry[]; result: R },
): R {
  return inTransaction(db, () => {
    const link = parse(prepared(db, `SELECT ${COLS} FROM ack_links WHERE id = ?`).get(id) as Raw | undefined);
    const orgs = new Map<string, AmendLoad>();
    for (const org of link?.orgs ?? []) {
      const kind = orgKindOf(db, org);
      orgs.set(org, { alerts: kind ? activeAlertsOf(db, org) : [], orgKind: kind });
    }
    const { changes, audit, result } = decide({ link, orgs });
    applyAlertChanges(db, changes, now);
    if (audit.length) {
      prepared(db, 'UPDATE ack_links SET used_at = coalesce(used_at, ?) WHERE id = ?').run(now, id);
      writeAudit(db, audit, now);
    }
    return result;
  });
}

/** Revoke a link (or every link of a recipient key). Returns how many were revoked. */
export function revokeAckLinks(db: Db, by: { id: number } | { recipientKey: string }, now: number): number {
  return 'id' in by
    ? prepared(db, 'UPDATE ack_links SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(now, by.id).changes
    : prepared(db, 'UPDATE ack_links SET revoked_at = ? WHERE recipient_key = ? AND revoked_at IS NULL').run(now, by.recipientKey).changes;
}
