/** One-tap acknowledgement links on PostgreSQL (AckLinksRepo): the token's SHA-256 only. */
import { changes, one, rows, type Q } from './q.js';
import type { AckLinkRow } from '../types/accounts.js';
import type { NewAckLinkRow } from '../types/deliveries.js';

/** Insert links in one statement; ids in input order. */
export async function insertAckLinks(q: Q, links: readonly NewAckLinkRow[], now: number): Promise<number[]> {
  if (!links.length) return [];
  const r = await rows<{ id: number; n: number }>(
    q,
    `INSERT INTO ack_links (token_hash, delivery_id, recipient_name, recipient_key, alert_ids, orgs, created_at, expires_at)
     SELECT l.token_hash, l.delivery_id, l.recipient_name, l.recipient_key, l.alert_ids, l.orgs, $1, l.expires_at
       FROM unnest($2::text[], $3::int[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bigint[]) WITH ORDINALITY
            AS l(token_hash, delivery_id, recipient_name, recipient_key, alert_ids, orgs, expires_at, n)
      ORDER BY l.n RETURNING id`,
    [
      now,
      links.map((l) => l.tokenHash),
      links.map((l) => l.deliveryId),
      links.map((l) => l.recipientName),
      links.map((l) => l.recipientKey),
      links.map((l) => JSON.stringify(l.alertIds)),
      links.map((l) => JSON.stringify(l.orgs)),
      links.map((l) => l.expiresAt),
    ],
  );
  // Identity values follow the insert order of one statement.
  return r.map((x) => x.id).sort((a, b) => a - b);
}

const COLS = `id, token_hash AS "tokenHash", delivery_id AS "deliveryId", recipient_name AS "recipientName", recipient_key AS "recipientKey",
  alert_ids AS "alertIds", orgs, created_at AS "createdAt", expires_at AS "expiresAt", revoked_at AS "revokedAt", used_at AS "usedAt"`;

type Raw = Omit<AckLinkRow, 'alertIds' | 'orgs'> & { alertIds: string; orgs: string };
const parse = (r: Raw): AckLinkRow => ({ ...r, alertIds: JSON.parse(r.alertIds) as number[], orgs: JSON.parse(r.orgs) as string[] });

export async function findAckLink(q: Q, tokenHash: string): Promise<AckLinkRow | undefined> {
  const r = await one<Raw>(q, `SELECT ${COLS} FROM ack_links WHERE token_hash = $1`, [tokenHash]);
  return r && parse(r);
}

export async function ackLinksOfDelivery(q: Q, deliveryId: number): Promise<AckLinkRow[]> {
  return (await rows<Raw>(q, `SELECT ${COLS} FROM ack_links WHERE delivery_id = $1 ORDER BY id`, [deliveryId])).map(parse);
}

/** One link by id (inside ackLinks.acknowledge's transaction). */
export async function ackLinkById(q: Q, id: number): Promise<AckLinkRow | undefined> {
  const r = await one<Raw>(q, `SELECT ${COLS} FROM ack_links WHERE id = $1`, [id]);
  return r && parse(r);
}

export function revokeAckLinks(q: Q, by: { id: number } | { recipientKey: string }, now: number): Promise<number> {
  return 'id' in by
    ? changes(q, 'UPDATE ack_links SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL', [now, by.id])
    : changes(q, 'UPDATE ack_links SET revoked_at = $1 WHERE recipient_key = $2 AND revoked_at IS NULL', [now, by.recipientKey]);
}
