/** Transitional re-export for callers not yet on the port (the reconcile load carries `warnedAt`). */
export { warningsDeliveredAt } from './sqlite/alerts.js';
