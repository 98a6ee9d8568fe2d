/**
 * What the delivery worker and the drainer need of the outbox (deliveries in the store, owned by
 * src/alerts). Kept as one small interface so the worker reads as the steps it takes; the
 * implementation over src/alerts' store functions is `alertsOutbox` in ./outbox-alerts.ts.
 */
import type { Store } from '../store/port.js';
import type { ChannelName, OutgoingMessage } from '../notifiers/types.js';

/** A delivery that should be in a queue: its id, channel and earliest send time. */
export interface PendingDelivery {
  id: number;
  channel: ChannelName;
  /** Earliest send time (quiet hours), epoch ms. */
  notBefore: number;
}

/** A delivery as the worker sends it. */
export interface DeliveryToSend extends PendingDelivery {
  status: 'pending' | 'sent' | 'failed' | 'cancelled';
  /** Email address, phone number or robot name (what `message.to` holds). */
  recipient: string;
  message: OutgoingMessage;
}

/** One send attempt, recorded whatever its outcome. */
export interface AttemptRecord {
  deliveryId: number;
  attempt: number;
  channel: ChannelName;
  recipient: string;
  startedAt: number;
  durationMs: number;
  providerMessageId: string | null;
  /** null on success. */
  error: string | null;
  errorCode: string | null;
  permanent: boolean;
}

/** What a claim says: send it (this owner holds it now), it is finished, or another live owner holds it. */
export type DeliveryClaim =
  | { outcome: 'send'; delivery: DeliveryToSend }
  | { outcome: 'done'; status: 'sent' | 'failed' | 'cancelled' | 'missing' }
  | { outcome: 'busy'; until: number };

/** The outbox operations of the delivery path, over the store port. */
export interface Outbox {
  /**
   * Claim a pending delivery for `owner` (one job attempt: instance id + BullMQ token) until
   * now + leaseMs, BEFORE calling the provider. A claim of another owner whose lease has not
   * expired → busy (two jobs for one delivery exist only after Redis lost its queue mid-send).
   * markSent / recordFailure / giveUp release the claim.
   */
  claim(store: Store, id: number, owner: string, now: number, leaseMs: number): Promise<DeliveryClaim>;
  /** Pending deliveries (not sent, failed or cancelled), oldest first; `dueBy` limits to notBefore ≤ dueBy. */
  pending(store: Store, opts?: { dueBy?: number }): Promise<PendingDelivery[]>;
  /** One delivery with its rendered message, or undefined if it does not exist. */
  get(store: Store, id: number): Promise<DeliveryToSend | undefined>;
  /** Success: record the attempt and mark the delivery sent, in one transaction. */
  markSent(store: Store, attempt: AttemptRecord, now: number): Promise<void>;
  /** A failed attempt that will be retried. */
  recordFailure(store: Store, attempt: AttemptRecord, now: number): Promise<void>;
  /**
   * Give up on this delivery (permanent error, or attempts exhausted): record the attempt, mark it
   * failed and create the fallback delivery on the route's next channel, idempotently, in one
   * transaction. Returns the fallback (existing or new), or null when the route has no next channel.
   */
  giveUp(store: Store, attempt: AttemptRecord, now: number): Promise<PendingDelivery | null>;
}
