/**
 * `orglife daemon --once [--at ISO]`: one whole cycle as of a time (evaluate → reconcile → plan),
 * then deliver what is due by then through the same queues and workers, wait for it, and stop.
 * Deliveries held by quiet hours stay pending in the store (the next run or the daemon sends them).
 */
import { tickContext, type ScheduleKind } from './kinds.js';
import { openRuntime, type RuntimeOptions } from './runtime.js';

export interface OnceOptions extends Omit<RuntimeOptions, 'clock' | 'tickWorker'> {
  /** The as-of time of the cycle, epoch ms (default: now). */
  at?: number;
  /** Which schedule kind to run (default 'evaluate'). */
  kind?: ScheduleKind;
  /** Give up waiting for deliveries after this long (default 15 min; retries with backoff take time). */
  waitTimeoutMs?: number;
  /** Poll period while waiting (default 100 ms). */
  pollMs?: number;
}

export interface OnceReport {
  at: number;
  kind: ScheduleKind;
  runId: number;
  stats: Record<string, unknown>;
  /** Deliveries due by `at` that were queued during this run (fallbacks included). */
  queued: number;
  sent: number;
  failed: number;
  /** Due deliveries still pending when the wait timed out. */
  unfinished: number;
  /** Deliveries held until later (quiet hours), with the earliest send time. */
  held: number;
  heldUntil: number | null;
}

/** Run one cycle and its due deliveries; resolves with what happened. Throws if the cycle failed. */
export async function runOnce(o: OnceOptions): Promise<OnceReport> {
  const at = o.at ?? Date.now();
  const kind = o.kind ?? 'evaluate';
  const realStart = Date.now();
  // The as-of clock starts at --at and advances in real time (attempt and sent times stay after the cycle).
  const clock = () => at + (Date.now() - realStart);
  const rt = await openRuntime({ ...o, clock, tickWorker: false });
  const { log } = rt;
  try {
    const runId = await rt.store.runs.startRun({ kind, trigger: 'once', asOf: at, now: Date.now() });
    let stats: Record<string, unknown>;
    try {
      const handler = rt.handlers[kind];
      stats = (handler ? await handler(tickContext({ store: rt.store, config: rt.config, env: rt.env, notifiers: rt.notifiers, log, now: at, sendFrom: at, kind })) : { handler: 'none' }) ?? {};
      await rt.store.runs.finishRun(runId, { status: 'done', now: Date.now(), stats });
    } catch (e) {
      await rt.store.runs.finishRun(runId, { status: 'failed', now: Date.now(), error: e instanceof Error ? e.message : String(e) });
      throw e;
    }
    log.info({ kind, at: new Date(at).toISOString(), runId, ...stats }, 'cycle done');

    // Deliver what is due by --at; fallbacks created meanwhile are picked up by the next drain.
    const seen = new Set<number>();
    const deadline = Date.now() + (o.waitTimeoutMs ?? 15 * 60_000);
    let pollMs = o.pollMs ?? 100;
    for (let round = 0; ; round++) {
      const due = await rt.outbox.pending(rt.store, { dueBy: at });
      for (const d of due) seen.add(d.id);
      if (due.length === 0 || Date.now() > deadline) break;
      // Re-drain now and then: it adds fallbacks created meanwhile (the epoch marks skip the rest).
      if (round % 10 === 0) await rt.drain({ dueBy: at });
      await new Promise((r) => setTimeout(r, pollMs));
      pollMs = Math.min(pollMs * 1.25, 1000);
    }
    const stillDue = await rt.outbox.pending(rt.store, { dueBy: at });
    const held = (await rt.outbox.pending(rt.store)).filter((d) => d.notBefore > at);
    let sent = 0;
    let failed = 0;
    for (const id of seen) {
      const s = (await rt.store.deliveries.get(id))?.status;
      if (s === 'sent') sent++;
      else if (s === 'failed') failed++;
    }
    const report: OnceReport = {
      at,
      kind,
      runId,
      stats,
      queued: seen.size,
      sent,
      failed,
      unfinished: stillDue.length,
      held: held.length,
      heldUntil: held.reduce<number | null>((m, d) => (m === null || d.notBefore < m ? d.notBefore : m), null),
    };
    log.info(report, 'once: deliveries settled');
    return report;
  } finally {
    await rt.close();
  }
}
