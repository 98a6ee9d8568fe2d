/**
 * Secretaries' leave (请假): list (read), record one and end one early (admin) — the same operations
 * as `orglife leave` (src/exemptions/leaves.ts). While a leave runs, the secretary's messages go to
 * the branch's deputy. A token scoped to an org sees and records leaves of its subtree only.
 */
import type { FastifyRequest } from 'fastify';
import { shanghaiDate } from '../../domain/calendar.js';
import type { SecretaryLeave } from '../../domain/exemptions.js';
import { endLeave, recordLeave } from '../../exemptions/leaves.js';
import { ExemptionError } from '../../exemptions/service.js';
import { ApiError } from '../errors.js';
import { inScope } from '../scope.js';
import type { ApiDeps, JsonSchema, RouteSpec } from './types.js';

const leaveSchema: JsonSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    org: { type: 'string' },
    startsOn: { type: 'string', format: 'date' },
    endsOn: { type: 'string', format: 'date' },
    reason: { type: ['string', 'null'] },
    createdBy: { type: 'string' },
    createdAt: { type: 'string', format: 'date-time' },
    endedAt: { type: ['string', 'null'], format: 'date-time' },
    endedBy: { type: ['string', 'null'] },
    deputy: { type: ['string', 'null'], description: '请假期间代收提醒的副书记（仅新增时返回）/ the deputy who receives the messages meanwhile (on record only)' },
  },
};

const recordBody: JsonSchema = {
  type: 'object',
  required: ['org', 'from', 'to'],
  additionalProperties: false,
  properties: {
    org: { type: 'string', minLength: 1, maxLength: 64, description: '支部编码 / branch code' },
    from: { type: 'string', description: '开始日期 YYYY-MM-DD（北京时间）/ first day' },
    to: { type: 'string', description: '结束日期 YYYY-MM-DD（含当天），最长 366 天 / last day, inclusive' },
    reason: { type: ['string', 'null'], maxLength: 200 },
    by: { type: 'string', maxLength: 100, description: 'who records it (default: the token name)' },
  },
};

function toJson(l: SecretaryLeave, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
  return { ...l, createdAt: iso(l.createdAt), endedAt: iso(l.endedAt), ...extra };
}

function rejected(e: unknown): never {
  if (e instanceof ExemptionError) throw new ApiError(e.status === 400 ? 422 : e.status, e.status === 404 ? 'not_found' : e.status === 409 ? 'conflict' : 'leave_rejected', e.message);
  throw e;
}

export function leaveRoutes(deps: ApiDeps): RouteSpec[] {
  const outside = (request: FastifyRequest, code: string) =>
    new ApiError(403, 'outside_scope', `令牌只能访问 ${request.tokenOrg} 及其下级组织 / token limited to the subtree of ${request.tokenOrg}: ${code}`);
  return [
    {
      method: 'GET',
      url: '/api/v1/leaves',
      scope: 'read',
      tag: 'leaves',
      summary: '请假列表 / list secretaries\' leaves',
      description: 'Newest first. Default: those not ended early whose last day is today or later (`all=true` for every one).',
      schema: { querystring: { type: 'object', additionalProperties: false, properties: { org: { type: 'string' }, all: { type: 'boolean', default: false } } } },
      responses: { 200: { description: 'the leaves', schema: { type: 'object', properties: { leaves: { type: 'array', items: leaveSchema } } } } },
      async handler(request) {
        const q = request.query as { org?: string; all: boolean };
        const visible = await inScope(deps.store, request);
        if (q.org && !visible(q.org)) throw outside(request, q.org);
        const list = await deps.store.leaves.list({ ...(q.org ? { org: q.org } : {}), ...(q.all ? { all: true } : { since: shanghaiDate(deps.clock()) }) });
        return { leaves: list.filter((l) => visible(l.org)).map((l) => toJson(l)) };
      },
    },
    {
      method: 'POST',
      url: '/api/v1/leaves',
      scope: 'admin',
      tag: 'leaves',
      summary: '登记书记请假 / record a secretary\'s leave',
      description: 'While it runs, the messages for the branch secretary go to the deputy (org columns deputy*); without a reachable deputy they still go to the secretary.',
      schema: { body: recordBody },
      responses: { 201: { description: 'the leave', schema: leaveSchema }, 404: { description: 'unknown organization' }, 422: { description: 'bad dates, length or text' } },
      async handler(request, reply) {
        const b = request.body as { org: string; from: string; to: string; reason?: string | null; by?: string };
        if (!(await inScope(deps.store, request))(b.org)) throw outside(request, b.org);
        try {
          const { leave, deputy } = await recordLeave(deps.store, { org: b.org, from: b.from, to: b.to, reason: b.reason ?? null }, b.by ?? request.tokenName ?? 'api', deps.clock());
          reply.code(201);
          return toJson(leave, { deputy });
        } catch (e) {
          rejected(e);
        }
      },
    },
    {
      method: 'POST',
      url: '/api/v1/leaves/:id/end',
      scope: 'admin',
      tag: 'leaves',
      summary: '提前结束请假 / end a leave early',
      schema: {
        params: { type: 'object', properties: { id: { type: 'integer', minimum: 1 } }, required: ['id'] },
        body: { type: 'object', additionalProperties: false, properties: { by: { type: 'string', maxLength: 100 } } },
      },
      responses: { 200: { description: 'the ended leave', schema: leaveSchema }, 404: { description: 'no such leave' }, 409: { description: 'ended already' } },
      async handler(request) {
        const { id } = request.params as { id: number };
        const b = (request.body ?? {}) as { by?: string };
        const l = await deps.store.leaves.get(id);
        if (!l) throw new ApiError(404, 'not_found', `id：没有编号为 ${id} 的请假记录 / no leave ${id}`);
        if (!(await inScope(deps.store, request))(l.org)) throw outside(request, l.org);
        try {
          return toJson(await endLeave(deps.store, id, b.by ?? request.tokenName ?? 'api', deps.clock()));
        } catch (e) {
          rejected(e);
        }
      },
    },
  ];
}
