/**
 * The star-rating year over HTTP, the same operations as `orglife rating …`: subsidies (JSON or the
 * payment roll as XLSX), a branch's star history, year-over-year movement, the campaign (status
 * with the engine's estimates; open, step data, advance, objections), weak-branch designations and
 * demonstration sites. Reads need `read`; every change needs `admin` and is recorded under the
 * token's name unless `by` is given. Refusals are bilingual: 404 unknown, 409 out of order or a
 * cap, 422 invalid.
 */
import { shanghaiDate } from '../../domain/calendar.js';
import { advanceCampaign, answerObjection, estimateStars, openCampaign, raiseObjection, recordCityReview, recordCommitteeReview, recordSelfAssessment, starLimits } from '../../rating/campaign-service.js';
import { campaignRows } from '../../rating/campaign-view.js';
import { RatingError } from '../../rating/errors.js';
import { computeMovement, movementCounts } from '../../rating/movement.js';
import { starHistory, starInEffect } from '../../rating/stars.js';
import { computeSubsidies } from '../../rating/subsidies.js';
import { weakProgress } from '../../rating/weak.js';
import { designateWeak } from '../../rating/weak-service.js';
import { paymentRollSheets, sheetsBuffer } from '../../rating/xlsx.js';
import { ApiError } from '../errors.js';
import type { ApiDeps, JsonSchema, RouteSpec } from './types.js';

const STATUS = { not_found: 404, conflict: 409, invalid: 422 } as const;

/** Run an action, turning a RatingError into its HTTP answer. */
async function rated<T>(fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof RatingError) throw new ApiError(STATUS[e.code], `rating_${e.code}`, e.message);
    throw e;
  }
}

const yearParams: JsonSchema = { type: 'object', properties: { year: { type: 'integer', minimum: 1990, maximum: 2100 } }, required: ['year'] };
const yearOrgParams: JsonSchema = {
  type: 'object',
  properties: { year: { type: 'integer', minimum: 1990, maximum: 2100 }, org: { type: 'string', minLength: 1 } },
  required: ['year', 'org'],
};
const by = { type: 'string', minLength: 1, maxLength: 100, description: 'who acts (default: the token name)' };
const scores = { type: 'object', additionalProperties: { type: 'number', minimum: 0, maximum: 100 }, description: 'indicator → score' };
const starBody: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { stars: { type: 'integer', minimum: 1, maximum: 5 }, scores, by },
  required: ['stars'],
};

export function ratingRoutes(deps: ApiDeps): RouteSpec[] {
  const store = () => deps.store;
  const actor = (b: { by?: string } | undefined, token: string | undefined) => ({ by: b?.by ?? token ?? 'api', at: deps.clock() });
  const post = (url: string, summary: string, body: JsonSchema | undefined, params: JsonSchema, run: (p: { year: number; org?: string; id?: number }, b: any, token: string | undefined) => unknown): RouteSpec => ({
    method: 'POST',
    url,
    scope: 'admin',
    tag: 'rating',
    summary,
    schema: { params, ...(body ? { body } : {}) },
    responses: { 200: { description: 'done' }, 404: { description: 'unknown campaign, branch or objection' }, 409: { description: 'out of order, a veto, a cap' }, 422: { description: 'invalid data' } },
    async handler(request) {
      return rated(() => run(request.params as { year: number; org?: string; id?: number }, request.body ?? {}, request.tokenName));
    },
  });
  return [
    {
      method: 'GET',
      url: '/api/v1/rating/:year/subsidies',
      scope: 'read',
      tag: 'rating',
      summary: '书记星级补贴和五星工作经费 / subsidies and five-star funds of a year',
      description: '`format=xlsx` returns the payment roll (发放名册).',
      schema: { params: yearParams, querystring: { type: 'object', additionalProperties: false, properties: { format: { type: 'string', enum: ['json', 'xlsx'] } } } },
      responses: { 200: { description: 'per branch `org`, `subsidy_yuan`, `fund_yuan`, `starsByMonth` …; totals per committee and city' } },
      async handler(request, reply) {
        const { year } = request.params as { year: number };
        const s = store();
        const r = computeSubsidies(await s.rating.branches(), await s.rating.ratings(), await s.rating.starChanges(), year, deps.config().rating);
        if ((request.query as { format?: string }).format === 'xlsx') {
          return reply
            .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
            .header('content-disposition', `attachment; filename="payment-roll-${year}.xlsx"`)
            .send(await sheetsBuffer(paymentRollSheets(r)));
        }
        return r;
      },
    },
    {
      method: 'GET',
      url: '/api/v1/orgs/:org/stars',
      scope: 'read',
      tag: 'rating',
      summary: '星级历程和生效星级 / a branch’s star history and the star in effect',
      schema: { params: { type: 'object', properties: { org: { type: 'string', minLength: 1 } }, required: ['org'] } },
      responses: { 200: { description: '{org, day, stars_in_effect, history}' }, 404: { description: 'unknown branch' } },
      async handler(request) {
        const { org } = request.params as { org: string };
        const s = store();
        if (!(await s.rating.branches()).some((b) => b.code === org)) throw new ApiError(404, 'unknown_org', `未找到党支部 ${org} / unknown branch ${org}`);
        const ratings = (await s.rating.ratings(org)).get(org) ?? [];
        const changes = (await s.rating.starChanges(org)).get(org) ?? [];
        const day = shanghaiDate(deps.clock());
        return { org, day, stars_in_effect: starInEffect(ratings, changes, day), history: starHistory(ratings, changes) };
      },
    },
    {
      method: 'GET',
      url: '/api/v1/rating/:year/movement',
      scope: 'read',
      tag: 'rating',
      summary: '星级升降 / year-over-year movement',
      schema: { params: yearParams },
      responses: { 200: { description: '{branches, committees, domains}' } },
      async handler(request) {
        const { year } = request.params as { year: number };
        const s = store();
        const rows = computeMovement(await s.rating.branches(), await s.rating.ratings(), year);
        return { year, branches: rows, committees: movementCounts(rows, 'committee'), domains: movementCounts(rows, 'domain') };
      },
    },
    {
      method: 'GET',
      url: '/api/v1/rating/:year/campaign',
      scope: 'read',
      tag: 'rating',
      summary: '评星定级进展 / the campaign: steps beside the engine’s estimate, transitions, objections',
      schema: { params: yearParams },
      responses: { 200: { description: '{campaign, entries, transitions, objections}' }, 404: { description: 'no campaign for the year' } },
      async handler(request) {
        const { year } = request.params as { year: number };
        const s = store();
        const c = await s.rating.campaign(year);
        if (!c) throw new ApiError(404, 'rating_not_found', `${year} 年度评星定级尚未启动 / no rating campaign for ${year}`);
        const now = deps.clock();
        const config = deps.config();
        const branches = new Map((await s.rating.branches()).map((b) => [b.code, b]));
        const entries = campaignRows(await s.rating.campaignEntries(year), branches, await estimateStars(s, config, year, now), await starLimits(s, year, shanghaiDate(now)), config.rating);
        return { campaign: c, entries, transitions: await s.rating.transitions(year), objections: await s.rating.objections(year) };
      },
    },
    post('/api/v1/rating/:year/campaign', '启动评星定级 / open the campaign', { type: 'object', additionalProperties: false, properties: { by } }, yearParams, (p, b, t) => openCampaign(store(), p.year, actor(b, t))),
    post(
      '/api/v1/rating/:year/campaign/advance',
      '进入下一阶段 / move to the next step',
      { type: 'object', additionalProperties: false, properties: { reason: { type: 'string', maxLength: 500 }, by } },
      yearParams,
      (p, b, t) => advanceCampaign(store(), deps.config(), p.year, b.reason ?? null, actor(b, t)),
    ),
    post('/api/v1/rating/:year/entries/:org/self', '支部自评 / a branch’s self-assessment', starBody, yearOrgParams, async (p, b, t) => {
      await recordSelfAssessment(store(), deps.config(), p.year, p.org!, b.stars, b.scores ?? null, actor(b, t));
      return { ok: true };
    }),
    post('/api/v1/rating/:year/entries/:org/committee', '党委考评 / the committee’s scores and proposed star', starBody, yearOrgParams, async (p, b, t) => {
      await recordCommitteeReview(store(), deps.config(), p.year, p.org!, b.stars, b.scores ?? null, actor(b, t));
      return { ok: true };
    }),
    post(
      '/api/v1/rating/:year/entries/:org/city',
      '市级复核 / city review: cancel five-star eligibility or adjust the star',
      {
        type: 'object',
        additionalProperties: false,
        properties: { cancel_five_star: { type: 'boolean' }, stars: { type: 'integer', minimum: 1, maximum: 5 }, reason: { type: 'string', minLength: 1, maxLength: 500 }, by },
        required: ['reason'],
      },
      yearOrgParams,
      async (p, b, t) => {
        if (!!b.cancel_five_star === (b.stars !== undefined)) throw new RatingError('请二选一：cancel_five_star 或 stars', 'give exactly one of cancel_five_star, stars', 'invalid');
        await recordCityReview(store(), deps.config(), p.year, p.org!, b.cancel_five_star ? { cancelFiveStar: true, reason: b.reason } : { stars: b.stars, reason: b.reason }, actor(b, t));
        return { ok: true };
      },
    ),
    post(
      '/api/v1/rating/:year/objections',
      '登记公示异议 / record an objection',
      { type: 'object', additionalProperties: false, properties: { org: { type: 'string', minLength: 1 }, text: { type: 'string', minLength: 1, maxLength: 2000 }, by }, required: ['org', 'text'] },
      yearParams,
      async (p, b, t) => ({ id: await raiseObjection(store(), p.year, b.org, b.text, actor(b, t)) }),
    ),
    post(
      '/api/v1/rating/objections/:id/answer',
      '答复公示异议 / answer an objection',
      { type: 'object', additionalProperties: false, properties: { text: { type: 'string', minLength: 1, maxLength: 2000 }, by }, required: ['text'] },
      { type: 'object', properties: { id: { type: 'integer', minimum: 1 } }, required: ['id'] },
      async (p, b, t) => {
        await answerObjection(store(), p.id!, b.text, actor(b, t));
        return { ok: true };
      },
    ),
    {
      method: 'GET',
      url: '/api/v1/rating/weak',
      scope: 'read',
      tag: 'rating',
      summary: '软弱涣散整顿台账 / weak-and-lax designations',
      schema: { querystring: { type: 'object', additionalProperties: false, properties: { all: { type: 'boolean', default: false } } } },
      responses: { 200: { description: '{designations}' } },
      async handler(request) {
        const all = (request.query as { all?: boolean }).all;
        return { designations: (await store().rating.weakDesignations({ all })).map(({ townshipLeaderPhone: _p, ...d }) => ({ ...d, progress: weakProgress({ ...d, townshipLeaderPhone: null }) })) };
      },
    },
    post(
      '/api/v1/rating/weak',
      '确定软弱涣散基层党组织 / designate a weak and lax branch',
      {
        type: 'object',
        additionalProperties: false,
        properties: { org: { type: 'string', minLength: 1 }, category: { type: 'string', minLength: 1 }, on: { type: 'string' }, reason: { type: 'string', maxLength: 500 }, by },
        required: ['org', 'category', 'on'],
      },
      { type: 'object', properties: {} },
      async (_p, b, t) => ({ id: await designateWeak(store(), { org: b.org, category: b.category, on: b.on, reason: b.reason ?? null, by: actor(b, t).by }, deps.clock()) }),
    ),
    {
      method: 'GET',
      url: '/api/v1/rating/demo-sites',
      scope: 'read',
      tag: 'rating',
      summary: '示范点 / demonstration sites',
      schema: { querystring: { type: 'object', additionalProperties: false, properties: { year: { type: 'integer' } } } },
      responses: { 200: { description: '{sites}' } },
      async handler(request) {
        return { sites: await store().rating.demoSites({ year: (request.query as { year?: number }).year }) };
      },
    },
  ];
}
