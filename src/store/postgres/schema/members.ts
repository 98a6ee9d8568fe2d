/**
/**
 * PostgreSQL twin of src/store/schema/members.ts.
 *
 * Tables of the roster (党员名册) and sign-ins (参会签到).
 *
 * Attendance is stored compactly: ONE row per tracked meeting, its sign-ins packed in a blob, not
 * one row per (meeting, member). Two years of a 20,000-branch city are ~40 M sign-ins but only
 * ~1.4 M tracked meetings: the compact form writes 1/30 of the rows at import, keeps the file ~10×
 * smaller, and lets `check` read one small row per meeting. The import contract is unchanged
 * (rows keyed by (meeting, member), upserted, counted inserted/updated/unchanged): the importer
 * merges a meeting's rows into its blob (src/store/attendance.ts documents the layout).
 *
 * The packed columns are base64 text rather than blobs so both stores (SQLite, PostgreSQL) and
 * `orglife db copy` carry them as plain text.
 *
 * `members.months` is derived: the months (Shanghai) in which the member took part (present or
 * excused at a tracked meeting of the branch), kept up to date by every import that touches
 * sign-ins or meetings, so member-absence reads ~50 bytes per member instead of every sign-in.
 */
import { pgTable, integer, text, index, uniqueIndex } from 'drizzle-orm/pg-core';
import { ms } from './records.js';

/** One row per member of a branch's roster; `member_id` is the interchange `id`. */
export const members = pgTable(
  'members',
  {
    // Assigned by the database on import (SQLite's rowid; an identity here).
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    memberId: text('member_id').notNull(),
    orgId: integer('org_id').notNull(),
    name: text('name').notNull(),
    /** full | probationary */
    status: text('status').notNull(),
    joinedOn: text('joined_on').notNull(),
    fullOn: text('full_on'),
    /** 1 = yes, 0 = no, null = unknown. */
    flowing: integer('flowing'),
    phone: text('phone'),
    leftOn: text('left_on'),
    /** Derived: month numbers (year·12 + month − 1) of participation, ascending: little-endian uint16, base64. */
    months: text('months'),
  },
  (t) => [uniqueIndex('members_member_id').on(t.memberId), index('members_org').on(t.orgId)],
);

/** One row per tracked meeting (a meeting with at least one sign-in row). */
export const attendance = pgTable(
  'attendance',
  {
    /** meetings.id */
    meetingId: integer('meeting_id').primaryKey(),
    /** Copied from the meeting (kept in step by the meetings import) for the per-branch index. */
    orgId: integer('org_id').notNull(),
    heldAt: ms('held_at').notNull(),
    present: integer('present').notNull(),
    excused: integer('excused').notNull(),
    absent: integer('absent').notNull(),
    /** Sign-ins: int32 pairs (members.id, code) sorted by members.id, base64; see src/store/attendance.ts. */
    entries: text('entries').notNull(),
    /** signed_at per entry (float64 epoch ms, NaN = none), base64, or null when no entry has one. */
    signed: text('signed'),
  },
  (t) => [index('attendance_org_held').on(t.orgId, t.heldAt)],
);
