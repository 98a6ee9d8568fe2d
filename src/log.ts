/**
 * The process logger (pino, JSON to stderr). Phone numbers are masked everywhere they appear —
 * messages and fields alike — because delivery logs otherwise leak secretaries' numbers.
 */
import { pino, type Logger } from 'pino';
import { readEnv } from './config/env.js';

const PHONE = /(?<!\d)(\+?86[- ]?)?(1[3-9]\d)(\d{4})(\d{4})(?!\d)/g;

/** '13812341234' -> '138****1234'. Applies to every mainland mobile number inside the string. */
export function maskPhones(s: string): string {
  return s.replace(PHONE, (_m, cc: string | undefined, a: string, _b: string, c: string) => `${cc ?? ''}${a}****${c}`);
}

function maskDeep(v: unknown, depth = 0): unknown {
  if (typeof v === 'string') return maskPhones(v);
  if (depth > 6 || v === null || typeof v !== 'object') return v;
  if (v instanceof Error) return { type: v.name, message: maskPhones(v.message), stack: v.stack && maskPhones(v.stack) };
  if (Array.isArray(v)) return v.map((x) => maskDeep(x, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = maskDeep(x, depth + 1);
  return out;
}

export function createLogger(opts: { level?: string; destination?: NodeJS.WritableStream } = {}): Logger {
  return pino(
    {
      name: 'orglife',
      level: opts.level ?? readEnv().logLevel,
      formatters: { log: (obj) => maskDeep(obj) as Record<string, unknown> },
      hooks: {
        logMethod(args, method) {
          method.apply(this, args.map((a) => (typeof a === 'string' ? maskPhones(a) : a)) as Parameters<typeof method>);
        },
      },
    },
    (opts.destination as pino.DestinationStream | undefined) ?? pino.destination(2),
  );
}

/** The shared logger of the process. */
export const log: Logger = createLogger();
