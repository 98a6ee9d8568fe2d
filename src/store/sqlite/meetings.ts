/** Queries on meeting records. */
import type { Db } from './db.js';
import type { LecturerRole, Meeting, MeetingType } from '../../domain/types.js';

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
  place: string | null;
  chair: string | null;
  recorder: string | null;
  agenda: string | null;
  resolutions: string | null;
  durationMinutes: number | null;
  video: number | null;
  photos: number | null;
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
    place: r.place,
    chair: r.chair,
    recorder: r.recorder,
    agenda: r.agenda,
    resolutions: r.resolutions,
    durationMinutes: r.durationMinutes,
    video: r.video === null ? null : r.video === 1,
    photos: r.photos,
  };
}

const SELECT = `SELECT m.record_id AS id, o.code AS org, m.type, m.held_at AS heldAt, m.expected, m.attended,
  m.minutes, m.lecturer_role AS lecturerRole, m.topic, m.place, m.chair, m.recorder, m.agenda, m.resolutions,
  m.duration_minutes AS durationMinutes, m.video, m.photos FROM meetings m JOIN orgs o ON o.id = m.org_id`;

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

/** Row ids of meetings by record id (unknown ids are absent). */
export function meetingRowIds(db: Db, recordIds: readonly string[]): number[] {
  if (!recordIds.length) return [];
  return db.$client
    .prepare('SELECT id FROM meetings WHERE record_id IN (SELECT value FROM json_each(?))')
    .pluck()
    .all(JSON.stringify(recordIds)) as number[];
}
