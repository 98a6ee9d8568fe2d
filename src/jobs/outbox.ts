/**
 * What the delivery worker and the drainer need of the outbox (deliveries in the store; the
 * delivery wing src/delivery). Kept as one small interface so the worker reads as the steps it
 * takes; the implementation with every composer is `alertsOutbox` in ./outbox-alerts.ts.
 */
import type { Store } from '../store/port.js';

export type { DeliveryClaim, DeliveryToSend, PendingDelivery } from '../delivery/types.js';
import type { Attempt, DeliveryClaim, DeliveryToSend, PendingDelivery } from '../delivery/types.js';

/** One send attempt (src/delivery's Attempt), numbered by the job. */
export type AttemptRecord = Attempt & { attempt: number };

/** The outbox operations of the delivery path, over the store port. */
export interface Outbox {
  /**
   * Claim a pending delivery for `owner` (one job attempt: instance id + BullMQ token) until
   * now + leaseMs, BEFORE calling the provider. A claim of another owner whose lease has not
   * expired → busy (two jobs for one delivery exist only after Redis lost its queue mid-send).
   * markSent / recordFailure / giveUp release the claim.
   */
  /** `renderAt`: the as-of time the message is rendered for (the daemon's clock; default now). */
  claim(store: Store, id: number, owner: string, now: number, leaseMs: number, renderAt?: number): Promise<DeliveryClaim>;
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
