/**
 * Operations endpoints: liveness (/healthz), readiness (/readyz), Prometheus metrics (/metrics),
 * and the admin reload (same as SIGHUP). /openapi.json is added by the server, which knows every route.
 */
import { dependencyUp, metricsRegistry } from '../../metrics.js';
import { ApiError } from '../errors.js';
import { checkReadiness } from '../readiness.js';
import type { ApiDeps, RouteSpec } from './types.js';

/** The operations routes. */
export function opsRoutes(deps: ApiDeps): RouteSpec[] {
  return [
    {
      method: 'GET',
      url: '/healthz',
      scope: null,
      tag: 'ops',
      summary: '存活检查 / liveness',
      description: 'Answers 200 while the process serves HTTP; says nothing about dependencies (see /readyz).',
      responses: { 200: { description: 'alive', schema: { type: 'object', properties: { status: { type: 'string', const: 'ok' } } } } },
      async handler() {
        return { status: 'ok' };
      },
    },
    {
      method: 'GET',
      url: '/readyz',
      scope: null,
      tag: 'ops',
      summary: '就绪检查 / readiness',
      description:
        'Redis and SQLite answer, the workers run, and the last evaluation is not older than one interval of the ' +
        '`schedules.evaluate` cron plus 15 minutes. 503 with the failing checks otherwise (also while shutting down or reloading).',
      responses: {
        200: { description: 'ready; every check with its details' },
        503: { description: 'not ready; `checks` says which dependency failed' },
      },
      async handler(_request, reply) {
        const r = await checkReadiness(deps.readiness);
        for (const [name, c] of Object.entries(r.checks)) dependencyUp.set({ dependency: name }, c.ok ? 1 : 0);
        return reply.code(r.ready ? 200 : 503).send({ status: r.ready ? 'ready' : 'not_ready', checks: r.checks, ...(r.store ? { store: r.store } : {}), ...(r.warnings.length ? { warnings: r.warnings } : {}) });
      },
    },
    {
      method: 'GET',
      url: '/metrics',
      scope: null,
      tag: 'ops',
      summary: 'Prometheus 指标 / metrics',
      description: 'Prometheus text format; every name starts with `orglife_`.',
      responses: { 200: { description: 'metrics', contentType: 'text/plain; version=0.0.4' } },
      async handler(_request, reply) {
        const text = await metricsRegistry.metrics();
        return reply.type(metricsRegistry.contentType).send(text);
      },
    },
    {
      method: 'POST',
      url: '/api/v1/admin/reload',
      scope: 'admin',
      tag: 'ops',
      summary: '重新加载配置 / reload the configuration (like SIGHUP)',
      description: 'Validates the configuration first: a bad one is rejected (422, every error listed) and the running one kept.',
      responses: { 200: { description: 'reloaded; schedules re-armed' }, 422: { description: 'invalid configuration; nothing changed' } },
      async handler() {
        if (!deps.reload) throw new ApiError(501, 'not_supported', '此进程不支持重新加载 / this process cannot reload');
        const r = await deps.reload();
        if (!r.ok) {
          throw new ApiError(422, 'invalid_config', `配置无效，仍使用原配置 / invalid configuration, the running one is kept (${r.issues.length})`, r.issues);
        }
        return { status: 'reloaded', files: r.files };
      },
    },
  ];
}
