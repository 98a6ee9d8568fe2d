/** The Outbox of the delivery path over src/alerts' deliveries (claim, compose, attempts, fallback). */
import { deliveryOutbox } from '../alerts/index.js';
import type { Config } from '../config/schema.js';
import type { Outbox } from './outbox.js';

/** The outbox backed by src/alerts; typed against src/jobs/outbox.ts so a drift is a compile error. */
export function alertsOutbox(config: Config): Outbox {
  return deliveryOutbox(config);
}
