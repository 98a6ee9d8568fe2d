/**
 * The composers of alert digests (and, until the wiring moves to src/jobs, of report mail and
 * reminders) for the delivery wing's outbox (src/delivery), and the outbox of the delivery path
 * with them. The claim, the fallback policy and the types live in src/delivery.
 */
import type { Config } from '../config/schema.js';
import { claimDelivery as claimWith, deliveryOutbox as outboxWith, toSend as toSendWith, type Composers, type DeliveryOutbox } from '../delivery/outbox.js';
import { reminderMessage } from '../delivery/reminder.js';
import type { Attempt, DeliveryClaim, DeliveryToSend } from '../delivery/types.js';
import type { Store } from '../store/port.js';
import type { StoredDelivery } from '../store/types/deliveries.js';
import { reportMessage } from '../reports/mail.js';
import type { BranchReport, CommitteeSummary } from '../reports/types.js';
import { composeMessage, type AckLinkRef } from './compose.js';
import { ackLinkFor, type AckLinkSettings } from './ack-links.js';

export { fallbackPolicy } from '../delivery/outbox.js';
export { reminderMessage } from '../delivery/reminder.js';
export type { DeliveryClaim, DeliveryToSend, PendingDelivery } from '../delivery/types.js';
/** One attempt as the worker reports it (src/delivery's Attempt). */
export type WorkerAttempt = Attempt;

/** The composers of every kind a delivery can carry; with `links`, a person's digest carries a one-tap acknowledgement link. */
export function deliveryComposers(links?: AckLinkSettings): Composers<AckLinkRef> {
  return {
    digest: (model, logical, to, link) => composeMessage(model, logical, to, link),
    report: (report, logical, to, emailCopy) => reportMessage(report as BranchReport | CommitteeSummary, logical, to, emailCopy),
    reminder: reminderMessage,
    ...(links
      ? {
          ackLink: (d, now) => {
            if (d.logical !== 'email' && d.logical !== 'sms') return null;
            return ackLinkFor(links, { deliveryId: d.id, recipientKey: d.carries.recipientKey, model: d.carries.model }, now);
          },
        }
      : {}),
  };
}

/** A stored delivery with its message (see src/delivery toSend). */
export function toSend(d: StoredDelivery, link?: AckLinkRef): DeliveryToSend | undefined {
  return toSendWith(d, deliveryComposers(), link);
}

/** One delivery with its message, or undefined. */
export async function getDelivery(store: Store, id: number): Promise<DeliveryToSend | undefined> {
  const d = await store.deliveries.get(id);
  return d && toSend(d);
}

/** Claim delivery `id` for `owner` (see src/delivery claimDelivery); with `links`, a won claim of a person's digest stores a one-tap link. */
export function claimDelivery(store: Store, id: number, owner: string, now: number, leaseMs = 120_000, links?: AckLinkSettings): Promise<DeliveryClaim> {
  return claimWith(store, deliveryComposers(links), id, owner, now, leaseMs);
}

/** The outbox of the delivery path with every composer (links when http.public_url is set). */
export function deliveryOutbox(config: Pick<Config, 'channels' | 'delivery' | 'calendar'> & Partial<Pick<Config, 'http'>>): DeliveryOutbox {
  return outboxWith(config, deliveryComposers(linkSettings(config)));
}

/** Link settings when http.public_url is set (links need somewhere to point). */
function linkSettings(config: Partial<Pick<Config, 'http'>>): AckLinkSettings | undefined {
  const url = config.http?.public_url;
  return url ? { publicUrl: url, days: config.http!.ack_link_days } : undefined;
}
