/**
 * PostgreSQL reads of the roster (党员名册) and sign-ins (参会签到): the mirror of
 * ../sqlite/members.ts over the same packed format (../rows/attendance-codec.ts). One statement
 * per batch of branches (ids as one int[] parameter), rows as arrays on the hot paths.
 */
import type { MemberStatus } from '../../domain/members.js';
import { MEETING_TYPES, type MeetingType } from '../../domain/types.js';
import { signInsOf, tookPartIn, unpackMonths } from '../rows/attendance-codec.js';
import { MEETING_DETAILED } from '../rows/meeting-detailed.js';
import type { MeetingDetail, MemberCounts, RosterMember, StoredMember, TrackedMeeting, TrackedParticipation } from '../types/members.js';
import { arrays, type Q } from './q.js';

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** The ids' min..max, so the planner sees a range of the per-branch indexes. */
function bounds(ids: readonly number[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const id of ids) {
    if (id < lo) lo = id;
    if (id > hi) hi = id;
  }
  return [lo, hi];
}

/** Rosters of the given branches (org ids), by org id, by member id within each. */
export async function rostersOf(q: Q, orgIds: readonly number[]): Promise<Map<number, RosterMember[]>> {
  const out = new Map<number, RosterMember[]>();
  if (!orgIds.length) return out;
  const r = await arrays<[number, number, string, string, MemberStatus, string, string | null, string | null, string | null]>(
    q,
    `SELECT org_id, id, member_id, name, status, joined_on, full_on, left_on, months
       FROM members WHERE org_id = ANY($1::int[]) ORDER BY org_id, member_id COLLATE "C"`,
    [orgIds],
  );
  for (const x of r) {
    push(out, x[0], { row: x[1], id: x[2], name: x[3], status: x[4], joinedOn: x[5], fullOn: x[6], leftOn: x[7], months: unpackMonths(x[8]) });
  }
  return out;
}

/** Per branch, the time of its first tracked meeting held at or before `until`; absent = none. */
export async function firstTrackedAt(q: Q, orgIds: readonly number[], until: number): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  if (!orgIds.length) return out;
  const r = await arrays<[number, number | null]>(
    q,
    `SELECT j.o, (SELECT min(a.held_at) FROM attendance a WHERE a.org_id = j.o AND a.held_at <= $2)
       FROM unnest($1::int[]) AS j(o)`,
    [orgIds, until],
  );
  for (const [org, first] of r) if (first !== null) out.set(org, first);
  return out;
}

/** Meetings of the branches held in [from, until] with minutes elements and present sign-ins, by org id. */
export async function meetingDetails(q: Q, orgIds: readonly number[], from: number, until: number, opts: { informative?: boolean } = {}): Promise<Map<number, MeetingDetail[]>> {
  const out = new Map<number, MeetingDetail[]>();
  if (!orgIds.length || from > until) return out;
  const [lo, hi] = bounds(orgIds);
  const cols = `m.org_id, m.id, m.type, m.held_at, m.attended, m.minutes,
        m.place IS NOT NULL, m.chair IS NOT NULL, m.recorder IS NOT NULL, m.agenda IS NOT NULL, m.resolutions IS NOT NULL,
        m.duration_minutes, m.video, m.photos, a.present`;
  // Informative only: through the partial index meetings_detailed and attendance(org_id, held_at),
  // so records without sign-ins or minutes elements are never read. Otherwise one seek per
  // (branch, type) on meetings(org_id, type, held_at, …), as windowMeetings.
  const r = await arrays<unknown[]>(
    q,
    opts.informative
      ? `WITH ids(id) AS (
          SELECT m.id FROM meetings m
           WHERE m.org_id BETWEEN $3 AND $4 AND m.org_id = ANY($1::int[]) AND m.held_at >= $5 AND m.held_at <= $6 AND (${MEETING_DETAILED})
          UNION
          SELECT a.meeting_id FROM attendance a
           WHERE a.org_id BETWEEN $3 AND $4 AND a.org_id = ANY($1::int[]) AND a.held_at >= $5 AND a.held_at <= $6)
        SELECT ${cols} FROM ids JOIN meetings m ON m.id = ids.id LEFT JOIN attendance a ON a.meeting_id = m.id
         WHERE m.type = ANY($2::text[]) AND m.held_at >= $5 AND m.held_at <= $6`
      : `SELECT ${cols}
       FROM meetings m JOIN unnest($2::text[]) AS w(type) ON m.type = w.type
       LEFT JOIN attendance a ON a.meeting_id = m.id
      WHERE m.org_id BETWEEN $3 AND $4 AND m.org_id = ANY($1::int[]) AND m.held_at >= $5 AND m.held_at <= $6`,
    [orgIds, MEETING_TYPES, lo, hi, from, until],
  );
  for (const x of r) {
    const minutes = x[5] as number | null;
    const video = x[12] as number | null;
    push(out, x[0] as number, {
      id: x[1] as number,
      type: x[2] as MeetingType,
      heldAt: x[3] as number,
      attended: x[4] as number,
      minutes: minutes === null ? null : minutes !== 0,
      place: x[6] === true,
      chair: x[7] === true,
      recorder: x[8] === true,
      agenda: x[9] === true,
      resolutions: x[10] === true,
      durationMinutes: x[11] as number | null,
      video: video === null ? null : video !== 0,
      photos: x[13] as number | null,
      present: x[14] as number | null,
    });
  }
  return out;
}

/** Roster sizes as of `at` ('YYYY-MM-DD'), by org code. */
export async function rosterCounts(q: Q, at: string): Promise<Map<string, number>> {
  return new Map(
    await arrays<[string, number]>(
      q,
      `SELECT o.code, count(*) FROM members m JOIN orgs o ON o.id = m.org_id
        WHERE (m.left_on IS NULL OR m.left_on COLLATE "C" > $1) AND m.joined_on COLLATE "C" <= $1 GROUP BY o.code`,
      [at],
    ),
  );
}

/** Tracked meetings of the branches held in [from, until), oldest first, with decoded sign-ins, by org id. */
export async function trackedMeetings(q: Q, orgIds: readonly number[], from: number, until: number): Promise<Map<number, TrackedMeeting[]>> {
  const out = new Map<number, TrackedMeeting[]>();
  if (!orgIds.length) return out;
  const r = await arrays<[number, number, MeetingType, number, string, string | null]>(
    q,
    `SELECT a.org_id, a.meeting_id, m.type, a.held_at, a.entries, a.signed
       FROM attendance a JOIN meetings m ON m.id = a.meeting_id
      WHERE a.org_id = ANY($1::int[]) AND a.held_at >= $2 AND a.held_at < $3
      ORDER BY a.org_id, a.held_at, a.meeting_id`,
    [orgIds, from, until],
  );
  for (const x of r) push(out, x[0], { id: x[1], type: x[2], heldAt: x[3], signIns: signInsOf(x[4], x[5]) });
  return out;
}

/** Tracked meetings of the branches held in [from, until), by org id: time and who took part. */
export async function trackedIn(q: Q, orgIds: readonly number[], from: number, until: number): Promise<Map<number, TrackedParticipation[]>> {
  const out = new Map<number, TrackedParticipation[]>();
  if (!orgIds.length) return out;
  const r = await arrays<[number, number, string]>(
    q,
    'SELECT org_id, held_at, entries FROM attendance WHERE org_id = ANY($1::int[]) AND held_at >= $2 AND held_at < $3',
    [orgIds, from, until],
  );
  for (const [org, heldAt, entries] of r) push(out, org, { heldAt, tookPart: tookPartIn(entries) });
  return out;
}

/** Every member of one branch (org code) as stored, phones included, by member id. */
export async function listMembersOf(q: Q, orgCode: string): Promise<StoredMember[]> {
  const r = await arrays<unknown[]>(
    q,
    `SELECT m.id, m.member_id, o.code, m.name, m.status, m.joined_on, m.full_on, m.flowing, m.phone, m.left_on
       FROM members m JOIN orgs o ON o.id = m.org_id WHERE o.code = $1 ORDER BY m.member_id COLLATE "C"`,
    [orgCode],
  );
  return r.map((x) => ({
    row: x[0] as number,
    id: x[1] as string,
    org: x[2] as string,
    name: x[3] as string,
    status: x[4] as MemberStatus,
    joinedOn: x[5] as string,
    fullOn: x[6] as string | null,
    flowing: x[7] === null ? null : x[7] === 1,
    phone: x[8] as string | null,
    leftOn: x[9] as string | null,
  }));
}

/** How many members, tracked meetings and sign-ins are stored. */
export async function countMembersAndTracked(q: Q): Promise<MemberCounts> {
  const [r] = await arrays<[number, number, number]>(
    q,
    'SELECT (SELECT count(*) FROM members), count(*), coalesce(sum(present + excused + absent), 0) FROM attendance',
  );
  return { members: r![0], tracked: r![1], signIns: r![2] };
}
