/**
 * PostgreSQL queries that load what the rules need (mirror of the SQLite module): branches by id,
 * and the meetings inside the rules' window, read from the covering index
 * meetings(org_id, type, held_at, expected, attended, minutes, lecturer_role). Rows come back as
 * arrays, and each meeting as one packed integer (the same layout as SQLite's), so the driver
 * parses four values a meeting instead of seven.
 */
import { DOMAINS, MEETING_TYPES, type Domain, type LecturerRole, type MeetingType } from '../../domain/types.js';
import type { TypeWindow } from '../../rules/index.js';
import type { BranchRow, LoadedMeeting, OrgHeader } from '../sqlite/facts.js';
import { arrays, one, rows, type Q } from './q.js';

const DOMAIN_SET = new Set<string>(DOMAINS);
const LECTURER: (LecturerRole | null)[] = [null, 'secretary', 'other'];
const HEADS = 4_194_304;
const MINUTES: (boolean | null)[] = [false, true, null];

export async function findOrgHeader(q: Q, code: string): Promise<OrgHeader | undefined> {
  return one<OrgHeader>(q, 'SELECT id, code, name, kind, parent FROM orgs WHERE code = $1', [code]);
}

export async function orgHeadersByCode(q: Q, codes: readonly string[]): Promise<Map<string, OrgHeader>> {
  const r = await rows<OrgHeader>(q, 'SELECT id, code, name, kind, parent FROM orgs WHERE code = ANY($1::text[])', [codes]);
  return new Map(r.map((x) => [x.code, x]));
}

export async function allBranchIds(q: Q): Promise<number[]> {
  return (await arrays<[number]>(q, "SELECT id FROM orgs WHERE kind = 'branch' AND removed_at IS NULL ORDER BY id")).map((r) => r[0]);
}

export async function branchIdsUnder(q: Q, code: string): Promise<number[]> {
  const sql = `WITH RECURSIVE sub(code) AS (
      SELECT code FROM orgs WHERE code = $1
      UNION SELECT o.code FROM orgs o JOIN sub ON o.parent = sub.code)
    SELECT o.id FROM orgs o JOIN sub ON o.code = sub.code WHERE o.kind = 'branch' AND o.removed_at IS NULL ORDER BY o.id`;
  return (await arrays<[number]>(q, sql, [code])).map((r) => r[0]);
}

export async function branchIdsUnderAny(q: Q, codes: readonly string[]): Promise<number[]> {
  if (!codes.length) return [];
  const sql = `WITH RECURSIVE sub(code) AS (
      SELECT code FROM orgs WHERE code = ANY($1::text[])
      UNION SELECT o.code FROM orgs o JOIN sub ON o.parent = sub.code)
    SELECT o.id FROM orgs o JOIN sub ON o.code = sub.code WHERE o.kind = 'branch' AND o.removed_at IS NULL ORDER BY o.id`;
  return (await arrays<[number]>(q, sql, [codes])).map((r) => r[0]);
}

export async function branchParents(q: Q, ids: readonly number[]): Promise<Map<number, string | null>> {
  return new Map(await arrays<[number, string | null]>(q, 'SELECT id, parent FROM orgs WHERE id = ANY($1::int[])', [ids]));
}

export async function branchesByIds(q: Q, ids: readonly number[]): Promise<BranchRow[]> {
  const r = await arrays<unknown[]>(
    q,
    `SELECT id, code, name, parent, domain, groups, established_on, elected_on, term_years
       FROM orgs WHERE id = ANY($1::int[]) AND kind = 'branch' ORDER BY id`,
    [ids],
  );
  return r.map((x) => ({
    id: x[0] as number,
    code: x[1] as string,
    name: x[2] as string,
    parent: x[3] as string | null,
    domain: DOMAIN_SET.has(x[4] as string) ? (x[4] as Domain) : null,
    groups: (x[5] as number | null) ?? 0,
    establishedOn: x[6] as string | null,
    electedOn: x[7] as string | null,
    termYears: x[8] as number | null,
  }));
}

const PACKED = `((((least(greatest(m.expected, 0), ${HEADS - 1})::int8 * ${HEADS} + least(greatest(m.attended, 0), ${HEADS - 1})) * 3
    + CASE WHEN m.minutes IS NULL THEN 2 WHEN m.minutes = 0 THEN 0 ELSE 1 END) * 3
    + CASE m.lecturer_role WHEN 'secretary' THEN 1 WHEN 'other' THEN 2 ELSE 0 END) * 8 + w.k)`;

function unpack(types: readonly MeetingType[], heldAt: number, packed: number, id: number): LoadedMeeting {
  let p = packed;
  const k = p % 8;
  p = (p - k) / 8;
  const lecturer = p % 3;
  p = (p - lecturer) / 3;
  const minutes = p % 3;
  p = (p - minutes) / 3;
  const attended = p % HEADS;
  return { id, type: types[k]!, heldAt, expected: (p - attended) / HEADS, attended, minutes: MINUTES[minutes]!, lecturerRole: LECTURER[lecturer] ?? null };
}

/** Meetings of the given branches inside the rules' load window, up to `until`, grouped by org id. */
export async function windowMeetings(
  q: Q,
  orgIds: readonly number[],
  window: ReadonlyMap<MeetingType, TypeWindow>,
  until: number,
): Promise<Map<number, LoadedMeeting[]>> {
  const out = new Map<number, LoadedMeeting[]>();
  const types = MEETING_TYPES.filter((t) => window.has(t));
  if (!types.length || !orgIds.length) return out;
  const froms: number[] = [];
  const alls: number[] = [];
  for (const t of types) {
    const w = window.get(t)!;
    froms.push(w.from);
    alls.push(Number.isFinite(w.all) ? w.all : Number.MAX_SAFE_INTEGER);
  }
  // One index-only scan of the chunk's range of the covering index (the ids' min..max bound helps the
  // planner see it is a range), the types joined as a four-row table.
  let lo = Infinity;
  let hi = -Infinity;
  for (const id of orgIds) {
    if (id < lo) lo = id;
    if (id > hi) hi = id;
  }
  const sql = `SELECT m.org_id, m.held_at, ${PACKED}, m.id
    FROM meetings m JOIN unnest($2::text[], $3::int8[], $4::int8[], $7::int[]) AS w(type, from_at, all_at, k) ON m.type = w.type
    WHERE m.org_id BETWEEN $5 AND $6 AND m.org_id = ANY($1::int[]) AND m.held_at >= w.from_at AND m.held_at <= $8
      AND (m.held_at >= w.all_at OR m.lecturer_role = 'secretary')`;
  const r = await arrays<[number, number, number, number]>(q, sql, [orgIds, types, froms, alls, lo, hi, types.map((_, k) => k), until]);
  for (const [org, heldAt, packed, id] of r) {
    const m = unpack(types, heldAt, packed, id);
    const list = out.get(org);
    if (list) list.push(m);
    else out.set(org, [m]);
  }
  return out;
}

export async function branchMeetingsBetween(q: Q, orgId: number, since: number, until: number): Promise<LoadedMeeting[]> {
  const r = await arrays<[MeetingType, number, number, number, number | null, number, number]>(
    q,
    `SELECT m.type, m.held_at, m.expected, m.attended, m.minutes,
            CASE m.lecturer_role WHEN 'secretary' THEN 1 WHEN 'other' THEN 2 ELSE 0 END, m.id
       FROM meetings m WHERE m.org_id = $1 AND m.held_at >= $2 AND m.held_at <= $3`,
    [orgId, since, until],
  );
  return r.map(([type, heldAt, expected, attended, minutes, lecturer, id]) => ({
    id,
    type,
    heldAt,
    expected,
    attended,
    minutes: minutes === null ? null : minutes !== 0,
    lecturerRole: LECTURER[lecturer] ?? null,
  }));
}

/** Every meeting of each branch (org id → since) with since ≤ held_at ≤ until, any type, by org id. */
export async function branchMeetingsSince(q: Q, since: ReadonlyMap<number, number>, until: number): Promise<Map<number, LoadedMeeting[]>> {
  const out = new Map<number, LoadedMeeting[]>();
  if (!since.size) return out;
  const r = await arrays<[number, MeetingType, number, number, number, number | null, number, number]>(
    q,
    `SELECT m.org_id, m.type, m.held_at, m.expected, m.attended, m.minutes,
            CASE m.lecturer_role WHEN 'secretary' THEN 1 WHEN 'other' THEN 2 ELSE 0 END, m.id
       FROM unnest($1::int[], $2::int8[]) AS j(o, since) JOIN meetings m ON m.org_id = j.o AND m.held_at >= j.since AND m.held_at <= $3`,
    [[...since.keys()], [...since.values()], until],
  );
  for (const [org, type, heldAt, expected, attended, minutes, lecturer, id] of r) {
    const m: LoadedMeeting = { id, type, heldAt, expected, attended, minutes: minutes === null ? null : minutes !== 0, lecturerRole: LECTURER[lecturer] ?? null };
    const list = out.get(org);
    if (list) list.push(m);
    else out.set(org, [m]);
  }
  return out;
}

export async function recordIdsOf(q: Q, rowIds: readonly number[]): Promise<Map<number, string>> {
  return new Map(await arrays<[number, string]>(q, 'SELECT id, record_id FROM meetings WHERE id = ANY($1::int[])', [rowIds]));
}
