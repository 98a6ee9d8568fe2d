/**
 * The OpenAPI 3.1 document of the API, built from the same RouteSpec list the server registers, so
 * it cannot drift from the routes: a route exists if and only if it is documented.
 */
import type { JsonSchema, RouteSpec } from './routes/types.js';

const errorSchema: JsonSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', description: 'stable identifier, e.g. validation_failed, unauthorized, forbidden' },
        message: { type: 'string', description: '中文 / English' },
        details: { description: 'what exactly was wrong (e.g. the items and fields of a rejected batch)' },
      },
    },
  },
};

/** `/api/v1/alerts/:id/acknowledge` → `/api/v1/alerts/{id}/acknowledge`. */
export function openApiPath(url: string): string {
  return url.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, '{$1}');
}

/** Build the document. */
export function buildOpenApi(routes: readonly RouteSpec[], version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const op: Record<string, unknown> = {
      operationId: operationId(r),
      tags: [r.tag],
      summary: r.summary,
      ...(r.description ? { description: r.description } : {}),
      ...(r.scope ? { security: [{ bearer: [r.scope] }], 'x-required-scope': r.scope } : { security: [] }),
    };
    const parameters = [...params(r.schema?.params, 'path'), ...params(r.schema?.querystring, 'query')];
    if (parameters.length) op.parameters = parameters;
    if (r.schema?.body) op.requestBody = { required: true, content: { 'application/json': { schema: r.schema.body } } };
    const responses: Record<string, unknown> = {};
    for (const [status, spec] of Object.entries(r.responses)) {
      const isError = Number(status) >= 400;
      responses[status] = {
        description: spec.description,
        content: { [spec.contentType ?? 'application/json']: { schema: isError ? errorSchema : (spec.schema ?? {}) } },
      };
    }
    const err = (status: number, description: string) => {
      responses[String(status)] ??= { description, content: { 'application/json': { schema: errorSchema } } };
    };
    if (r.schema) err(400, 'malformed JSON or invalid parameters');
    if (r.scope) {
      err(401, 'missing or invalid bearer token');
      err(403, `the token lacks the "${r.scope}" scope`);
      err(429, 'rate limit of this token exceeded (Retry-After says when to retry)');
    }
    if (r.method === 'POST') err(413, 'request body larger than http.body_limit_bytes');
    err(500, 'internal error (details only in the service log)');
    (paths[openApiPath(r.url)] ??= {})[r.method.toLowerCase()] = { ...op, responses };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'orglife API',
      version,
      description:
        '组织生活工作预警系统 HTTP 接口：推送组织和会议记录、查询和认领预警、获取体检报告，以及健康检查与指标。\n\n' +
        'Authentication: `Authorization: Bearer <token>`; tokens and their scopes (ingest, read, admin — admin implies ' +
        'the others) come from the ORGLIFE_API_TOKENS environment variable. Errors are `{error: {code, message, details}}`.',
    },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'scopes: ingest, read, admin' } },
      schemas: { Error: errorSchema },
    },
    paths,
  };
}

function params(schema: JsonSchema | undefined, where: 'path' | 'query'): Record<string, unknown>[] {
  const props = (schema?.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((schema?.required as string[] | undefined) ?? []);
  return Object.entries(props).map(([name, s]) => ({
    name,
    in: where,
    required: where === 'path' || required.has(name),
    ...(typeof s.description === 'string' ? { description: s.description } : {}),
    schema: s,
  }));
}

function operationId(r: RouteSpec): string {
  const words = r.url
    .replace(/^\/api\/v1\//, '')
    .replace(/^\//, '')
    .split('/')
    .map((w) => (w.startsWith(':') ? `by-${w.slice(1)}` : w));
  return [r.method.toLowerCase(), ...words].join('-').replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''));
}
