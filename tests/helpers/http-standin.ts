/**
 * A local HTTP server standing in for the SMS and chat-robot providers. It records every request
 * and answers like the real provider would, recognising which one is being called:
 *
 *   aliyun   POST /?PhoneNumbers=…  header x-acs-action: SendSms   → {Code:'OK', BizId, RequestId, Message}
 *   tencent  POST /  JSON body        header x-tc-action: SendSms    → {Response:{SendStatusSet:[{Code:'Ok', SerialNo,…}], RequestId}}
 *   wecom    POST /cgi-bin/webhook/send?key=…                        → {errcode:0, errmsg:'ok'}
 *   dingtalk POST /robot/send?access_token=…&timestamp=…&sign=…     → {errcode:0, errmsg:'ok'}
 *   http_sms any other path (e.g. POST /sms/send)                    → {id:'msg-N'}
 *
 * Point the SDKs at it with `standin.host` (Aliyun endpoint / Tencent endpoint + protocol http) or
 * `standin.url` + path (base_url / url). Change answers with `reply(provider, …)` (until reset) or
 * `replyOnce`; helpers in `replies` build typical provider errors. `{ destroy: true }` drops the
 * connection without answering (a network failure).
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type StandinProvider = 'aliyun' | 'tencent' | 'http_sms' | 'wecom' | 'dingtalk';

/** One request as received. */
export interface RecordedRequest {
  provider: StandinProvider;
  method: string;
  /** Path without the query string. */
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  body: string;
  /** Parsed JSON body, or undefined. */
  json: any;
  /** The client's port: requests sharing it came over one kept-alive connection. */
  remotePort: number;
}

/** An answer: status (default 200) with a JSON or text body, or a dropped connection. */
export interface StandinReply {
  status?: number;
  json?: unknown;
  text?: string;
  destroy?: boolean;
}

/** A function may answer later (a held request: a slow provider, or one released by the test). */
export type Responder = StandinReply | ((req: RecordedRequest, n: number) => StandinReply | Promise<StandinReply>);

export interface HttpStandin {
  /** http://127.0.0.1:PORT */
  url: string;
  /** 127.0.0.1:PORT (for SDK `endpoint` settings). */
  host: string;
  port: number;
  /** All requests so far, in order. */
  requests: RecordedRequest[];
  /** Requests to one provider. */
  requestsTo(provider: StandinProvider): RecordedRequest[];
  /** Answer every following request to `provider` this way (until reset). */
  reply(provider: StandinProvider, r: Responder): void;
  /** Answer only the next request to `provider` this way. */
  replyOnce(provider: StandinProvider, r: Responder): void;
  /** Forget recorded requests and custom replies. */
  reset(): void;
  close(): Promise<void>;
}

/** Typical provider answers, for `reply`/`replyOnce`. */
export const replies = {
  /** Aliyun business error in a 200 answer (e.g. 'isv.MOBILE_NUMBER_ILLEGAL', 'isv.BUSINESS_LIMIT_CONTROL'). */
  aliyunCode: (code: string, message = code): StandinReply => ({ json: { Code: code, Message: message, RequestId: 'req-err' } }),
  /** Aliyun gateway error with an HTTP status (e.g. 400 'Throttling.User', 404 'InvalidAccessKeyId.NotFound', 503 'ServiceUnavailable'). */
  aliyunHttp: (status: number, code: string, message = code): StandinReply => ({ status, json: { Code: code, Message: message, RequestId: 'req-err' } }),
  /** Tencent per-number failure in SendStatusSet (e.g. 'LimitExceeded.PhoneNumberDailyLimit'). */
  tencentStatus: (code: string, message = code): StandinReply => ({
    json: { Response: { SendStatusSet: [{ SerialNo: '', PhoneNumber: '', Fee: 0, SessionContext: '', Code: code, Message: message, IsoCode: 'CN' }], RequestId: 'req-err' } },
  }),
  /** Tencent request-level error (e.g. 'AuthFailure.SecretIdNotFound', 'InternalError.Timeout'). */
  tencentError: (code: string, message = code): StandinReply => ({ json: { Response: { Error: { Code: code, Message: message }, RequestId: 'req-err' } } }),
  /** WeCom / DingTalk robot error (e.g. 45009 rate limit, 93000 bad key, 310000 bad signature). */
  robotError: (errcode: number, errmsg = `error ${errcode}`): StandinReply => ({ json: { errcode, errmsg } }),
  /** A bare HTTP status with a text body. */
  status: (status: number, text = `status ${status}`): StandinReply => ({ status, text }),
  /** Close the connection without answering. */
  drop: (): StandinReply => ({ destroy: true }),
};

function detect(path: string, query: Record<string, string>, headers: IncomingHttpHeaders): StandinProvider {
  if (headers['x-tc-action']) return 'tencent';
  if (headers['x-acs-action'] || query.Action === 'SendSms') return 'aliyun';
  if (path.startsWith('/cgi-bin/webhook/send')) return 'wecom';
  if (path.startsWith('/robot/send')) return 'dingtalk';
  return 'http_sms';
}

function success(provider: StandinProvider, req: RecordedRequest, n: number): StandinReply {
  switch (provider) {
    case 'aliyun':
      return { json: { Code: 'OK', Message: 'OK', BizId: `biz-${n}`, RequestId: `req-${n}` } };
    case 'tencent': {
      const phones: string[] = Array.isArray(req.json?.PhoneNumberSet) ? req.json.PhoneNumberSet : [''];
      return {
        json: {
          Response: {
            SendStatusSet: phones.map((p, i) => ({ SerialNo: `serial-${n}-${i}`, PhoneNumber: p, Fee: 1, SessionContext: '', Code: 'Ok', Message: 'send success', IsoCode: 'CN' })),
            RequestId: `req-${n}`,
          },
        },
      };
    }
    case 'http_sms':
      return { json: { id: `msg-${n}` } };
    default:
      return { json: { errcode: 0, errmsg: 'ok' } };
  }
}

function answer(res: ServerResponse, r: StandinReply): void {
  if (r.destroy) {
    res.socket?.destroy();
    return;
  }
  const body = r.json !== undefined ? JSON.stringify(r.json) : (r.text ?? '');
  res.writeHead(r.status ?? 200, { 'content-type': r.json !== undefined ? 'application/json; charset=utf-8' : 'text/plain; charset=utf-8' });
  res.end(body);
}

/** Start the stand-in on 127.0.0.1, random port. */
export async function startHttpStandin(): Promise<HttpStandin> {
  const requests: RecordedRequest[] = [];
  let persistent = new Map<StandinProvider, Responder>();
  let once = new Map<StandinProvider, Responder[]>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const u = new URL(req.url ?? '/', 'http://standin');
      const query = Object.fromEntries(u.searchParams);
      const body = Buffer.concat(chunks).toString('utf8');
      let json: unknown;
      try {
        json = body ? JSON.parse(body) : undefined;
      } catch {
        json = undefined;
      }
      const provider = detect(u.pathname, query, req.headers);
      const rec: RecordedRequest = { provider, method: req.method ?? '', path: u.pathname, query, headers: req.headers, body, json, remotePort: req.socket.remotePort ?? 0 };
      requests.push(rec);
      const n = requests.filter((r) => r.provider === provider).length;
      const queued = once.get(provider);
      const responder = queued?.length ? queued.shift()! : (persistent.get(provider) ?? success(provider, rec, n));
      void Promise.resolve(typeof responder === 'function' ? responder(rec, n) : responder).then((r) => answer(res, r));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    port,
    requests,
    requestsTo: (p) => requests.filter((r) => r.provider === p),
    reply: (p, r) => void persistent.set(p, r),
    replyOnce(p, r) {
      once.set(p, [...(once.get(p) ?? []), r]);
    },
    reset() {
      requests.length = 0;
      persistent = new Map();
      once = new Map();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
