/**
 * Queries on the roster (党员名册) for the importer, the rules and the reports: the keyed upsert,
 * and bulk loads per chunk of branches (raw statements, one per chunk, like facts.ts).
 */
import type { Statement } from 'better-sqlite3';
import type { Member, MemberStatus } from '../../domain/members.js';
import { MEETING_TYPES, type MeetingType } from '../../domain/types.js';
import type { MeetingDetail, MemberCounts, RosterMember, StoredMember, TrackedMeeting, TrackedParticipation } from '../types/members.js';
import type { Db } from './db.js';
import type { UpsertSpec } from './imports.js';
import { signInsOf, tookPartIn, unpackMonths } from '../rows/attendance-codec.js';

/** The keyed upsert of members: by member id. `months` (derived) is left alone. */
export const MEMBER_UPSERT: UpsertSpec = {
  table: 'members',
  key: ['member_id'],
  columns: ['org_id', 'name', 'status', 'joined_on', 'full_on', 'flowing', 'phone', 'left_on'],
};

/** Fill `out` with MEMBER_UPSERT parameters. */
export function memberUpsertParams(out: unknown[], m: Member, orgId: number): unknown[] {
  out[0] = m.id;
  out[1] = orgId;
  out[2] = m.name;
  out[3] = m.status;
  out[4] = m.joinedOn;
  out[5] = m.fullOn;
  out[6] = m.flowing === null ? null : m.flowing ? 1 : 0;
  out[7] = m.phone;
  out[8] = m.leftOn;
  return out;
}

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

/** Only meetings with sign-ins or a minutes element recorded (what the default meeting checks can flag). */
const INFORMATIVE = ` AND (a.meeting_id IS NOT NULL OR m.place IS NOT NULL OR m.chair IS NOT NULL OR m.recorder IS NOT NULL OR m.agenda IS NOT NULL OR m.resolutions IS NOT NULL)`;

/**
 * Meetings of the given branches held in [from, until], with their minutes elements and sign-in
 * counts, grouped by org id. One seek per (branch, type) on the covering index, as windowMeetings.
 */
export function meetingDetails(db: Db, orgIds: readonly number[], from: number, until: number, opts: { informative?: boolean } = {}): Map<number, MeetingDetail[]> {
  const out = new Map<number, MeetingDetail[]>();
  if (!orgIds.length || from > until) return out;
  const values = MEETING_TYPES.map((t) => `('${t}')`).join(', ');
  const sql = `WITH w(type) AS (VALUES ${values})
    SELECT m.org_id, m.id, m.type, m.held_at, m.attended, m.minutes,
      m.place IS NOT NULL, m.chair IS NOT NULL, m.recorder IS NOT NULL, m.agenda IS NOT NULL, m.resolutions IS NOT NULL,
      m.duration_minutes, m.video, m.photos, a.present
    FROM json_each(?) j CROSS JOIN w CROSS JOIN meetings m LEFT JOIN attendance a ON a.meeting_id = m.id
    WHERE m.org_id = j.value AND m.type = w.type AND m.held_at >= ? AND m.held_at <= ?${opts.informative ? INFORMATIVE : ''}`;
  for (const r of stmt(db, sql).raw().all(JSON.stringify(orgIds), from, until) as unknown[][]) {
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
