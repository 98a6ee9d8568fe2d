/**
 * The delivery wing's vocabulary, one of each: a pending delivery (what belongs in a queue), a
 * delivery ready to send, a claim's outcome, and an Attempt (one send, recorded whatever its
 * outcome). Alert digests, report mail and reminders all travel as these.
 */
import type { ChannelName, OutgoingMessage } from '../notifiers/types.js';
import type { DeliveryStatus } from '../store/types/deliveries.js';

/** A delivery that should be in a queue: its id, channel and earliest send time. */
export interface PendingDelivery {
  id: number;
  channel: ChannelName;
  /** Earliest send time (quiet hours), epoch ms. */
  notBefore: number;
}

/** A delivery ready to send: its address and the composed message. */
export interface DeliveryToSend extends PendingDelivery {
  status: DeliveryStatus;
  /** Email address, phone number or robot name (what `message.to` holds). */
  recipient: string;
  message: OutgoingMessage;
}

/** A claim's outcome: send it now (this owner holds it), it is finished (never send again), or another live owner holds it. */
export type DeliveryClaim =
  | { outcome: 'send'; delivery: DeliveryToSend }
  | { outcome: 'done'; status: Exclude<DeliveryStatus, 'pending'> | 'missing' }
  | { outcome: 'busy'; until: number };

/** One send attempt as the worker reports it, recorded whatever its outcome. */
export interface Attempt {
  deliveryId: number;
  /** The attempt's number as the job counts it (informative; the store numbers attempts itself). */
  attempt?: number;
  channel: ChannelName;
  recipient: string;
  /** When the attempt started, epoch ms. */
  startedAt: number;
  durationMs: number;
  providerMessageId: string | null;
  /** null on success. */
  error: string | null;
  errorCode: string | null;
  permanent: boolean;
}
