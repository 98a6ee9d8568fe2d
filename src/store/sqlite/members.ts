/**
 * Queries on the roster (党员名册) for the importer, the rules and the reports: the keyed upsert,
 * and bulk loads per chunk of branches (raw statements, one per chunk, like facts.ts).
 */
import type { Statement } from 'better-sqlite3';
import type { MemberStatus } from '../../domain/members.js';
import { MEETING_TYPES, type MeetingType } from '../../domain/types.js';
import type { MeetingDetail, MemberCounts, RosterMember, StoredMember, TrackedMeeting, TrackedParticipation } from '../types/members.js';
import type { Db } from './db.js';
import { signInsOf, tookPartIn, unpackMonths } from '../rows/attendance-codec.js';
import { MEETING_DETAILED } from '../rows/meeting-detailed.js';

const cache = new WeakMap<object, Map<string, Statement>>();
function stmt(db: Db, sql: string): Statement {
  let byDb = cache.get(db.$client);
  if (!byDb) cache.set(db.$client, (byDb = new Map()));
  let s = byDb.get(sql);
  if (!s) byDb.set(sql, (s = db.$client.prepare(sql)));
  return s;
}

/** Rosters of the given branches (org ids), grouped by org id, by member id within each. */
export function rostersOf(db: Db, orgIds: readonly number[]): Map<number, RosterMember[]> {
  const out = new Map<number, RosterMember[]>();
  if (!orgIds.length) return out;
  const sql = `SELECT m.org_id, m.id, m.member_id, m.name, m.status, m.joined_on, m.full_on, m.left_on, m.months
    FROM json_each(?) j JOIN members m ON m.org_id = j.value ORDER BY m.org_id, m.member_id`;
  for (const r of stmt(db, sql).raw().all(JSON.stringify(orgIds)) as unknown[][]) {
    const org = r[0] as number;
    let list = out.get(org);
    if (!list) out.set(org, (list = []));
    list.push({
      row: r[1] as number,
      id: r[2] as string,
      name: r[3] as string,
      status: r[4] as MemberStatus,
      joinedOn: r[5] as string,
      fullOn: r[6] as string | null,
      leftOn: r[7] as string | null,
      months: unpackMonths(r[8] as string | null),
    });
  }
  return out;
}

/** Per branch (org id), the time of its first tracked meeting held at or before `until`; absent = none. */
export function firstTrackedAt(db: Db, orgIds: readonly number[], until: number): Map<number, number> {
  if (!orgIds.length) return new Map();
  const sql = `SELECT j.value, (SELECT min(a.held_at) FROM attendance a WHERE a.org_id = j.value AND a.held_at <= ?) AS first
    FROM json_each(?) j`;
  const out = new Map<number, number>();
  for (const [org, first] of stmt(db, sql).raw().all(until, JSON.stringify(orgIds)) as [number, number | null][]) {
    if (first !== null) out.set(org, first);
  }
  return out;
}

const DETAIL_COLS = `m.org_id, m.id, m.type, m.held_at, m.attended, m.minutes,
      m.place IS NOT NULL, m.chair IS NOT NULL, m.recorder IS NOT NULL, m.agenda IS NOT NULL, m.resolutions IS NOT NULL,
      m.duration_minutes, m.video, m.photos, a.present`;
/** Rank of a meeting type in MEETING_TYPES (null for none): the order the full read returns. */
const TYPE_RANK = `CASE m.type ${MEETING_TYPES.map((t, k) => `WHEN '${t}' THEN ${k}`).join(' ')} END`;

/**
 * Meetings of the given branches held in [from, until], with their minutes elements and sign-in
 * counts, grouped by org id, each branch's in type order (MEETING_TYPES), then by held_at.
 * All of them: one seek per (branch, type) on the covering index, as windowMeetings. Only the
 * informative ones (`informative`: with sign-ins or a minutes element recorded, all the default
 * checks can flag): found through the partial index meetings_detailed and attendance(org_id,
 * held_at), so a window of records without either costs two seeks per branch, not a read of every
 * meeting row.
 */
export function meetingDetails(db: Db, orgIds: readonly number[], from: number, until: number, opts: { informative?: boolean } = {}): Map<number, MeetingDetail[]> {
  const out = new Map<number, MeetingDetail[]>();
  if (!orgIds.length || from > until) return out;
  const values = MEETING_TYPES.map((t) => `('${t}')`).join(', ');
  const sql = opts.informative
    ? `WITH ids(id) AS (
        SELECT m.id FROM json_each(?) j CROSS JOIN meetings m INDEXED BY meetings_detailed
          WHERE m.org_id = j.value AND m.held_at >= ? AND m.held_at <= ? AND (${MEETING_DETAILED})
        UNION
        SELECT a.meeting_id FROM json_each(?) j CROSS JOIN attendance a
          WHERE a.org_id = j.value AND a.held_at >= ? AND a.held_at <= ?)
      SELECT ${DETAIL_COLS}
      FROM ids CROSS JOIN meetings m ON m.id = ids.id LEFT JOIN attendance a ON a.meeting_id = m.id
      WHERE m.held_at >= ? AND m.held_at <= ? AND ${TYPE_RANK} IS NOT NULL
      ORDER BY m.org_id, ${TYPE_RANK}, m.held_at, m.expected, m.attended, m.minutes, m.lecturer_role, m.id`
    : `WITH w(type) AS (VALUES ${values})
      SELECT ${DETAIL_COLS}
      FROM json_each(?) j CROSS JOIN w CROSS JOIN meetings m LEFT JOIN attendance a ON a.meeting_id = m.id
      WHERE m.org_id = j.value AND m.type = w.type AND m.held_at >= ? AND m.held_at <= ?`;
  const ids = JSON.stringify(orgIds);
  const params = opts.informative ? [ids, from, until, ids, from, until, from, until] : [ids, from, until];
  for (const r of stmt(db, sql).raw().all(...params) as unknown[][]) {
    const org = r[0] as number;
    let list = out.get(org);
    if (!list) out.set(org, (list = []));
    const minutes = r[5] as number | null;
    const video = r[12] as number | null;
    list.push({
      id: r[1] as number,
      type: r[2] as MeetingType,
      heldAt: r[3] as number,
      attended: r[4] as number,
      minutes: minutes === null ? null : minutes !== 0,
      place: r[6] === 1,
      chair: r[7] === 1,
      recorder: r[8] === 1,
      agenda: r[9] === 1,
      resolutions: r[10] === 1,
      durationMinutes: r[11] as number | null,
      video: video === null ? null : video !== 0,
      photos: r[13] as number | null,
      present: r[14] as number | null,
    });
  }
  return out;
}

/** Current roster sizes (members without left_on, or who left after `at` = 'YYYY-MM-DD'), by org code. */
export function rosterCounts(db: Db, at: string): Map<string, number> {
  const sql = `SELECT o.code, count(*) FROM members m JOIN orgs o ON o.id = m.org_id
    WHERE (m.left_on IS NULL OR m.left_on > ?) AND m.joined_on <= ? GROUP BY o.code`;
  return new Map(stmt(db, sql).raw().all(at, at) as [string, number][]);
}

/** Tracked meetings of the given branches (org ids) held in [from, until), oldest first, by org id. */
export function trackedMeetings(db: Db, orgIds: readonly number[], from: number, until: number): Map<number, TrackedMeeting[]> {
  const out = new Map<number, TrackedMeeting[]>();
  if (!orgIds.length) return out;
  const sql = `SELECT a.org_id, a.meeting_id, m.type, a.held_at, a.entries, a.signed
    FROM json_each(?) j JOIN attendance a ON a.org_id = j.value JOIN meetings m ON m.id = a.meeting_id
    WHERE a.held_at >= ? AND a.held_at < ? ORDER BY a.org_id, a.held_at, a.meeting_id`;
  for (const r of stmt(db, sql).raw().all(JSON.stringify(orgIds), from, until) as [number, number, MeetingType, number, string, string | null][]) {
    let list = out.get(r[0]);
    if (!list) out.set(r[0], (list = []));
    list.push({ id: r[1], type: r[2], heldAt: r[3], signIns: signInsOf(r[4], r[5]) });
  }
  return out;
}

/** Every member of a branch (org code) as stored, phones included (callers mask them), by member id. */
export function listMembersOf(db: Db, orgCode: string): StoredMember[] {
  const sql = `SELECT m.id, m.member_id, o.code, m.name, m.status, m.joined_on, m.full_on, m.flowing, m.phone, m.left_on
    FROM members m JOIN orgs o ON o.id = m.org_id WHERE o.code = ? ORDER BY m.member_id`;
  return (stmt(db, sql).raw().all(orgCode) as unknown[][]).map((r) => ({
    row: r[0] as number,
    id: r[1] as string,
    org: r[2] as string,
    name: r[3] as string,
    status: r[4] as MemberStatus,
    joinedOn: r[5] as string,
    fullOn: r[6] as string | null,
    flowing: r[7] === null ? null : r[7] === 1,
    phone: r[8] as string | null,
    leftOn: r[9] as string | null,
  }));
}

/** How many members and tracked meetings are stored (stats, bench). */
export function countMembersAndTracked(db: Db): MemberCounts {
  const members = stmt(db, 'SELECT count(*) FROM members').pluck().get() as number;
  const t = stmt(db, 'SELECT count(*), coalesce(sum(present + excused + absent), 0) FROM attendance').raw().get() as [number, number];
  return { members, tracked: t[0], signIns: t[1] };
}

/** Tracked meetings of the given branches held in [from, until), grouped by org id: time and who took part (member row ids). */
export function trackedIn(db: Db, orgIds: readonly number[], from: number, until: number): Map<number, TrackedParticipation[]> {
  const out = new Map<number, TrackedParticipation[]>();
  if (!orgIds.length) return out;
  const sql = `SELECT a.org_id, a.held_at, a.entries FROM json_each(?) j JOIN attendance a ON a.org_id = j.value
    WHERE a.held_at >= ? AND a.held_at < ?`;
  for (const [org, heldAt, entries] of stmt(db, sql).raw().all(JSON.stringify(orgIds), from, until) as [number, number, string][]) {
    let list = out.get(org);
    if (!list) out.set(org, (list = []));
    list.push({ heldAt, tookPart: tookPartIn(entries) });
  }
  return out;
}
