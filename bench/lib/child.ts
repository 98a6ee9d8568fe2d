/**
 * Runs one step of one suite in this (child) process and reports its result and this process's
 * peak RSS to the harness over IPC. One process per step keeps each step's peak RSS its own.
 */
import { pathToFileURL } from 'node:url';
import { peakRssSelf } from './measure.js';
import type { BenchContext, BenchSuite, StepResult } from './types.js';

/** The message the harness sends. */
export interface ChildRequest {
  suiteFile: string;
  stepId: string;
  ctx: BenchContext;
}

/** The message this process answers with. */
export type ChildReply =
  | { ok: true; result: StepResult; childPeakRssBytes: number }
  | { ok: false; error: string; childPeakRssBytes: number };

process.once('message', (msg: ChildRequest) => {
  void run(msg).then((reply) => process.send!(reply, () => process.exit(0)));
});

async function run(msg: ChildRequest): Promise<ChildReply> {
  try {
    const suite = (await import(pathToFileURL(msg.suiteFile).href)).default as BenchSuite;
    const step = suite.steps.find((s) => s.id === msg.stepId);
    if (!step) throw new Error(`suite ${suite.id} has no step ${msg.stepId}`);
    const result = await step.run(msg.ctx);
    return { ok: true, result, childPeakRssBytes: peakRssSelf() };
  } catch (e) {
    const error = e instanceof Error ? (e.stack ?? e.message) : String(e);
    return { ok: false, error, childPeakRssBytes: peakRssSelf() };
  }
}
