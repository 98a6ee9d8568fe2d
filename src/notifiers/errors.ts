/**
 * The one error notifiers throw. `permanent` tells the delivery worker whether a retry can help
 * (map it to BullMQ's UnrecoverableError). Messages are bilingual, mask phone numbers and never
 * carry a secret: every message built from a provider's answer passes through `redact`.
 */
import { maskPhones } from '../log.js';
import type { ChannelName } from './types.js';

/** A failed send: permanent (invalid number, bad template, auth, daily limit) or temporary (network, 5xx, throttling). */
export class NotifierError extends Error {
  readonly channel: ChannelName;
  readonly permanent: boolean;
  /** Provider or transport code when known, e.g. 'isv.MOBILE_NUMBER_ILLEGAL', 'EENVELOPE', 'http_503'. */
  readonly code?: string;

  constructor(channel: ChannelName, message: string, opts: { permanent: boolean; code?: string; secrets?: readonly string[] }) {
    // Mask first, cut after: cutting first could leave the head of a secret that straddles the cut.
    super(cut(redact(message, opts.secrets ?? []), MAX_MESSAGE_CHARS));
    this.name = 'NotifierError';
    this.channel = channel;
    this.permanent = opts.permanent;
    if (opts.code !== undefined) this.code = opts.code;
  }
}

/** Longest error message kept (logs, the deliveries table). Provider text is passed in whole. */
export const MAX_MESSAGE_CHARS = 400;

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/**
 * Replace every secret (and its URL-encoded form) with "<secret>" and mask phone numbers.
 * Empty and very short strings are skipped: replacing them would garble the text and they
 * are not meaningful secrets anyway.
 */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) {
    if (!s || s.length < 4) continue;
    for (const form of new Set([s, encodeURIComponent(s)])) out = out.split(form).join('<secret>');
  }
  return maskPhones(out);
}

/** A short, secret-free description of an unknown thrown value (network errors, SDK errors). */
export function describeCause(e: unknown, secrets: readonly string[]): string {
  if (e instanceof Error) {
    const cause = (e as { cause?: unknown }).cause;
    const code = (e as { code?: unknown }).code ?? (cause as { code?: unknown } | undefined)?.code;
    const base = `${e.name === 'Error' ? '' : `${e.name}: `}${e.message}`.split('\n')[0]!;
    return cut(redact(code && !base.includes(String(code)) ? `${base} (${String(code)})` : base, secrets), 300);
  }
  return cut(redact(String(e), secrets), 300);
}
