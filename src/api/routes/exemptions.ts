/**
 * Exemptions (豁免): list them (read), grant one and end one early (admin) — the same operations as
 * `orglife exempt`. A token scoped to an org (`name:admin@C01:secret`) sees and grants exemptions of
 * its subtree only.
 */
import type { FastifyRequest } from 'fastify';
import { ancestry, type Exemption } from '../../domain/exemptions.js';
import { shanghaiDate } from '../../domain/calendar.js';
import { endExemption, ExemptionError, grantExemption, scopeZh } from '../../exemptions/service.js';
import type { Store } from '../../store/port.js';
import { ApiError } from '../errors.js';
import type { ApiDeps, JsonSchema, RouteSpec } from './types.js';

const exemptionSchema: JsonSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    org: { type: 'string' },
    rule: { type: ['string', 'null'] },
    scopeZh: { type: 'string' },
    startsOn: { type: 'string', format: 'date' },
    endsOn: { type: 'string', format: 'date' },
    reason: { type: 'string' },
    approver: { type: 'string' },
    createdBy: { type: 'string' },
    createdAt: { type: 'string', format: 'date-time' },
    endedAt: { type: ['string', 'null'], format: 'date-time' },
    endedBy: { type: ['string', 'null'] },
    endNote: { type: ['string', 'null'] },
  },
};

const grantBody: JsonSchema = {
  type: 'object',
  required: ['org', 'from', 'to', 'reason', 'approver'],
  additionalProperties: false,
  properties: {
    org: { type: 'string', minLength: 1, maxLength: 64, description: '组织编码（党委含其下全部组织）/ org code (a committee covers its subtree)' },
    rule: { type: ['string', 'null'], description: '只豁免此规则；缺省为全部规则 / one rule id, or every rule' },
    from: { type: 'string', description: '开始日期 YYYY-MM-DD（北京时间）/ first day' },
    to: { type: 'string', description: '结束日期 YYYY-MM-DD（含当天），最长见 exemptions.max_days / last day, inclusive' },
    reason: { type: 'string', minLength: 1, maxLength: 200 },
    approver: { type: 'string', minLength: 1, maxLength: 200 },
    by: { type: 'string', maxLength: 100, description: 'who records it (default: the token name)' },
  },
};

function toJson(e: Exemption): Record<string, unknown> {
  const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
  return { ...e, scopeZh: scopeZh(e), createdAt: iso(e.createdAt), endedAt: iso(e.endedAt) };
}

/** Whether `code` is inside the subtree of the request's token (true without a scoped token). */
async function scopeCheck(store: Store, request: FastifyRequest, now: number): Promise<(code: string) => boolean> {
  const scope = request.tokenOrg;
  if (!scope) return () => true;
  const parents = new Map((await store.orgs.list(now)).map((o) => [o.code, o.parent]));
  return (code) => ancestry(code, (c) => parents.get(c)).includes(scope);
}

function rejected(e: unknown): never {
  if (e instanceof ExemptionError) throw new ApiError(e.status === 400 ? 422 : e.status, e.status === 404 ? 'not_found' : e.status === 409 ? 'conflict' : 'exemption_rejected', e.message);
  throw e;
}

export function exemptionRoutes(deps: ApiDeps): RouteSpec[] {
  const outside = (request: FastifyRequest, code: string) =>
    new ApiError(403, 'outside_scope', `令牌只能访问 ${request.tokenOrg} 及其下级组织 / token limited to the subtree of ${request.tokenOrg}: ${code}`);
  return [
    {
      method: 'GET',
      url: '/api/v1/exemptions',
      scope: 'read',
      tag: 'exemptions',
      summary: '豁免列表 / list exemptions',
      description: 'Newest first. Default: those not ended early whose last day is today or later (`all=true` for every one).',
      schema: {
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { org: { type: 'string' }, all: { type: 'boolean', default: false } },
        },
      },
      responses: { 200: { description: 'the exemptions', schema: { type: 'object', properties: { exemptions: { type: 'array', items: exemptionSchema } } } } },
      async handler(request) {
        const q = request.query as { org?: string; all: boolean };
        const visible = await scopeCheck(deps.store, request, deps.clock());
        if (q.org && !visible(q.org)) throw outside(request, q.org);
        const list = await deps.store.exemptions.list({ ...(q.org ? { org: q.org } : {}), ...(q.all ? { all: true } : { since: shanghaiDate(deps.clock()) }) });
        return { exemptions: list.filter((e) => visible(e.org)).map(toJson) };
      },
    },
    {
      method: 'POST',
      url: '/api/v1/exemptions',
      scope: 'admin',
      tag: 'exemptions',
      summary: '新增豁免 / grant an exemption',
      description: 'Findings of the org and its subtree (one rule or all) falling due in the covered days, or while it is in force, are shown as 已豁免 and not sent.',
      schema: { body: grantBody },
      responses: { 201: { description: 'the exemption', schema: exemptionSchema }, 404: { description: 'unknown organization' }, 422: { description: 'bad rule, dates, length or text' } },
      async handler(request, reply) {
        const b = request.body as { org: string; rule?: string | null; from: string; to: string; reason: string; approver: string; by?: string };
        if (!(await scopeCheck(deps.store, request, deps.clock()))(b.org)) throw outside(request, b.org);
        try {
          const e = await grantExemption(deps.store, deps.config(), { org: b.org, rule: b.rule ?? null, from: b.from, to: b.to, reason: b.reason, approver: b.approver }, b.by ?? request.tokenName ?? 'api', deps.clock());
          reply.code(201);
          return toJson(e);
        } catch (e) {
          rejected(e);
        }
      },
    },
    {
      method: 'POST',
      url: '/api/v1/exemptions/:id/end',
      scope: 'admin',
      tag: 'exemptions',
      summary: '提前结束豁免 / end an exemption early',
      schema: {
        params: { type: 'object', properties: { id: { type: 'integer', minimum: 1 } }, required: ['id'] },
        body: { type: 'object', additionalProperties: false, properties: { note: { type: 'string', maxLength: 200 }, by: { type: 'string', maxLength: 100 } } },
      },
      responses: { 200: { description: 'the ended exemption', schema: exemptionSchema }, 404: { description: 'no such exemption' }, 409: { description: 'ended already' } },
      async handler(request) {
        const { id } = request.params as { id: number };
        const b = (request.body ?? {}) as { note?: string; by?: string };
        const e = await deps.store.exemptions.get(id);
        if (!e) throw new ApiError(404, 'not_found', `没有编号为 ${id} 的豁免 / no exemption ${id}`);
        if (!(await scopeCheck(deps.store, request, deps.clock()))(e.org)) throw outside(request, e.org);
        try {
          return toJson(await endExemption(deps.store, id, b.by ?? request.tokenName ?? 'api', b.note ?? null, deps.clock()));
        } catch (err) {
          rejected(err);
        }
      },
    },
  ];
}
