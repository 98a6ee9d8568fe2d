/** Shared bits of the notifier tests: channel config from a partial block, an Env from a few variables, log capture. */
import { Writable } from 'node:stream';
import { readEnv, type Env } from '../../src/config/env.js';
import { createLogger } from '../../src/log.js';
import { channelsSchema, type ChannelsConfig } from '../../src/notifiers/config.js';

/** `channels:` as the config loader would produce it from this partial YAML-like object. */
export function channels(partial: Record<string, unknown> = {}): ChannelsConfig {
  return channelsSchema.parse(partial);
}

/** An Env holding exactly these variables (nothing from the real process environment). */
export function envOf(vars: Record<string, string> = {}): Env {
  return readEnv(vars);
}

/** A debug-level logger whose JSON lines end up in `lines`. */
export function captureLog(): { log: ReturnType<typeof createLogger>; text(): string } {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk.toString('utf8'));
      cb();
    },
  });
  return { log: createLogger({ level: 'debug', destination }), text: () => chunks.join('') };
}

/** Reject-with-NotifierError helper: the error a promise rejects with (fails the test if it resolves). */
export async function rejection(p: Promise<unknown>): Promise<{ permanent: boolean; code?: string; message: string; channel: string }> {
  try {
    await p;
  } catch (e) {
    return e as { permanent: boolean; code?: string; message: string; channel: string };
  }
  throw new Error('expected the send to fail, but it succeeded');
}
