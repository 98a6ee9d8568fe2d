/**
 * The delivery wing's vocabulary, one of each: a pending delivery (what belongs in a queue), a
 * delivery ready to send, a claim's outcome, and an Attempt (one send, recorded whatever its
 * outcome). Alert digests, report mail and reminders all travel as these.
 */
import type { OutgoingMessage } from '../notifiers/types.js';
import type { AttemptRow, ClaimOutcome, DeliveryStatus, PendingDeliveryRow } from '../store/types/deliveries.js';

/** A delivery that should be in a queue: its id, channel and earliest send time (quiet hours), as the store lists it. */
export type PendingDelivery = PendingDeliveryRow;

/** A delivery ready to send: its address and the composed message. */
export interface DeliveryToSend extends PendingDelivery {
  status: DeliveryStatus;
  /** Email address, phone number or robot name (what `message.to` holds). */
  recipient: string;
  /** Attempts recorded so far (a batch job numbers its next attempt from the store). */
  attempts: number;
  message: OutgoingMessage;
}

/** A claim's outcome: send it now (this owner holds it), it is finished (never send again), or another live owner holds it. */
export type DeliveryClaim = ClaimOutcome<DeliveryToSend>;

/** One send attempt as the worker reports it (the store's AttemptRow), with the job's attempt number. */
export type Attempt = AttemptRow & {
  /** The attempt's number as the job counts it (informative; the store numbers attempts itself). */
  attempt?: number;
};

/** An attempt as the delivery job records it: always numbered. */
export type AttemptRecord = Attempt & { attempt: number };
