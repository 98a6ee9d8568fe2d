/**
 * Ingest: push organizations, meeting records, members and sign-ins as JSON — one object, an array, or {records: […]}.
 * Exactly the validation and keyed upsert of `orglife import` (importRecords), all or nothing per
 * request: one bad item rejects the whole request and nothing is written.
 */
import { ImportRejected, importRecords, type ImportIssue } from '../../import/index.js';
import { countIngested } from '../../metrics.js';
import { ApiError } from '../errors.js';
import { requireIngestScope } from '../ingest-scope.js';
import type { ApiDeps, JsonSchema, RouteSpec } from './types.js';

const itemSchema: JsonSchema = { type: 'object', description: 'one record with the interchange keys (English or Chinese)' };

/** Body of an ingest request. */
const ingestBody: JsonSchema = {
  anyOf: [
    itemSchema,
    { type: 'array', items: itemSchema, minItems: 1 },
    {
      type: 'object',
      required: ['records'],
      properties: { records: { type: 'array', items: itemSchema, minItems: 1 } },
      additionalProperties: false,
    },
  ],
};

const resultSchema: JsonSchema = {
  type: 'object',
  properties: {
    table: { type: 'string' },
    rows: { type: 'integer' },
    inserted: { type: 'integer' },
    updated: { type: 'integer' },
    unchanged: { type: 'integer' },
    ignoredColumns: { type: 'array', items: { type: 'string' } },
  },
};

/** The ingest routes. */
export function ingestRoutes(deps: ApiDeps): RouteSpec[] {
  const route = (table: 'orgs' | 'meetings' | 'ratings' | 'star_changes' | 'members' | 'attendance', what: string, keyNote: string): RouteSpec => ({
    method: 'POST',
    url: `/api/v1/${table}`,
    scope: 'ingest',
    tag: 'ingest',
    summary: `推送${what} / push ${table}`,
    description:
      `Same fields, aliases and validation as \`orglife import\` (see the interchange format). ${keyNote} ` +
      'All or nothing: any bad item rejects the request (422) and nothing is written; `details` names each item index and field.',
    // The fields are checked by the importer, which names item and field; the schema only says "JSON object(s)".
    schema: { body: ingestBody },
    responses: {
      200: { description: 'accepted: counts of inserted, updated and unchanged rows', schema: resultSchema },
      422: { description: 'rejected: nothing written; details list every problem (item, field, value, reason)' },
    },
    async handler(request) {
      const rows = rowsOf(request.body);
      await requireIngestScope(deps.store, request, table, rows);
      try {
        let touched: string[] = [];
        const r = await importRecords(deps.store, table, rows, `api:${request.tokenName ?? 'anonymous'}`, { now: deps.clock(), onTouched: (o) => (touched = o) });
        // The records are stored whatever happens next: a re-evaluation that cannot be queued (Redis
        // away) is only logged, and the next scheduled full check judges the branches anyway.
        if (touched.length && deps.reevaluate) {
          await deps.reevaluate(touched).catch((e: unknown) => request.log.warn({ err: e, orgs: touched.length }, 're-evaluation not queued; the next full check covers it'));
        }
        countIngested(table, r);
        request.log.info({ table, token: request.tokenName, rows: r.rows, inserted: r.inserted, updated: r.updated }, 'records ingested');
        return { table: r.table, rows: r.rows, inserted: r.inserted, updated: r.updated, unchanged: r.unchanged, ignoredColumns: r.ignoredColumns };
      } catch (e) {
        if (e instanceof ImportRejected) {
          throw new ApiError(
            422,
            'validation_failed',
            `数据有误，未写入任何记录（共 ${e.total} 处）/ rejected, nothing was written (${e.total} issue${e.total === 1 ? '' : 's'})`,
            { total: e.total, issues: e.issues.map(issueDetail) },
          );
        }
        throw e;
      }
    },
  });
  return [
    route('orgs', '组织', 'Keyed by `code`: an existing code is replaced whole. Parents may come in the same batch.'),
    route('meetings', '会议记录', 'Keyed by `id`: an existing id is replaced whole. `org` must be a branch already known (push orgs first).'),
    route('ratings', '评星定级结果', 'Keyed by (`org`, `year`): the final filed star (1–5) of a year, `rated_on` optional.'),
    route('star_changes', '星级调整', 'Keyed by `id`: a star change during the year (摘星降级; `stars` 0 = removed) with `channel`, `reason`, `evidence`.'),
    route('members', '党员名册', 'Keyed by `id` (member id): an existing member is replaced whole. `org` must be a known branch; `phone` is optional.'),
    route('attendance', '参会签到', 'Keyed by (`meeting`, `member`): an existing sign-in is replaced. The meeting and the member must be known (push them first) and the member must belong to the meeting\'s branch.'),
  ];
}

/** The rows of a body: one object, an array of objects, or {records: [...]}. */
function rowsOf(body: unknown): Record<string, unknown>[] {
  const list = Array.isArray(body) ? body : isObject(body) && Array.isArray(body.records) && Object.keys(body).length === 1 ? body.records : [body];
  if (list.length === 0) throw new ApiError(400, 'empty_batch', '没有记录 / no records in the request');
  const bad = list.findIndex((x) => !isObject(x));
  if (bad >= 0) {
    throw new ApiError(400, 'invalid_request', `第 ${bad} 项不是对象 / item ${bad} is not a JSON object`, [{ item: bad, reason: 'expected an object' }]);
  }
  return list as Record<string, unknown>[];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function issueDetail(i: ImportIssue): Record<string, unknown> {
  return {
    ...(i.item !== undefined ? { item: i.item } : {}),
    ...(i.key || i.column ? { field: i.key ?? i.column } : {}),
    ...(i.column && i.column !== i.key ? { column: i.column } : {}),
    ...(i.value !== undefined ? { value: i.value } : {}),
    reason: i.reasonZh,
    reasonEn: i.reasonEn,
  };
}
