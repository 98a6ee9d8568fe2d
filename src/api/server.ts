/**
 * The HTTP API (fastify 5): ingest, alerts, reports, health, metrics and the OpenAPI document.
 * Order of a request: rate limit (keyed by a valid bearer token, else the client address, so failed
 * attempts are throttled too) → bearer authentication and scope check → body parsing (JSON only,
 * nesting bounded) → schema validation → handler → one log line and a metric.
 */
import rateLimit from '@fastify/rate-limit';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { countHttpRequest } from '../metrics.js';
import { allows, bearerOf, findToken, rateKeyOf } from './auth.js';
import { nestedTooDeep } from '../import/depth.js';
import { ApiError, clientErrorHandler, frameworkErrors, installErrorHandlers } from './errors.js';
import { buildOpenApi } from './openapi.js';
import { alertRoutes } from './routes/alerts.js';
import { ingestRoutes } from './routes/ingest.js';
import { opsRoutes } from './routes/ops.js';
import { rankingRoutes } from './routes/ranking.js';
import { reportRoutes } from './routes/reports.js';
import { exemptionRoutes } from './routes/exemptions.js';
import { orgRoutes } from './routes/orgs.js';
import { leaveRoutes } from './routes/leaves.js';
import { ratingRoutes } from './routes/rating.js';
import type { ApiDeps, RouteSpec } from './routes/types.js';

export type { ApiDeps, ReloadOutcome } from './routes/types.js';

/** Limits fixed when the server is built (changing them needs a restart). */
export interface ApiLimits {
  bodyLimitBytes: number;
  rateLimitPerMinute: number;
}

/** Package version shown in the OpenAPI document. */
export const API_VERSION = '0.1.0';

/** Every route of the API, including /openapi.json itself. */
export function apiRoutes(deps: ApiDeps): RouteSpec[] {
  const routes = [...ingestRoutes(deps), ...alertRoutes(deps), ...reportRoutes(deps), ...rankingRoutes(deps), ...ratingRoutes(deps), ...exemptionRoutes(deps), ...orgRoutes(deps), ...leaveRoutes(deps), ...opsRoutes(deps)];
  let doc: Record<string, unknown> | null = null;
  const openapi: RouteSpec = {
    method: 'GET',
    url: '/openapi.json',
    scope: null,
    tag: 'ops',
    summary: 'OpenAPI 文档 / this document',
    responses: { 200: { description: 'the OpenAPI 3.1 document' } },
    async handler() {
      doc ??= buildOpenApi(all, API_VERSION);
      return doc;
    },
  };
  const all = [...routes, openapi];
  return all;
}

/** Build the server (not listening yet: call `listen`, or `inject` in tests). */
export async function buildApi(deps: ApiDeps, limits: ApiLimits): Promise<FastifyInstance> {
  const app = Fastify({
    // pino's Logger and fastify's logger type differ only in generics; it is the same object at runtime.
    loggerInstance: deps.log.child({ component: 'http' }) as unknown as FastifyBaseLogger,
    // One line per request is written by our onResponse hook (with route, status and token name).
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: limits.bodyLimitBytes,
    // Unknown properties are errors (not silently dropped), and every problem is reported at once.
    ajv: { customOptions: { removeAdditional: false, allErrors: true, coerceTypes: true } },
    return503OnClosing: true,
    frameworkErrors,
    clientErrorHandler,
  });
  installErrorHandlers(app);
  // The API speaks JSON only: text/plain is refused with 415 (fastify would parse it as a string).
  app.removeContentTypeParser('text/plain');
  // JSON bodies nested deeper than any record can be are refused before validation walks them.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, text, done) => {
    parseJson(request, text as string, (err: Error | null, value?: unknown) => {
      if (err) return done(err, undefined);
      if (nestedTooDeep(value)) {
        return done(Object.assign(new Error('JSON nested too deep'), { code: 'FST_ERR_CTP_JSON_TOO_DEEP', statusCode: 400 }), undefined);
      }
      done(null, value);
    });
  });

  await app.register(rateLimit, {
    max: limits.rateLimitPerMinute,
    timeWindow: 60_000,
    // Per valid token (hashed, never the token itself); requests without a token, or with a wrong
    // one, count per address, so guessing tokens is throttled like any other flood.
    keyGenerator: (request) => {
      const presented = bearerOf(request.headers.authorization);
      return presented && findToken(deps.tokens, presented) ? rateKeyOf(presented) : `ip:${request.ip}`;
    },
    // Probes and scrapes come every few seconds from monitoring; they must never be throttled.
    allowList: (request) => request.routeOptions.config.scope === null,
    errorResponseBuilder: (_request, ctx) =>
      new ApiError(429, 'rate_limited', `请求过于频繁，请 ${Math.ceil(ctx.ttl / 1000)} 秒后重试 / rate limit exceeded, retry in ${ctx.after}`, {
        limitPerMinute: ctx.max,
      }),
  });

  // preParsing, not onRequest: the limiter's hook is a route-level onRequest, which runs after every
  // instance-level onRequest; authenticating here lets the limiter count failed attempts first.
  app.addHook('preParsing', async (request) => {
    const scope = request.routeOptions.config.scope;
    if (!scope) return;
    const presented = bearerOf(request.headers.authorization);
    if (!presented) {
      throw new ApiError(401, 'unauthorized', '缺少访问令牌（Authorization: Bearer …）/ missing bearer token', undefined, { 'www-authenticate': 'Bearer' });
    }
    const token = findToken(deps.tokens, presented);
    if (!token) throw new ApiError(401, 'unauthorized', '访问令牌无效 / invalid token', undefined, { 'www-authenticate': 'Bearer error="invalid_token"' });
    request.tokenName = token.name;
    request.tokenOrg = token.org;
    if (!allows(token, scope)) {
      throw new ApiError(403, 'forbidden', `令牌 ${token.name} 没有「${scope}」权限 / token ${token.name} lacks the "${scope}" scope`);
    }
  });

  // A NUL character can be in no stored code or label (PostgreSQL's text refuses it outright, so a
  // lookup with one would fail as a server error there): a request carrying one in its path or query is malformed.
  app.addHook('preValidation', async (request) => {
    for (const part of [request.params, request.query]) {
      if (!part || typeof part !== 'object') continue;
      for (const [name, v] of Object.entries(part as Record<string, unknown>)) {
        if ((Array.isArray(v) ? v : [v]).some((x) => typeof x === 'string' && x.includes('\u0000'))) {
          throw new ApiError(400, 'invalid_request', `参数 ${name} 含有空字符（NUL）/ parameter ${name} contains a NUL character`);
        }
      }
    }
  });

  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    countHttpRequest(request.method, route, reply.statusCode);
    // Probes and scrapes would flood the log at info.
    const level = request.routeOptions.config.scope === null && reply.statusCode < 400 ? 'debug' : 'info';
    request.log[level](
      { method: request.method, route, status: reply.statusCode, ms: Math.round(reply.elapsedTime), token: request.tokenName },
      'request',
    );
  });

  // What fastify actually registered, for the test that holds /openapi.json to the truth.
  const registered: Array<{ method: string; url: string }> = [];
  app.addHook('onRoute', (r) => {
    for (const m of [r.method].flat()) if (m !== 'HEAD') registered.push({ method: m, url: r.url });
  });
  app.decorate('registeredRoutes', registered);

  for (const r of apiRoutes(deps)) {
    app.route({
      method: r.method,
      url: r.url,
      config: { scope: r.scope },
      ...(r.schema ? { schema: r.schema } : {}),
      handler: r.handler,
    });
  }
  return app;
}
