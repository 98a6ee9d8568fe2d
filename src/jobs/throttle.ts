/**
 * A log function for recurring errors (Redis reconnect attempts fire every few hundred ms while
 * Redis is away): the first occurrence is logged at once, repeats at most every `everyMs`, with a count.
 */
import type { Logger } from 'pino';

/** Returns an error handler that logs through `log` at most once per `everyMs`. */
export function throttledLogger(log: Logger, msg: string, everyMs = 10_000): (e: Error) => void {
  let last = 0;
  let suppressed = 0;
  return (e: Error) => {
    const now = Date.now();
    if (now - last < everyMs) {
      suppressed++;
      return;
    }
    log.error({ err: { message: e.message, code: (e as { code?: string }).code }, repeats: suppressed }, msg);
    last = now;
    suppressed = 0;
  };
}
