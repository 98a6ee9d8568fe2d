/**
 * The shutdown watchdog: a stop that never finishes (a close waiting on a server that never answers,
 * a pool waiting for a query stuck behind a lock) ends the process with exit code 1 and names the step
 * it was stuck on; a stop that finishes leaves the process alone.
 */
import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { shutdownWatchdogMs, stopWithWatchdog, type Service } from '../../src/app/daemon.js';

function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const log = pino(
    { level: 'info' },
    new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const l of chunk.toString().split('\n')) if (l) lines.push(JSON.parse(l) as Record<string, unknown>);
        done();
      },
    }),
  );
  return { log, lines };
}

/** Only what the watchdog uses of a service: stop() and the step it is on. */
const serviceStoppingWith = (stop: () => Promise<void>, step: string | null) => ({ stop, stopStep: step }) as unknown as Service;

describe('shutdown watchdog', () => {
  it('exits with 1 and names the step when the stop overruns', async () => {
    const { log, lines } = capture();
    const exits: number[] = [];
    stopWithWatchdog(serviceStoppingWith(() => new Promise(() => {}), 'store'), log, (c) => exits.push(c), 150);
    await new Promise((r) => setTimeout(r, 50));
    expect(exits).toEqual([]);
    await new Promise((r) => setTimeout(r, 250));
    expect(exits).toEqual([1]);
    const line = lines.find((l) => String(l.msg).startsWith('shutdown did not finish'));
    expect(line).toMatchObject({ level: 50, step: 'store', watchdogMs: 150 });
  });

  it('stays quiet when the stop finishes', async () => {
    const { log, lines } = capture();
    const exits: number[] = [];
    stopWithWatchdog(serviceStoppingWith(() => new Promise((r) => setTimeout(r, 30)), null), log, (c) => exits.push(c), 150);
    await new Promise((r) => setTimeout(r, 300));
    expect(exits).toEqual([]);
    expect(lines).toEqual([]);
  });

  it('allows twice the shutdown timeout plus the graces', () => {
    expect(shutdownWatchdogMs()).toBe(90_000);
    expect(shutdownWatchdogMs(5_000)).toBe(40_000);
  });
});
