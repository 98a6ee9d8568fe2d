/**
 * SIGTERM/SIGINT heard from the first moment of `orglife daemon`, before the service is up, and handed
 * over to the service's own handlers without a gap.
 *
 * Why the order matters: Node keeps one OS-level signal handle per signal while it has listeners for
 * it, and closes it when the last listener goes. A signal the OS has delivered but Node has not yet
 * dispatched to JavaScript (it reads its signal pipe in the event loop's poll phase) is dropped with
 * that handle. Removing the start-up listener and then adding the service's (one synchronous step,
 * but in that order) lost a SIGTERM sent while the service was finishing its start: the daemon logged
 * nothing and never stopped (CI: tests/ops/stop-deps-down and tests/jobs/kill on PostgreSQL, where the
 * start takes longest). Adding the new listeners first keeps the handle, and the pending signal
 * reaches them. tests/ops/early-signals.test.ts shows both orders.
 */

export interface EarlySignals {
  /** The first signal received so far, or null. */
  readonly first: NodeJS.Signals | null;
  /** Run `install` (it adds the final listeners), and only then stop listening here. */
  handOver<T>(install: () => T): T;
  /** Stop listening (the start failed). */
  stop(): void;
}

const SIGNALS: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT'];

/** Listen for SIGTERM/SIGINT now; `onSignal` hears each one (the first is kept in `first`). */
export function listenEarly(onSignal: (signal: NodeJS.Signals) => void): EarlySignals {
  let first: NodeJS.Signals | null = null;
  const listener = (signal: NodeJS.Signals) => {
    first ??= signal;
    onSignal(signal);
  };
  for (const s of SIGNALS) process.on(s, listener);
  const stop = () => {
    for (const s of SIGNALS) process.off(s, listener);
  };
  return {
    get first() {
      return first;
    },
    handOver(install) {
      const out = install();
      stop();
      return out;
    },
    stop,
  };
}
