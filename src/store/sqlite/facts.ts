/**
 * Queries that load what the rules need, fast enough for a quarter of a million branches: raw
 * better-sqlite3 statements (no ORM row mapping), integer columns only on the hot path, and the
 * covering index meetings(org_id, type, held_at, expected, attended, minutes, lecturer_role), so
 * loading a window never reads the meetings table itself.
 */
import type { Statement } from 'better-sqlite3';
import { DOMAINS, MEETING_TYPES, type Domain, type LecturerRole, type MeetingType, type OrgKind } from '../../domain/types.js';
import type { TallyLayout, TypeWindow } from '../../domain/facts.js';
import { decodeTallies, listedCondition, sliceIndexSql, TYPE_RANK, typeRanges } from '../rows/window-tallies.js';
import type { Db } from './db.js';

import type { BranchRow, LoadedMeeting, OrgHeader } from '../types/facts.js';


const DOMAIN_SET = new Set<string>(DOMAINS);
const LECTURER: (LecturerRole | null)[] = [null, 'secretary', 'other'];

/** Statements are prepared once per connection and reused (preparing costs more than a small query). */
const cache = new WeakMap<object, Map<string, Statement>>();
function stmt(db: Db, sql: string): Statement {
  let byDb = cache.get(db.$client);
  if (!byDb) cache.set(db.$client, (byDb = new Map()));
  let s = byDb.get(sql);
  if (!s) byDb.set(sql, (s = db.$client.prepare(sql)));
  return s;
}

/** An organization by code, or undefined. */
export function findOrgHeader(db: Db, code: string): OrgHeader | undefined {
  return stmt(db, 'SELECT id, code, name, kind, parent FROM orgs WHERE code = ?').get(code) as OrgHeader | undefined;
}

/** Organizations by code (committee names for output). Unknown codes are absent. */
export function orgHeadersByCode(db: Db, codes: readonly string[]): Map<string, OrgHeader> {
  const rows = stmt(db, 'SELECT id, code, name, kind, parent FROM orgs WHERE code IN (SELECT value FROM json_each(?))').all(
    JSON.stringify(codes),
  ) as OrgHeader[];
  return new Map(rows.map((r) => [r.code, r]));
}

/** Ids of every branch, ascending. */
export function allBranchIds(db: Db): number[] {
  return stmt(db, "SELECT id FROM orgs WHERE kind = 'branch' AND removed_at IS NULL ORDER BY id").pluck().all() as number[];
}

/** Ids of the branches at or under an organization (itself if a branch; the whole subtree if a committee). */
export function branchIdsUnder(db: Db, code: string): number[] {
  const sql = `WITH RECURSIVE sub(code) AS (
      SELECT code FROM orgs WHERE code = ?
      UNION SELECT o.code FROM orgs o JOIN sub ON o.parent = sub.code)
    SELECT o.id FROM orgs o JOIN sub ON o.code = sub.code WHERE o.kind = 'branch' AND o.removed_at IS NULL ORDER BY o.id`;
  return stmt(db, sql).pluck().all(code) as number[];
}

/** Ids of the branches at or under any of the orgs, ascending, each once. */
export function branchIdsUnderAny(db: Db, codes: readonly string[]): number[] {
  if (!codes.length) return [];
  const sql = `WITH RECURSIVE sub(code) AS (
      SELECT code FROM orgs WHERE code IN (SELECT value FROM json_each(?))
      UNION SELECT o.code FROM orgs o JOIN sub ON o.parent = sub.code)
    SELECT o.id FROM orgs o JOIN sub ON o.code = sub.code WHERE o.kind = 'branch' AND o.removed_at IS NULL ORDER BY o.id`;
  return stmt(db, sql).pluck().all(JSON.stringify(codes)) as number[];
}

/** The parent committee code of each branch, by id (ids in any order). */
export function branchParents(db: Db, ids: readonly number[]): Map<number, string | null> {
  const sql = 'SELECT id, parent FROM orgs WHERE id IN (SELECT value FROM json_each(?))';
  return new Map(stmt(db, sql).raw().all(JSON.stringify(ids)) as [number, string | null][]);
}

/** Branch rows by id, ascending by id. */
export function branchesByIds(db: Db, ids: readonly number[]): BranchRow[] {
  const sql = `SELECT id, code, name, parent, domain, groups, established_on, elected_on, term_years
    FROM orgs WHERE id IN (SELECT value FROM json_each(?)) AND kind = 'branch' ORDER BY id`;
  const rows = stmt(db, sql).raw().all(JSON.stringify(ids)) as unknown[][];
  return rows.map((r) => ({
    id: r[0] as number,
    code: r[1] as string,
    name: r[2] as string,
    parent: r[3] as string | null,
    domain: DOMAIN_SET.has(r[4] as string) ? (r[4] as Domain) : null,
    groups: (r[5] as number | null) ?? 0,
    establishedOn: r[6] as string | null,
    electedOn: r[7] as string | null,
    termYears: r[8] as number | null,
  }));
}

const MEETING_COLS = `m.held_at, m.expected, m.attended, m.minutes,
  CASE m.lecturer_role WHEN 'secretary' THEN 1 WHEN 'other' THEN 2 ELSE 0 END, m.id`;

function toMeeting(type: MeetingType, r: unknown[], at: number): LoadedMeeting {
  const minutes = r[at + 3] as number | null;
  return {
    id: r[at + 5] as number,
    type,
    heldAt: r[at] as number,
    expected: r[at + 1] as number,
    attended: r[at + 2] as number,
    minutes: minutes === null ? null : minutes !== 0,
    lecturerRole: LECTURER[r[at + 4] as number] ?? null,
  };
}

/**
 * The window query returns one packed integer per meeting instead of five columns: turning SQLite
 * rows into JavaScript values costs per value, and this halves that cost (measured: the window load
 * of 60k branches 3.0 s → 2.0 s). Layout, exact below 2^53:
 * (((expected·2^22 + attended)·3 + minutes)·3 + lecturer)·8 + type, with minutes 0 = no, 1 = yes,
 * 2 = unknown, lecturer 0 = none, 1 = secretary, 2 = other, and head counts capped at 2^22 − 1.
 */
const HEADS = 4_194_304;
const PACKED = `((((min(max(m.expected, 0), ${HEADS - 1}) * ${HEADS} + min(max(m.attended, 0), ${HEADS - 1})) * 3
    + CASE WHEN m.minutes IS NULL THEN 2 WHEN m.minutes = 0 THEN 0 ELSE 1 END) * 3
    + CASE m.lecturer_role WHEN 'secretary' THEN 1 WHEN 'other' THEN 2 ELSE 0 END) * 8 + w.k)`;
const MINUTES: (boolean | null)[] = [false, true, null];

function unpack(types: readonly MeetingType[], heldAt: number, packed: number, id: number): LoadedMeeting {
  let p = packed;
  const k = p % 8;
  p = (p - k) / 8;
  const lecturer = p % 3;
  p = (p - lecturer) / 3;
  const minutes = p % 3;
  p = (p - minutes) / 3;
  const attended = p % HEADS;
  return {
    id,
    type: types[k]!,
    heldAt,
    expected: (p - attended) / HEADS,
    attended,
    minutes: MINUTES[minutes]!,
    lecturerRole: LECTURER[lecturer] ?? null,
  };
}

function push(map: Map<number, LoadedMeeting[]>, orgId: number, m: LoadedMeeting): void {
  const list = map.get(orgId);
  if (list) list.push(m);
  else map.set(orgId, [m]);
}

/**
 * Meetings of the given branches inside the rules' load window (rules/window.ts: per type, every
 * meeting from `all`, and lectures by the secretary from the earlier `from`), up to `until`.
 * Types absent from `window` are not loaded. One statement per call: SQLite seeks the covering
 * index once per (branch, type), so only window rows are read. Grouped by org id.
 */
export function windowMeetings(
  db: Db,
  orgIds: readonly number[],
  window: ReadonlyMap<MeetingType, TypeWindow>,
  until: number,
): Map<number, LoadedMeeting[]> {
  const out = new Map<number, LoadedMeeting[]>();
  const types = MEETING_TYPES.filter((t) => window.has(t));
  if (!types.length || !orgIds.length) return out;
  // The window table is a VALUES list of (type number, type, from, all); CROSS JOIN keeps the
  // nested loop order branch → type → index range, which is what makes each lookup a single seek.
  const values = types.map(() => '(?, ?, ?, ?)').join(', ');
  const sql = `WITH w(k, type, from_at, all_at) AS (VALUES ${values})
    SELECT j.value, m.held_at, ${PACKED}, m.id
    FROM json_each(?) j CROSS JOIN w CROSS JOIN meetings m
    WHERE m.org_id = j.value AND m.type = w.type AND m.held_at >= w.from_at AND m.held_at <= ?
      AND (m.held_at >= w.all_at OR m.lecturer_role = 'secretary')`;
  const params: unknown[] = [];
  types.forEach((t, k) => {
    const w = window.get(t)!;
    // No `all` window (only the secretary's lectures are read): a bound no timestamp reaches.
    params.push(k, t, w.from, Number.isFinite(w.all) ? w.all : Number.MAX_SAFE_INTEGER);
  });
  params.push(JSON.stringify(orgIds), until);
  const rows = stmt(db, sql).raw().all(...params) as unknown[][];
  for (const r of rows) push(out, r[0] as number, unpack(types, r[1] as number, r[2] as number, r[3] as number));
  return out;
}

/**
 * The window of the given branches as counts per slice of `layout` (rows/window-tallies.ts), with
 * the meetings the layout lists read in full (by org id, in the order windowMeetings returns them).
 * One seek per (branch, meeting type) on the covering index, over the type's whole window; the
 * slice of each meeting is computed in SQL from its time. One integer per meeting crosses into
 * JavaScript, and only the few listed meetings become objects.
 */
export function windowTallies(db: Db, orgIds: readonly number[], layout: TallyLayout): { counts: Map<number, Uint32Array>; listed: Map<number, LoadedMeeting[]> } {
  const listed = new Map<number, LoadedMeeting[]>();
  const slices = layout.buckets;
  if (!slices.length || !orgIds.length) return { counts: decodeTallies(orgIds, layout, []).counts, listed };
  const ranges = typeRanges(layout);
  // The types' ranges as a VALUES table; CROSS JOIN keeps the loop order branch → type → index range.
  const values = ranges.map(() => '(?, ?, ?, ?, ?)').join(', ');
  const sql = `WITH t(i, type, s, a, e) AS (VALUES ${values})
    SELECT CASE WHEN ${listedCondition(layout)} THEN -1 - m.id
      ELSE ((j.key * ${slices.length} + ${sliceIndexSql(ranges, 't.i', 'm.held_at')}) * 4 + (m.attended * 2 > m.expected) + 2 * (m.lecturer_role IS 'secretary')) END
    FROM json_each(?) j CROSS JOIN t CROSS JOIN meetings m
    WHERE m.org_id = j.value AND m.type = t.type AND m.held_at >= t.s AND m.held_at < t.e AND (m.held_at >= t.a OR m.lecturer_role = 'secretary')`;
  const params: unknown[] = [];
  ranges.forEach((r, i) => params.push(i, r.type, r.start, r.all, r.end));
  params.push(JSON.stringify(orgIds));
  const codes = stmt(db, sql).pluck().all(...params) as number[];
  const { counts, listed: ids } = decodeTallies(orgIds, layout, codes);
  if (ids.length) {
    const full = `SELECT m.org_id, m.type, ${MEETING_COLS} FROM meetings m WHERE m.id IN (SELECT value FROM json_each(?))
      ORDER BY m.org_id, ${TYPE_RANK}, m.held_at, m.expected, m.attended, m.minutes, m.lecturer_role, m.id`;
    for (const r of stmt(db, full).raw().all(JSON.stringify(ids)) as unknown[][]) push(listed, r[0] as number, toMeeting(r[1] as MeetingType, r, 2));
  }
  return { counts, listed };
}

/** Every meeting of one branch with `since ≤ held_at ≤ until`, any type (re-evaluating older periods). */
export function branchMeetingsBetween(db: Db, orgId: number, since: number, until: number): LoadedMeeting[] {
  const sql = `SELECT m.type, ${MEETING_COLS} FROM meetings m WHERE m.org_id = ? AND m.held_at >= ? AND m.held_at <= ?`;
  const rows = stmt(db, sql).raw().all(orgId, since, until) as unknown[][];
  return rows.map((r) => toMeeting(r[0] as MeetingType, r, 1));
}

/** Every meeting of each branch (org id → since) with `since ≤ held_at ≤ until`, any type, by org id: one statement for a chunk. */
export function branchMeetingsSince(db: Db, since: ReadonlyMap<number, number>, until: number): Map<number, LoadedMeeting[]> {
  const out = new Map<number, LoadedMeeting[]>();
  if (!since.size) return out;
  // CROSS JOIN keeps the pairs as the outer loop: one seek per branch on meetings(org_id, …).
  const sql = `SELECT m.org_id, m.type, ${MEETING_COLS} FROM json_each(?) j CROSS JOIN meetings m
    WHERE m.org_id = json_extract(j.value, '$[0]') AND m.held_at >= json_extract(j.value, '$[1]') AND m.held_at <= ?`;
  for (const r of stmt(db, sql).raw().all(JSON.stringify([...since]), until) as unknown[][]) {
    const org = r[0] as number;
    const m = toMeeting(r[1] as MeetingType, r, 2);
    const list = out.get(org);
    if (list) list.push(m);
    else out.set(org, [m]);
  }
  return out;
}

/** The record ids (the interchange `id`) of meetings by row id. */
export function recordIdsOf(db: Db, rowIds: readonly number[]): Map<number, string> {
  const sql = 'SELECT id, record_id FROM meetings WHERE id IN (SELECT value FROM json_each(?))';
  const rows = stmt(db, sql).raw().all(JSON.stringify(rowIds)) as [number, string][];
  return new Map(rows);
}
