/**
 * Organizations: list them (read; `removed=true` for those marked removed) and remove one (admin)
 * — the same operations as `orglife orgs list|remove` (src/app/remove-orgs.ts). A token scoped to an
 * org sees and removes orgs of its subtree only.
 */
import { OrgRemovalError, removeOrg } from '../../app/remove-orgs.js';
import { ApiError } from '../errors.js';
import { inScope, requireInScope } from '../scope.js';
import type { ApiDeps, JsonSchema, RouteSpec } from './types.js';

const orgSchema: JsonSchema = {
  type: 'object',
  properties: {
    code: { type: 'string' },
    name: { type: 'string' },
    kind: { type: 'string', enum: ['committee', 'branch'] },
    parent: { type: ['string', 'null'] },
    removedAt: { type: ['string', 'null'], format: 'date-time' },
    removedReason: { type: ['string', 'null'] },
  },
};

export function orgRoutes(deps: ApiDeps): RouteSpec[] {
  return [
    {
      method: 'GET',
      url: '/api/v1/orgs',
      scope: 'read',
      tag: 'orgs',
      summary: '组织列表 / list organizations',
      description: 'Active orgs by code (`removed=true`: only those marked removed, with when and why).',
      schema: { querystring: { type: 'object', additionalProperties: false, properties: { removed: { type: 'boolean', default: false } } } },
      responses: { 200: { description: 'the orgs', schema: { type: 'object', properties: { orgs: { type: 'array', items: orgSchema } } } } },
      async handler(request) {
        const q = request.query as { removed: boolean };
        const visible = await inScope(deps.store, request);
        if (q.removed) {
          // The console's tree holds active orgs only: a removed org is visible when its parent is.
          const list = await deps.store.orgs.removed();
          const removedCodes = new Set(list.map((o) => o.code));
          const parentOf = new Map(list.map((o) => [o.code, o.parent]));
          const seen = (code: string): boolean => {
            for (let c: string | null | undefined = code, n = 0; c && n < 64; c = parentOf.get(c), n++) {
              if (c === request.tokenOrg) return true;
              if (!removedCodes.has(c)) return visible(c);
            }
            return false;
          };
          return { orgs: list.filter((o) => !request.tokenOrg || seen(o.code)).map((o) => ({ ...o, removedAt: new Date(o.removedAt).toISOString() })) };
        }
        const list = await deps.store.orgs.list(deps.clock());
        return { orgs: list.filter((o) => visible(o.code)).map((o) => ({ code: o.code, name: o.name, kind: o.kind, parent: o.parent, removedAt: null, removedReason: null })) };
      },
    },
    {
      method: 'POST',
      url: '/api/v1/orgs/:code/remove',
      scope: 'admin',
      tag: 'orgs',
      summary: '撤销组织 / remove an organization',
      description:
        'Marks the org removed (kept for history): it is no longer evaluated, ranked, reported or sent to; its open alerts resolve as 组织已撤销 (org-removed). ' +
        'A committee with active child orgs is refused (409) unless `withChildren` is true. Importing the code again re-activates it.',
      schema: {
        params: { type: 'object', properties: { code: { type: 'string', minLength: 1, maxLength: 64 } }, required: ['code'] },
        body: {
          type: 'object',
          additionalProperties: false,
          properties: {
            reason: { type: 'string', maxLength: 200, description: '原因 / reason' },
            withChildren: { type: 'boolean', default: false, description: '连同下级组织一并撤销 / remove the whole subtree' },
            by: { type: 'string', maxLength: 100, description: 'who removes it (default: the token name)' },
          },
        },
      },
      responses: {
        200: { description: 'what was removed', schema: { type: 'object', properties: { removed: { type: 'array', items: { type: 'string' } }, resolvedAlerts: { type: 'integer' } } } },
        404: { description: 'unknown organization' },
        409: { description: 'removed already, or child orgs remain' },
        422: { description: 'bad reason' },
      },
      async handler(request) {
        const { code } = request.params as { code: string };
        const b = (request.body ?? {}) as { reason?: string; withChildren?: boolean; by?: string };
        await requireInScope(deps.store, request, code);
        try {
          return await removeOrg(deps.store, deps.config(), { code, reason: b.reason ?? null, withChildren: !!b.withChildren }, b.by ?? request.tokenName ?? 'api', deps.clock());
        } catch (e) {
          if (e instanceof OrgRemovalError) throw new ApiError(e.status === 400 ? 422 : e.status, e.status === 404 ? 'not_found' : e.status === 409 ? 'conflict' : 'validation_failed', e.message);
          throw e;
        }
      },
    },
  ];
}
