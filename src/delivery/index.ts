/**
 * The delivery wing: one Attempt and one pending-delivery type, recipients and channel choice
 * (SMS pointer + email copy, daily SMS cap, fallbacks) written once for alert digests, report mail
 * and reminders, and the outbox whose composer is chosen by what the delivery row carries.
 */
export type { Attempt, DeliveryClaim, DeliveryToSend, PendingDelivery } from './types.js';
export { chooseSends, deliveryKey, normalizePhone, reminderDeliveryKey, reportDeliveryKey, sendOn } from './policy.js';
export { sendTime } from './schedule.js';
export { claimDelivery, deliveryOutbox, fallbackPolicy, toSend, type Composers, type DeliveryOutbox, type FallbackConfig } from './outbox.js';
export { reminderMessage } from './reminder.js';
export { committeeRobots, contactsOf, orgPeople, personRoute, type OrgPerson, type RecipientPolicy, type RobotsFor } from './recipients.js';
