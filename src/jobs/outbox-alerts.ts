/**
 * The Outbox over src/alerts' deliveries. PLACEHOLDER until src/alerts lands (see .team/jobs.md):
 * an empty outbox, so ticks and the scheduler run; deliveries come with the alerts store.
 */
import type { Config } from '../config/schema.js';
import type { Outbox } from './outbox.js';

/** The outbox backed by src/alerts (placeholder: nothing pending yet). */
export function alertsOutbox(_config: Config): Outbox {
  return {
    pending: () => [],
    claim: () => ({ outcome: 'done', status: 'missing' }),
    get: () => undefined,
    markSent: () => undefined,
    recordFailure: () => undefined,
    giveUp: () => null,
  };
}
