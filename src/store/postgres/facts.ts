/**
 * PostgreSQL queries that load what the rules need (mirror of the SQLite module): branches by id,
 * and the meetings inside the rules' window, read from the covering index
 * meetings(org_id, type, held_at, expected, attended, minutes, lecturer_role). Rows come back as
 * arrays, and each meeting as one packed integer (the same layout as SQLite's), so the driver
 * parses four values a meeting instead of seven.
 */
import { DOMAINS, MEETING_TYPES, type Domain, type LecturerRole, type MeetingType } from '../../domain/types.js';
import type { TallyLayout, TypeWindow } from '../../domain/facts.js';
import { byTypeSql, decodeTallies, decodeTallyText, listedCondition, oneRangePerType, sliceIndexByTypeSql, TYPE_RANK, typeRanges } from '../rows/window-tallies.js';
import type { BranchRow, LoadedMeeting, OrgHeader } from '../types/facts.js';
import { branchIdsBelow } from './org-tree.js';
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
  return branchIdsBelow(q, [code]);
}

export async function branchIdsUnderAny(q: Q, codes: readonly string[]): Promise<number[]> {
  return branchIdsBelow(q, codes);
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

/**
 * The window as counts per slice of `layout` (rows/window-tallies.ts), the listed meetings read in
 * full. The server codes each meeting of the chunk's covering-index range and joins the codes into
 * one text value: one row crosses the wire per chunk, not one per meeting.
 */
export async function windowTallies(q: Q, orgIds: readonly number[], layout: TallyLayout): Promise<{ counts: Map<number, Uint32Array>; listed: Map<number, LoadedMeeting[]> }> {
  const listed = new Map<number, LoadedMeeting[]>();
  const slices = layout.buckets;
  if (!slices.length || !orgIds.length) return { counts: decodeTallies(orgIds, layout, []).counts, listed };
  let lo = Infinity;
  let hi = -Infinity;
  for (const id of orgIds) {
    if (id < lo) lo = id;
    if (id > hi) hi = id;
  }
  // One range per meeting type (rows/window-tallies.ts typeRanges), the slice computed from held_at.
  const ranges = typeRanges(layout);
  // Coded by org id, not by the org's place in the list: joining the list WITH ORDINALITY for the
  // place let a planner without fresh statistics pick a nested loop comparing every meeting with
  // every listed org (0.2 s a chunk for 500 scattered branches); the place is looked up below.
  // The listed meetings come back in the same statement, in full (every field is in the covering
  // index), in the order of the full window read: no second round trip, no read by row id.
  // One pass, no subquery: a subquery's column used by several aggregates is inlined into each of
  // them, so the code was computed three times a meeting; here each meeting's code is computed only
  // when it is counted (`IS NOT TRUE`: a NULL condition counts, as CASE WHEN did).
  // The range and slice follow from the meeting's type in the scan itself (CASE on m.type, the
  // layout's bounds inline; tallyLayout cuts each type's window into contiguous slices, so one range
  // per type): no join with a table of ranges, whose hash probe and join filter ran over every index
  // entry of the chunk's range, most of them outside the window (~8% of the statement's server time).
  if (!oneRangePerType(ranges)) throw new Error('tally layout: a meeting type with two ranges');
  const listedSql = listedCondition(layout);
  const at = (f: (t: (typeof ranges)[number]) => number) => byTypeSql(ranges, 'm.type', (t) => String(f(t)));
  const code = `(m.org_id::int8 * ${slices.length} + ${sliceIndexByTypeSql(ranges, 'm.type', 'm.held_at')}) * 4 + (m.attended * 2 > m.expected)::int + 2 * (m.lecturer_role IS NOT DISTINCT FROM 'secretary')::int`;
  const from = `FROM meetings m
      WHERE m.org_id BETWEEN $2 AND $3 AND m.org_id = ANY($1::int[])
        AND m.held_at >= ${at((t) => t.start)} AND m.held_at < ${at((t) => t.end)} AND (m.held_at >= ${at((t) => t.all)} OR m.lecturer_role = 'secretary')`;
  const sql = `SELECT string_agg((${code})::text, ',') FILTER (WHERE ${listedSql} IS NOT TRUE),
        string_agg(concat_ws(' ', m.org_id, m.type, m.held_at, m.expected, m.attended, coalesce(m.minutes::text, 'n'),
            CASE m.lecturer_role WHEN 'secretary' THEN 1 WHEN 'other' THEN 2 ELSE 0 END, m.id), ','
          ORDER BY m.org_id, ${TYPE_RANK}, m.held_at, m.expected, m.attended, m.minutes, m.lecturer_role, m.id) FILTER (WHERE ${listedSql})
      ${from}`;
  const r = await arrays<[string | null, string | null]>(q, sql, [orgIds, lo, hi]);
  const counts = decodeTallyText(orgIds, layout, r[0]?.[0]);
  const full = r[0]?.[1];
  if (full) {
    for (const row of full.split(',')) {
      const [org, type, heldAt, expected, attended, minutes, lecturer, id] = row.split(' ');
      const m: LoadedMeeting = {
        id: Number(id),
        type: type as MeetingType,
        heldAt: Number(heldAt),
        expected: Number(expected),
        attended: Number(attended),
        minutes: minutes === 'n' ? null : minutes !== '0',
        lecturerRole: LECTURER[Number(lecturer)] ?? null,
      };
      const o = Number(org);
      const list = listed.get(o);
      if (list) list.push(m);
      else listed.set(o, [m]);
    }
  }
  return { counts, listed };
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

/**
 * Every meeting of each branch (org id → since) with since ≤ held_at ≤ until, any type, by org id:
 * one index range per branch (LATERAL, kept a subquery by OFFSET 0 so the planner cannot flatten it
 * back into a join), whatever the statistics say; as a join, a table never analyzed (autovacuum off)
 * was scanned whole for 135 branches (0.3 s at 20,000).
 */
export async function branchMeetingsSince(q: Q, since: ReadonlyMap<number, number>, until: number): Promise<Map<number, LoadedMeeting[]>> {
  const out = new Map<number, LoadedMeeting[]>();
  if (!since.size) return out;
  const r = await arrays<[number, MeetingType, number, number, number, number | null, number, number]>(
    q,
    `SELECT m.org_id, m.type, m.held_at, m.expected, m.attended, m.minutes,
            CASE m.lecturer_role WHEN 'secretary' THEN 1 WHEN 'other' THEN 2 ELSE 0 END, m.id
       FROM unnest($1::int[], $2::int8[]) AS j(o, since)
       CROSS JOIN LATERAL (SELECT * FROM meetings WHERE org_id = j.o AND held_at >= j.since AND held_at <= $3 OFFSET 0) m`,
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
