/**
 * The one HTTP client of the webhook-style channels (http_sms, wecom, dingtalk): POST JSON, read
 * JSON, and turn transport failures into temporary NotifierErrors whose text never includes the
 * URL (webhook URLs carry secrets in their query string).
 */
import { request as httpRequest, type ClientRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { keepAliveAgent } from './agent.js';
import { NotifierError } from './errors.js';
import type { ChannelName } from './types.js';

export interface JsonResponse {
  status: number;
  /** Parsed body, or undefined when the body is not JSON. */
  json: unknown;
  /** Raw body, at most 500 characters (for error messages). */
  snippet: string;
}

/** Answers are read up to this size (provider answers are a few hundred bytes; a runaway body is cut). */
const MAX_BODY = 1 << 20;

/**
 * POST `body` as JSON over the shared keep-alive agent (./agent.ts). Network errors and timeouts
 * (the whole exchange, connect to last byte, within `timeoutMs`) reject with a temporary NotifierError.
 */
export function postJson(
  channel: ChannelName,
  url: string,
  body: unknown,
  opts: { headers?: Record<string, string>; timeoutMs: number; secrets: readonly string[] },
): Promise<JsonResponse> {
  return new Promise<JsonResponse>((resolve, reject) => {
    let target: URL;
    try {
      target = new URL(url);
    } catch (e) {
      reject(networkError(channel, e, opts.secrets));
      return;
    }
    const payload = Buffer.from(JSON.stringify(body), 'utf8');
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const fail = (e: unknown) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(networkError(channel, e, opts.secrets));
    };
    let req: ClientRequest;
    try {
      req = send(
        target,
        {
          method: 'POST',
          agent: keepAliveAgent(target.protocol),
          headers: { 'content-type': 'application/json; charset=utf-8', ...opts.headers, 'content-length': String(payload.length) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (c: Buffer) => {
            if (size < MAX_BODY) chunks.push(c);
            size += c.length;
          });
          res.on('error', fail);
          res.on('aborted', () => fail(Object.assign(new Error('response aborted'), { code: 'ECONNRESET' })));
          res.on('end', () => {
            if (settled) return;
            settled = true;
            clearTimeout(timer);
            const text = Buffer.concat(chunks).toString('utf8');
            let json: unknown;
            try {
              json = text ? JSON.parse(text) : undefined;
            } catch {
              json = undefined;
            }
            resolve({ status: res.statusCode ?? 0, json, snippet: text.slice(0, 4096) });
          });
        },
      );
    } catch (e) {
      // Invalid header values (a token with a line break) throw before anything is sent.
      fail(e);
      return;
    }
    timer = setTimeout(() => {
      const e = Object.assign(new Error('request timed out'), { name: 'TimeoutError' });
      fail(e);
      req.destroy(e);
    }, opts.timeoutMs);
    req.on('error', fail);
    req.end(payload);
  });
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
