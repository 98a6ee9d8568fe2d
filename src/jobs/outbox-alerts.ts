/**
 * The outbox of the delivery path: the delivery wing's outbox (src/delivery: claim, attempts,
 * fallbacks) with the composer of each kind a delivery row carries — alert digests (src/alerts),
 * report mail (src/reports), reminders (src/delivery) — wired here, above all three.
 */
import { ackLinkFor, type AckLinkSettings } from '../alerts/ack-links.js';
import { composeMessage, type AckLinkRef } from '../alerts/compose.js';
import { modelAt } from '../alerts/digest-model.js';
import type { Config } from '../config/schema.js';
import { claimDelivery as claimWith, deliveryOutbox, toSend as toSendWith, type Composers, type DeliveryOutbox } from '../delivery/outbox.js';
import { reminderMessage } from '../delivery/reminder.js';
import type { DeliveryClaim, DeliveryToSend } from '../delivery/types.js';
import { reminderAtSend } from '../rating/weak-reminders.js';
import { reportMessage } from '../reports/mail.js';
import type { BranchReport, CommitteeSummary } from '../reports/types.js';
import type { Store } from '../store/port.js';
import type { StoredDelivery } from '../store/types/deliveries.js';

/** The composers of every kind a delivery can carry; with `links`, a person's digest carries a one-tap acknowledgement link. */
export function deliveryComposers(links?: AckLinkSettings): Composers<AckLinkRef> {
  return {
    // Rendered at send time: a message held over a weekend says the days as they are on Monday.
    digest: (model, logical, to, link, at) => composeMessage(at === undefined ? model : modelAt(model, at), logical, to, link),
    // A chat robot's notice links to the console's copy when http.public_url is set.
    report: (report, logical, to, emailCopy) => reportMessage(report as BranchReport | CommitteeSummary, logical, to, emailCopy, links?.publicUrl),
    // Rendered at send time too: a branch removed (撤销) or un-designated since planning is left out.
    reminder: (r, logical, to) => reminderMessage(reminderAtSend(r), logical, to),
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

/** Link settings when http.public_url is set (links need somewhere to point). */
function linkSettings(config: Partial<Pick<Config, 'http'>>): AckLinkSettings | undefined {
  const url = config.http?.public_url;
  return url ? { publicUrl: url, days: config.http!.ack_link_days } : undefined;
}

type OutboxConfig = Pick<Config, 'channels' | 'delivery' | 'calendar'> & Partial<Pick<Config, 'http'>>;

/** The delivery wing's outbox with every composer (links when http.public_url is set). */
export function composedOutbox(config: OutboxConfig): DeliveryOutbox {
  return deliveryOutbox(config, deliveryComposers(linkSettings(config)));
}

/** The daemon's outbox (the same as composedOutbox). */
export const alertsOutbox = composedOutbox;

/** A stored delivery with its message (tools and tests). */
export function toSend(d: StoredDelivery, link?: AckLinkRef): DeliveryToSend | undefined {
  return toSendWith(d, deliveryComposers(), link);
}

/** One delivery with its message, or undefined (tools and tests). */
export async function getDelivery(store: Store, id: number): Promise<DeliveryToSend | undefined> {
  const d = await store.deliveries.get(id);
  return d && toSend(d);
}

/** Claim delivery `id` for `owner` (see src/delivery claimDelivery); with `links`, a won claim of a person's digest stores a one-tap link. */
export function claimDelivery(store: Store, id: number, owner: string, now: number, leaseMs = 120_000, links?: AckLinkSettings): Promise<DeliveryClaim> {
  return claimWith(store, deliveryComposers(links), id, owner, now, leaseMs);
}
