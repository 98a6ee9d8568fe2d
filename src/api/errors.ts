/**
 * The one error shape of the HTTP API, `{ error: { code, message, details? } }`, with a Chinese
 * (bilingual) message, and the handler that turns anything thrown into it. Clients never see a
 * stack trace or an internal message: unexpected errors are logged and answered with a generic 500.
 */
import type { Duplex } from 'node:stream';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** An error the API answers as is. `code` is a stable snake_case identifier clients can branch on. */
export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The body of every error answer. */
export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

/** Fastify's own errors that are the client's fault, with what we tell the client. */
const FASTIFY_ERRORS: Record<string, { status: number; code: string; message: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: 'payload_too_large', message: '请求体过大 / request body too large' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    status: 415,
    code: 'unsupported_media_type',
    message: '不支持的内容类型，请使用 application/json / unsupported Content-Type, use application/json',
  },
  FST_ERR_CTP_JSON_TOO_DEEP: { status: 400, code: 'malformed_json', message: `JSON 嵌套层数过深 / JSON nested too deep` },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: 'malformed_json', message: '请求体为空 / empty JSON body' },
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: 'malformed_json', message: '请求体不是有效的 JSON / body is not valid JSON' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    status: 400,
    code: 'bad_request',
    message: '请求体长度与 Content-Length 不符 / body size does not match Content-Length',
  },
};

/**
 * Fastify answers some malformed requests before any route or hook runs (a path parameter over
 * maxParamLength → 414, a URL that does not decode → 400): `frameworkErrors` gives them our shape.
 */
export function frameworkErrors(err: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  if (err.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    void reply.code(414).send(body('uri_too_long', '请求地址过长 / request URI too long'));
  } else {
    void reply.code(400).send(body('bad_request', '请求地址无效 / malformed request URL'));
  }
}

/**
 * Node's HTTP parser rejects some requests before fastify sees them (headers too large → 431, a
 * malformed request line or header → 400, a request that took too long → 408): answer those on the
 * raw socket, in the documented error body too.
 */
export function clientErrorHandler(err: NodeJS.ErrnoException, socket: Duplex): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, reason, code, message] =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'Request Header Fields Too Large', 'headers_too_large', '请求头过大 / request headers too large']
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'Request Timeout', 'request_timeout', '请求超时 / request timeout']
        : [400, 'Bad Request', 'bad_request', '请求格式错误 / malformed HTTP request'];
  const text = JSON.stringify(body(code, message));
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`,
    );
  }
  socket.destroy();
}

/** Install the error and not-found handlers on an instance. */
export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | ApiError, request, reply) => {
    if (err instanceof ApiError) {
      if (err.headers) void reply.headers(err.headers);
      return reply.code(err.statusCode).send(body(err.code, err.message, err.details));
    }
    const known = err.code ? FASTIFY_ERRORS[err.code] : undefined;
    if (known) return reply.code(known.status).send(body(known.code, known.message));
    if (err.validation) {
      const details = err.validation.map((v) => ({
        field: fieldOf(v.instancePath, v.params as Record<string, unknown>),
        reason: v.message ?? 'invalid',
      }));
      return reply.code(400).send(body('invalid_request', `请求参数无效 / invalid request (${err.validationContext ?? 'body'})`, details));
    }
    if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
      // Some other client error raised by fastify or a plugin: its message is safe but English only.
      return reply.code(err.statusCode).send(body('bad_request', `请求无效 / ${err.message}`));
    }
    request.log.error({ err }, 'unexpected error while handling a request');
    return reply.code(500).send(body('internal_error', '服务器内部错误，请查看服务日志 / internal server error, see the service log'));
  });
  app.setNotFoundHandler((request, reply) => {
    void reply.code(404).send(body('not_found', `没有这个接口 / no such endpoint: ${request.method} ${request.url.split('?')[0]}`));
  });
}

/** Build an error body. */
export function body(code: string, message: string, details?: unknown): ErrorBody {
  return { error: details === undefined ? { code, message } : { code, message, details } };
}

function fieldOf(instancePath: string, params: Record<string, unknown>): string {
  const base = instancePath.replace(/^\//, '').replaceAll('/', '.');
  const missing = typeof params.missingProperty === 'string' ? params.missingProperty : undefined;
  const extra = typeof params.additionalProperty === 'string' ? params.additionalProperty : undefined;
  const leaf = missing ?? extra;
  return leaf ? (base ? `${base}.${leaf}` : leaf) : base || '(body)';
}
