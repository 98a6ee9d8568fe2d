/** Queries on meeting records. */
import type { Db } from './db.js';
import type { UpsertSpec } from './imports.js';
import type { LecturerRole, Meeting, MeetingType } from '../../domain/types.js';

/** The keyed upsert of meetings: by record id (`meetings.record_id`). */
export const MEETING_UPSERT: UpsertSpec = {
  table: 'meetings',
  key: ['record_id'],
  columns: ['org_id', 'type', 'held_at', 'expected', 'attended', 'minutes', 'lecturer_role', 'topic'],
};

/** Fill `out` (reused across rows to spare an allocation) with MEETING_UPSERT parameters. */
export function meetingUpsertParams(out: unknown[], m: Meeting, orgId: number): unknown[] {
  out[0] = m.id;
  out[1] = orgId;
  out[2] = m.type;
  out[3] = m.heldAt;
  out[4] = m.expected;
  out[5] = m.attended;
  out[6] = m.minutes === null ? null : m.minutes ? 1 : 0;
  out[7] = m.lecturerRole;
  out[8] = m.topic;
  return out;
}

interface MeetingRow {
  id: string;
  org: string;
  type: string;
  heldAt: number;
  expected: number;
  attended: number;
  minutes: number | null;
  lecturerRole: string | null;
  topic: string | null;
}

function toMeeting(r: MeetingRow): Meeting {
  return {
    id: r.id,
    org: r.org,
    type: r.type as MeetingType,
    heldAt: r.heldAt,
    expected: r.expected,
    attended: r.attended,
    minutes: r.minutes === null ? null : r.minutes === 1,
    lecturerRole: r.lecturerRole as LecturerRole | null,
    topic: r.topic,
  };
}

const SELECT = `SELECT m.record_id AS id, o.code AS org, m.type, m.held_at AS heldAt, m.expected, m.attended,
  m.minutes, m.lecturer_role AS lecturerRole, m.topic FROM meetings m JOIN orgs o ON o.id = m.org_id`;

/** Meetings of one org (by code), oldest first. */
export function listMeetingsOf(db: Db, orgCode: string): Meeting[] {
  const rows = db.$client.prepare(`${SELECT} WHERE o.code = ? ORDER BY m.held_at, m.record_id`).all(orgCode) as MeetingRow[];
  return rows.map(toMeeting);
}

/** One meeting by record id, or undefined. */
export function getMeeting(db: Db, id: string): Meeting | undefined {
  const r = db.$client.prepare(`${SELECT} WHERE m.record_id = ?`).get(id) as MeetingRow | undefined;
  return r ? toMeeting(r) : undefined;
}

/** How many meeting records there are. */
export function countMeetings(db: Db): number {
  return db.$client.prepare('SELECT count(*) FROM meetings').pluck().get() as number;
}
