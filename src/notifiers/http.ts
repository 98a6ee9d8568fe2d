/**
 * The one HTTP client of the webhook-style channels (http_sms, wecom, dingtalk): POST JSON, read
 * JSON, and turn transport failures into temporary NotifierErrors whose text never includes the
 * URL (webhook URLs carry secrets in their query string).
 */
import { NotifierError } from './errors.js';
import type { ChannelName } from './types.js';

export interface JsonResponse {
  status: number;
  /** Parsed body, or undefined when the body is not JSON. */
  json: unknown;
  /** Raw body, at most 500 characters (for error messages). */
  snippet: string;
}

/** POST `body` as JSON. Network errors and timeouts reject with a temporary NotifierError. */
export async function postJson(
  channel: ChannelName,
  url: string,
  body: unknown,
  opts: { headers?: Record<string, string>; timeoutMs: number; secrets: readonly string[] },
): Promise<JsonResponse> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', ...opts.headers },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(opts.timeoutMs),
    });
  } catch (e) {
    throw networkError(channel, e, opts.secrets);
  }
  let text: string;
  try {
    text = await res.text();
  } catch (e) {
    throw networkError(channel, e, opts.secrets);
  }
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, json, snippet: text.slice(0, 500) };
}

/** A temporary error for a failed connection, naming only the low-level code (never the URL). */
export function networkError(channel: ChannelName, e: unknown, secrets: readonly string[]): NotifierError {
  const err = e as { name?: string; code?: string; cause?: { code?: string; name?: string } };
  const code =
    err?.name === 'TimeoutError' || err?.cause?.name === 'TimeoutError' || err?.cause?.name === 'ConnectTimeoutError'
      ? 'ETIMEDOUT'
      : (err?.cause?.code ?? err?.code ?? 'network');
  return new NotifierError(channel, `网络错误，稍后重试 / network error: ${code}`, { permanent: false, code, secrets });
}

/** Read a dotted path ('data.id') from a parsed JSON value. */
export function jsonField(value: unknown, path: string): unknown {
  let cur = value;
  for (const seg of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[seg];
  }
  return cur;
}
