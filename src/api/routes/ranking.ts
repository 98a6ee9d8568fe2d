/**
 * The 大比武 ranking board as JSON: the same board the console shows (src/app/ranking.ts) — a stored
 * period's branch reports, or `live` (实时): the running month from the live figures that the
 * evaluate tick and each re-evaluation keep — filtered, sorted and paged. A wall display or another
 * system polls it; a token limited to a committee sees the branches of its subtree only.
 */
import { DOMAINS } from '../../domain/types.js';
import { boardPage, boardPeriods, hasLiveBoard, LIVE_PERIOD, rankingBoard } from '../../app/ranking.js';
import { orgTreeOf } from '../../app/org-tree.js';
import { ApiError } from '../errors.js';
import { requireInScope } from '../scope.js';
import { unknownOrg } from './alerts.js';
import type { ApiDeps, JsonSchema, RouteSpec } from './types.js';

const MAX_LIMIT = 5000;

const rowSchema: JsonSchema = {
  type: 'object',
  properties: {
    position: { type: ['integer', 'null'], description: 'place in this filtered, sorted view (ties share it)' },
    org: { type: 'string' },
    name: { type: 'string' },
    parent: { type: ['string', 'null'] },
    parentName: { type: ['string', 'null'] },
    domain: { type: ['string', 'null'] },
    score: { type: ['number', 'null'] },
    value: { type: ['number', 'null'], description: 'the sorted value (score, a category or an indicator)' },
    grade: { type: ['string', 'null'] },
    colour: { type: ['string', 'null'], enum: ['red', 'yellow', 'green', null] },
    stars: { type: ['integer', 'null'] },
    vetoed: { type: 'boolean' },
    rank: { type: ['integer', 'null'], description: 'city-wide rank within the domain' },
    rankOf: { type: 'integer' },
    committeeRank: { type: ['integer', 'null'] },
    rankChange: { type: ['integer', 'null'], description: 'places gained since the previous period' },
    scoreChange: { type: ['number', 'null'] },
    categories: { type: 'object', additionalProperties: { type: ['number', 'null'] } },
    indicators: { type: 'object', additionalProperties: { type: ['number', 'null'] } },
  },
};

interface RankingQuery {
  period?: string;
  domain?: string;
  committee?: string;
  sort?: string;
  limit: number;
  offset: number;
}

/** The ranking route. */
export function rankingRoutes(deps: ApiDeps): RouteSpec[] {
  const store = deps.store;
  return [
    {
      method: 'GET',
      url: '/api/v1/ranking',
      scope: 'read',
      tag: 'reports',
      summary: '大比武排名 / the ranking board',
      description:
        'Periods: `live` (实时, the running month, kept current by every evaluation and re-evaluation) or a stored ' +
        'report period (`2026-10`, `2026-Q3`, `2026`). Default: the newest stored period, else `live`. ' +
        'Sort by `score` (default), `category:<id>` or `indicator:<id>`; ties share a position.',
      schema: {
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            period: { type: 'string', minLength: 1, maxLength: 20 },
            domain: { type: 'string', enum: [...DOMAINS], description: 'only branches of this domain' },
            committee: { type: 'string', minLength: 1, description: 'only the direct branches of this committee' },
            sort: { type: 'string', pattern: '^(score|(category|indicator):[a-z0-9_-]+)$', default: 'score' },
            limit: { type: 'integer', minimum: 1, maximum: MAX_LIMIT, default: 100 },
            offset: { type: 'integer', minimum: 0, default: 0 },
          },
        },
      },
      responses: {
        200: {
          description: 'one page of the board',
          schema: {
            type: 'object',
            properties: {
              period: { type: 'string' },
              periodName: { type: 'string' },
              periods: { type: 'array', items: { type: 'string' }, description: 'every period that can be asked for' },
              total: { type: 'integer' },
              offset: { type: 'integer' },
              limit: { type: 'integer' },
              categories: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' }, name: { type: 'string' } } } },
              indicators: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' }, name: { type: 'string' }, category: { type: 'string' } } } },
              rows: { type: 'array', items: rowSchema },
            },
          },
        },
        404: { description: 'no such period (the answer lists those there are), or unknown committee' },
        400: { description: 'unknown sort key' },
      },
      async handler(request) {
        const q = request.query as RankingQuery;
        const stored = await boardPeriods(store);
        const periods = (await hasLiveBoard(store)) ? [LIVE_PERIOD, ...stored] : stored;
        const period = q.period ?? stored[0] ?? periods[0];
        if (!period || !periods.includes(period)) {
          const known = periods.length ? periods.join('、') : '无';
          throw new ApiError(404, 'unknown_period', `没有 ${period ?? ''} 的排名：可选期间为 ${known} / no ranking for period ${period ?? '(none)'}; periods: ${periods.join(', ') || 'none'}`);
        }
        if (q.committee) {
          if (!(await store.orgs.kindOf(q.committee))) throw unknownOrg(q.committee);
          await requireInScope(store, request, q.committee);
        }
        const board = await rankingBoard(store, period, deps.config());
        if (!board) throw new ApiError(404, 'unknown_period', `没有 ${period} 的排名 / no ranking for period ${period}`);
        const sort = q.sort ?? 'score';
        const [kind, id] = sort.split(':');
        if ((kind === 'category' && !board.categories.some((c) => c.id === id)) || (kind === 'indicator' && !board.indicators.some((i) => i.id === id))) {
          throw new ApiError(400, 'unknown_sort', `无法按 ${sort} 排序：没有该${kind === 'category' ? '类别' : '指标'} / cannot sort by ${sort}: no such ${kind}`);
        }
        const scope = request.tokenOrg ? (await orgTreeOf(store)).scopeOf(request.tokenOrg) : null;
        const page = boardPage(
          board,
          { domain: q.domain, committee: q.committee, sort, orgs: scope ? new Set(scope) : null, ...(request.tokenOrg ? { scopeKey: `token:${request.tokenOrg}` } : {}) },
          q.offset,
          q.limit,
        );
        return {
          period: board.period,
          periodName: board.periodName,
          periods,
          total: page.total,
          offset: q.offset,
          limit: q.limit,
          categories: board.categories,
          indicators: board.indicators,
          rows: page.rows,
        };
      },
    },
  ];
}
