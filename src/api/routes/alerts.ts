/**
 * Alerts: list them (read) and acknowledge one, or every open alert of a branch, with a
 * rectification plan and a deadline (admin) — the same operation as `orglife alerts ack`.
 */
import { acknowledge } from '../../alerts/acknowledge.js';
import { AlertError, type AlertRow } from '../../alerts/types.js';
import { LEVEL_NAMES_ZH, RULE_NAMES_ZH, type RuleId } from '../../domain/types.js';
import { ApiError } from '../errors.js';
import { inScope, requireInScope } from '../scope.js';
import type { ApiDeps, JsonSchema, RouteSpec } from './types.js';

const MAX_LIMIT = 5000;

const alertSchema: JsonSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    org: { type: 'string' },
    orgName: { type: ['string', 'null'] },
    rule: { type: 'string' },
    ruleZh: { type: 'string' },
    period: { type: 'string' },
    state: { type: 'string', enum: ['open', 'acknowledged', 'resolved'] },
    level: { type: 'string', enum: ['reminder', 'warning', 'escalation'] },
    levelZh: { type: 'string' },
    message: { type: 'string' },
    dueAt: { type: 'string', format: 'date-time' },
    openedAt: { type: 'string', format: 'date-time' },
    updatedAt: { type: 'string', format: 'date-time' },
    resolvedAt: { type: ['string', 'null'], format: 'date-time' },
    acknowledgement: {
      type: ['object', 'null'],
      properties: { plan: { type: 'string' }, by: { type: 'string' }, who: { type: ['string', 'null'] }, at: { type: 'string' } },
    },
  },
};

const ackBody: JsonSchema = {
  type: 'object',
  required: ['plan', 'by'],
  additionalProperties: false,
  properties: {
    plan: { type: 'string', minLength: 1, maxLength: 2000, description: '整改计划 / the rectification plan' },
    by: { type: 'string', description: '整改期限 YYYY-MM-DD (Beijing time), today or later' },
    who: { type: 'string', maxLength: 100, description: 'who acknowledges (default: the token name)' },
  },
};

interface AckBody {
  plan: string;
  by: string;
  who?: string;
}

/** The alert routes. */
export function alertRoutes(deps: ApiDeps): RouteSpec[] {
  const ack = async (target: { id: number } | { org: string }, b: AckBody, tokenName: string | undefined) => {
    try {
      const rows = await acknowledge(deps.store, target, { plan: b.plan, by: b.by, who: b.who ?? tokenName ?? '' }, deps.clock());
      return { acknowledged: rows.length, alerts: rows.map(toJson) };
    } catch (e) {
      if (e instanceof AlertError) throw new ApiError(422, 'acknowledge_rejected', e.message);
      throw e;
    }
  };
  return [
    {
      method: 'GET',
      url: '/api/v1/alerts',
      scope: 'read',
      tag: 'alerts',
      summary: '预警列表 / list alerts',
      description: 'Newest first. Default: open and acknowledged alerts only (`state=all` includes resolved ones).',
      schema: {
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            org: { type: 'string', description: 'only this organization code' },
            state: { type: 'string', enum: ['open', 'all'], default: 'open' },
            limit: { type: 'integer', minimum: 1, maximum: MAX_LIMIT, default: 500 },
          },
        },
      },
      responses: { 200: { description: 'the alerts', schema: { type: 'object', properties: { alerts: { type: 'array', items: alertSchema } } } } },
      async handler(request) {
        const q = request.query as { org?: string; state: 'open' | 'all'; limit: number };
        if (q.org && !(await deps.store.orgs.kindOf(q.org))) throw unknownOrg(q.org);
        if (q.org) await requireInScope(deps.store, request, q.org);
        const visible = await inScope(deps.store, request);
        const rows = request.tokenOrg
          ? (await deps.store.alerts.list({ open: q.state !== 'all', ...(q.org ? { org: q.org } : {}) })).filter((a) => visible(a.org)).slice(0, q.limit)
          : await deps.store.alerts.list({ open: q.state !== 'all', ...(q.org ? { org: q.org } : {}), limit: q.limit });
        return { alerts: rows.map(toJson) };
      },
    },
    {
      method: 'POST',
      url: '/api/v1/alerts/:id/acknowledge',
      scope: 'admin',
      tag: 'alerts',
      summary: '认领整改（单条预警）/ acknowledge one alert with a plan and deadline',
      description: 'Until the deadline (end of the `by` day, Beijing time) the alert stays at most a warning and is not repeated.',
      schema: { params: { type: 'object', properties: { id: { type: 'integer', minimum: 1 } }, required: ['id'] }, body: ackBody },
      responses: { 200: { description: 'the acknowledged alert' }, 404: { description: 'no such alert' }, 422: { description: 'bad plan or deadline, or the alert is resolved' } },
      async handler(request) {
        const { id } = request.params as { id: number };
        const alert = await deps.store.alerts.get(id);
        if (!alert) throw new ApiError(404, 'unknown_alert', `预警编号 ${id} 不存在 / no alert with id ${id}`);
        await requireInScope(deps.store, request, alert.org);
        return ack({ id }, request.body as AckBody, request.tokenName);
      },
    },
    {
      method: 'POST',
      url: '/api/v1/orgs/:code/acknowledge',
      scope: 'admin',
      tag: 'alerts',
      summary: '认领整改（支部全部未处理预警）/ acknowledge every open alert of a branch',
      schema: { params: { type: 'object', properties: { code: { type: 'string', minLength: 1 } }, required: ['code'] }, body: ackBody },
      responses: { 200: { description: 'the acknowledged alerts' }, 404: { description: 'unknown organization' }, 422: { description: 'no open alerts, or a bad plan or deadline' } },
      async handler(request) {
        const { code } = request.params as { code: string };
        if (!(await deps.store.orgs.kindOf(code))) throw unknownOrg(code);
        await requireInScope(deps.store, request, code);
        return ack({ org: code }, request.body as AckBody, request.tokenName);
      },
    },
  ];
}

/** 404 for an organization code the database does not know. */
export function unknownOrg(code: string): ApiError {
  return new ApiError(404, 'unknown_org', `未找到组织编码 ${code} / unknown organization code: ${code}`);
}

function toJson(a: AlertRow & { orgName?: string | null }): Record<string, unknown> {
  const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
  return {
    id: a.id,
    org: a.org,
    ...(a.orgName !== undefined ? { orgName: a.orgName } : {}),
    rule: a.rule,
    ruleZh: RULE_NAMES_ZH[a.rule as RuleId] ?? a.rule,
    period: a.period,
    state: a.state,
    level: a.level,
    levelZh: LEVEL_NAMES_ZH[a.level],
    message: a.message,
    dueAt: iso(a.dueAt),
    openedAt: iso(a.openedAt),
    updatedAt: iso(a.updatedAt),
    resolvedAt: iso(a.resolvedAt),
    acknowledgement: a.ackPlan ? { plan: a.ackPlan, by: a.ackBy, who: a.ackWho, at: iso(a.ackAt) } : null,
  };
}
