/**
 * Group commit of the delivery hot path on PostgreSQL (what ../sqlite/group-commit.ts is on SQLite).
 * Dozens of delivery jobs run at once; each claims its delivery before the send and marks it sent
 * after. One by one that is two transactions of five statements each, ten round trips per message,
 * and at several thousand messages a second the socket writes alone cost more than BullMQ's whole
 * job. So the claims and the sent-marks that arrive within one event-loop turn share statements:
 *   - claims: per turn ONE compare-and-set UPDATE for every claimed id (stale ones cancelled by a
 *     second UPDATE in the same statement, disjoint by its condition; autocommit), then one read of
 *     the won deliveries beside one of the lost ones, their one-tap links in one INSERT;
 *   - sent-marks: ONE statement per turn — count the attempt, mark sent, insert the attempt rows —
 *     without BEGIN/COMMIT around it (a statement is atomic; deadlocks are retried as tx() would).
 * Each caller still gets its own result, after the commit. The guarantees are the single-row
 * statements' (src/store/README.md): a row is claimed only while pending and unclaimed or its lease
 * expired, under row locks, so two daemons never both win; a sent-mark and its attempt row commit
 * together. A batch whose statement fails is retried one call at a time through the single-row
 * functions, so an error reaches only the caller it belongs to.
 */
import type pg from 'pg';
import type { AttemptRow, DeliveryClaimRow, NewAckLinkRow, StoredDelivery } from '../types/deliveries.js';
import type { DeliveryStatus } from '../types/deliveries.js';
import { insertAckLinks } from './ack-links.js';
import { STALE_DELIVERY, STALE_REASON } from '../rows/stale-delivery.js';
import { claim, markSentTx, storedDeliveries } from './ops.js';
import { recordset, rows, statement } from './q.js';

interface Pending<A, R> {
  args: A;
  resolve: (v: R) => void;
  reject: (e: unknown) => void;
}

interface ClaimArgs {
  id: number;
  owner: string;
  now: number;
  leaseMs: number;
  linkFor: ((d: StoredDelivery) => NewAckLinkRow | null) | undefined;
}

interface SentArgs {
  a: AttemptRow;
  now: number;
}

/** At most this many calls share one statement (the rest wait for the next statement of the same turn). */
const MAX_BATCH = 256;

/**
 * Claim every (id, owner, now, until) of the recordset: stale pending rows are cancelled, the others
 * claimed when pending and unclaimed, expired or already this owner's. One row per input id: won,
 * stale, or neither (then read again by the caller for its status).
 */
const CLAIM_SQL = `WITH x AS (SELECT * FROM json_to_recordset($1::json) AS x(xid int, xowner text, xnow bigint, xuntil bigint)),
  stale AS (
    UPDATE deliveries SET status = 'cancelled', claimed_until = NULL, claimed_by = NULL, last_error = ${STALE_REASON}
      FROM x WHERE deliveries.id = x.xid AND deliveries.status = 'pending' AND ${STALE_DELIVERY}
      RETURNING deliveries.id),
  won AS (
    UPDATE deliveries SET claimed_by = x.xowner, claimed_until = x.xuntil
      FROM x WHERE deliveries.id = x.xid AND deliveries.status = 'pending' AND NOT ${STALE_DELIVERY}
       AND (deliveries.claimed_until IS NULL OR deliveries.claimed_until <= x.xnow OR deliveries.claimed_by = x.xowner)
      RETURNING deliveries.id)
SELECT x.xid AS id, (s.id IS NOT NULL) AS stale, (w.id IS NOT NULL) AS won
  FROM x LEFT JOIN stale s ON s.id = x.xid LEFT JOIN won w ON w.id = x.xid`;

/**
 * Per attempt of the recordset: count it on its delivery (attempts + 1), mark the delivery sent
 * (when pending or failed: a cancelled one stays cancelled, as markSent's WHERE), release the
 * claim, and insert the attempt row numbered by that same UPDATE. Returns the ids recorded.
 */
const sentSql = (allOrNothing: boolean) => `WITH x AS (SELECT * FROM json_to_recordset($1::json) AS x(xid int, channel text, recipient text, started_at bigint,
                     duration_ms int, pmid text, error text, error_code text, permanent boolean, xnow bigint))${allOrNothing ? `,
  -- every listed delivery exists and is listed once, or the statement writes nothing
  ok AS (SELECT (SELECT count(DISTINCT xid) FROM x) = (SELECT count(*) FROM x)
            AND (SELECT count(*) FROM deliveries WHERE id IN (SELECT xid FROM x)) = (SELECT count(*) FROM x) AS ok)` : ''},
  u AS (
    UPDATE deliveries d SET attempts = d.attempts + 1, last_error = coalesce(x.error, d.last_error),
           status = CASE WHEN d.status IN ('pending', 'failed') THEN 'sent' ELSE d.status END,
           sent_at = CASE WHEN d.status IN ('pending', 'failed') THEN coalesce(d.sent_at, x.xnow) ELSE d.sent_at END,
           provider_message_id = CASE WHEN d.status IN ('pending', 'failed') THEN coalesce(d.provider_message_id, x.pmid) ELSE d.provider_message_id END,
           claimed_until = CASE WHEN d.status IN ('pending', 'failed') THEN NULL ELSE d.claimed_until END,
           claimed_by = CASE WHEN d.status IN ('pending', 'failed') THEN NULL ELSE d.claimed_by END
      FROM x${allOrNothing ? ', ok' : ''} WHERE d.id = x.xid${allOrNothing ? ' AND ok.ok' : ''}
      RETURNING d.id, d.attempts)
INSERT INTO delivery_attempts (delivery_id, attempt, channel, recipient, started_at, duration_ms, provider_message_id, error, error_code, permanent)
SELECT x.xid, u.attempts, x.channel, x.recipient, x.started_at, x.duration_ms, x.pmid, x.error, x.error_code, x.permanent
  FROM x JOIN u ON u.id = x.xid
RETURNING delivery_id AS id`;
const SENT_SQL = sentSql(false);
/** SENT_SQL for a list that must be recorded whole or not at all (markSentManyTx). */
const SENT_ALL_SQL = sentSql(true);

/** Batches the delivery worker's claims and sent-marks per event-loop turn (see the file comment). */
export class DeliveryBatcher {
  readonly #pool: pg.Pool;
  #claims: Pending<ClaimArgs, DeliveryClaimRow>[] = [];
  #sents: Pending<SentArgs, void>[] = [];
  #scheduled = false;

  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  claim(id: number, owner: string, now: number, leaseMs: number, linkFor?: (d: StoredDelivery) => NewAckLinkRow | null): Promise<DeliveryClaimRow> {
    return new Promise((resolve, reject) => {
      this.#claims.push({ args: { id, owner, now, leaseMs, linkFor }, resolve, reject });
      this.#schedule();
    });
  }

  markSent(a: AttemptRow, now: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#sents.push({ args: { a, now }, resolve, reject });
      this.#schedule();
    });
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      const claims = this.#claims;
      const sents = this.#sents;
      this.#claims = [];
      this.#sents = [];
      for (const part of batches(claims, (c) => c.id)) void this.#claimBatch(part);
      for (const part of batches(sents, (m) => m.a.deliveryId)) void this.#sentBatch(part);
    });
  }

  async #claimBatch(batch: Pending<ClaimArgs, DeliveryClaimRow>[]): Promise<void> {
    if (batch.length === 1) return settle(batch[0]!, () => single(this.#pool, batch[0]!.args));
    let results: DeliveryClaimRow[];
    try {
      // No transaction around it: the claim is one statement (atomic), and a won row stays this
      // owner's for its lease, so reading it after the commit reads what the claim won. Two round
      // trips (claim, then the reads at once) instead of five; a link insert that fails leaves the
      // claims held by this owner, which the single-call retry below claims again (same owner).
      const pool = this.#pool;
      const input = batch.map(({ args: c }) => ({ xid: c.id, xowner: c.owner, xnow: c.now, xuntil: c.now + c.leaseMs }));
      const r = await statement<{ id: number; stale: boolean; won: boolean }>(pool, CLAIM_SQL, [recordset(input)]);
      const byId = new Map(r.map((x) => [x.id, x]));
      const wonIds = r.filter((x) => x.won).map((x) => x.id);
      const lostIds = r.filter((x) => !x.won && !x.stale).map((x) => x.id);
      // Lost: read again after the UPDATE (a fresh snapshot: a claim or sent-mark committed meanwhile is seen).
      const [delivered, lostRows] = await Promise.all([
        storedDeliveries(pool, wonIds),
        lostIds.length ? rows<{ id: number; status: DeliveryStatus; until: number | null }>(pool, 'SELECT id, status, claimed_until AS until FROM deliveries WHERE id = ANY($1::int[])', [lostIds]) : [],
      ]);
      const lost = new Map(lostRows.map((x) => [x.id, x]));
      const out: DeliveryClaimRow[] = [];
      const links = new Map<number, NewAckLinkRow[]>();
      for (const { args: c } of batch) {
        const x = byId.get(c.id)!;
        if (x.stale) {
          out.push({ outcome: 'done', status: 'cancelled' });
          continue;
        }
        if (!x.won) {
          const row = lost.get(c.id);
          out.push(!row ? { outcome: 'done', status: 'missing' } : row.status !== 'pending' ? { outcome: 'done', status: row.status } : { outcome: 'busy', until: Number(row.until ?? c.now) });
          continue;
        }
        const delivery = delivered.get(c.id);
        if (!delivery) {
          out.push({ outcome: 'done', status: 'missing' });
          continue;
        }
        const link = c.linkFor?.(delivery);
        if (link) links.set(c.now, [...(links.get(c.now) ?? []), link]);
        out.push({ outcome: 'send', delivery });
      }
      // The links of one claim time in one INSERT (the calls of a turn share it).
      for (const [now, list] of links) await insertAckLinks(pool, list, now);
      results = out;
    } catch {
      // One call at a time, each with its own result or error.
      for (const p of batch) void settle(p, () => single(this.#pool, p.args));
      return;
    }
    batch.forEach((p, i) => p.resolve(results[i]!));
  }

  async #sentBatch(batch: Pending<SentArgs, void>[]): Promise<void> {
    if (batch.length === 1) return settle(batch[0]!, () => markSentTx(this.#pool, batch[0]!.args.a, batch[0]!.args.now));
    let recorded: Set<number>;
    try {
      const input = batch.map(({ args: { a, now } }) => ({
        xid: a.deliveryId, channel: a.channel, recipient: a.recipient, started_at: a.startedAt, duration_ms: Math.round(a.durationMs),
        pmid: a.providerMessageId, error: a.error, error_code: a.errorCode ?? null, permanent: a.permanent, xnow: now,
      }));
      // One statement (atomic), retried on a deadlock with another daemon's batch (rows locked in another order).
      const r = await statement<{ id: number }>(this.#pool, SENT_SQL, [recordset(input)]);
      recorded = new Set(r.map((x) => x.id));
    } catch {
      for (const p of batch) void settle(p, () => markSentTx(this.#pool, p.args.a, p.args.now));
      return;
    }
    for (const p of batch) {
      // A delivery that is not there: the single-row path, which fails the way it always has.
      if (recorded.has(p.args.a.deliveryId)) p.resolve();
      else void settle(p, () => markSentTx(this.#pool, p.args.a, p.args.now));
    }
  }
}

/**
 * Several sent-marks in one transaction (the batch delivery job's markSentMany): the batcher's
 * statement over the whole list, all or nothing — a delivery not found rolls every row back and
 * rejects, so a caller retrying the list never records an attempt twice.
 */
export function markSentManyTx(pool: pg.Pool, list: readonly AttemptRow[], now: number): Promise<void> {
  if (!list.length) return Promise.resolve();
  const input = list.map((a) => ({
    xid: a.deliveryId, channel: a.channel, recipient: a.recipient, started_at: a.startedAt, duration_ms: Math.round(a.durationMs),
    pmid: a.providerMessageId, error: a.error, error_code: a.errorCode ?? null, permanent: a.permanent, xnow: now,
  }));
  // One statement, all or nothing by its own guard (no transaction: one round trip instead of three).
  return statement<{ id: number }>(pool, SENT_ALL_SQL, [recordset(input)]).then((r) => {
    if (r.length !== list.length) {
      const got = new Set(r.map((x) => x.id));
      const gone = list.filter((a) => !got.has(a.deliveryId)).map((a) => a.deliveryId);
      throw new Error(`deliveries ${gone.join(', ')} not found or named twice / 投递 ${gone.join(', ')} 不存在或重复`);
    }
  });
}

function single(pool: pg.Pool, c: ClaimArgs): Promise<DeliveryClaimRow> {
  return claim(pool, c.id, c.owner, c.now, c.leaseMs, c.linkFor);
}

async function settle<R>(p: Pending<unknown, R>, run: () => Promise<R>): Promise<void> {
  try {
    p.resolve(await run());
  } catch (e) {
    p.reject(e);
  }
}

/**
 * Statements of at most MAX_BATCH calls, each naming a delivery once (two calls for one delivery —
 * two job attempts after Redis lost its queue — go to different statements, which then see each
 * other's commit as the single-row statements would).
 */
function batches<A, R>(list: Pending<A, R>[], idOf: (a: A) => number): Pending<A, R>[][] {
  type T = Pending<A, R>;
  const out: T[][] = [];
  let rest = list;
  while (rest.length) {
    const seen = new Set<number>();
    const now: T[] = [];
    const later: T[] = [];
    for (const p of rest) {
      const id = idOf(p.args);
      if (seen.has(id) || now.length >= MAX_BATCH) later.push(p);
      else {
        seen.add(id);
        now.push(p);
      }
    }
    out.push(now);
    rest = later;
  }
  return out;
}
