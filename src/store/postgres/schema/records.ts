/**
 * PostgreSQL tables of imported records: the organization tree and its meeting records. Mirrors
 * src/store/sqlite/schema (same names and columns); times are epoch milliseconds in bigint
 * columns read as JavaScript numbers (`mode: 'number'`), so rows look the same on both stores.
 */
import { sql } from 'drizzle-orm';
import { pgTable, integer, bigint, text, index, uniqueIndex } from 'drizzle-orm/pg-core';
import { MEETING_DETAILED } from '../../rows/meeting-detailed.js';

/** An epoch-millisecond column (bigint, read as a number: exact up to 2^53). */
export const ms = (name: string) => bigint(name, { mode: 'number' });

/** Committees and branches, one tree; `parent` is the parent's code (null for the root). */
export const orgs = pgTable(
  'orgs',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    code: text('code').notNull(),
    name: text('name').notNull(),
    kind: text('kind', { enum: ['committee', 'branch'] }).notNull(),
    parent: text('parent'),
    domain: text('domain'),
    members: integer('members'),
    groups: integer('groups').notNull().default(0),
    secretary: text('secretary'),
    secretaryPhone: text('secretary_phone'),
    secretaryEmail: text('secretary_email'),
    clerk: text('clerk'),
    clerkPhone: text('clerk_phone'),
    clerkEmail: text('clerk_email'),
    deputy: text('deputy'),
    deputyPhone: text('deputy_phone'),
    deputyEmail: text('deputy_email'),
    electedOn: text('elected_on'),
    termYears: integer('term_years'),
    establishedOn: text('established_on'),
    /** When `orglife orgs remove` marked it removed (撤销): kept for history, out of evaluation, reports and deliveries; null = active (an import of its code re-activates it). */
    removedAt: ms('removed_at'),
    removedReason: text('removed_reason'),
    updatedAt: ms('updated_at').notNull(),
  },
  (t) => [uniqueIndex('orgs_code').on(t.code), index('orgs_parent').on(t.parent)],
);

/**
 * Meeting records; `org_id` points at orgs.id. The (org_id, type, held_at, …) index serves the rules'
 * per-branch windows and carries every column they read (id included), so loading a chunk of
 * branches is an index-only scan of that chunk's range once the table is vacuumed (the covering
 * idea of SQLite's index; without `id` PostgreSQL fell back to scanning the whole table per chunk).
 */
export const meetings = pgTable(
  'meetings',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    recordId: text('record_id').notNull(),
    orgId: integer('org_id').notNull(),
    type: text('type').notNull(),
    heldAt: ms('held_at').notNull(),
    expected: integer('expected').notNull(),
    attended: integer('attended').notNull(),
    /** 1 = yes, 0 = no, null = unknown. */
    minutes: integer('minutes'),
    lecturerRole: text('lecturer_role'),
    topic: text('topic'),
    place: text('place'),
    chair: text('chair'),
    recorder: text('recorder'),
    agenda: text('agenda'),
    resolutions: text('resolutions'),
    durationMinutes: integer('duration_minutes'),
    video: integer('video'),
    photos: integer('photos'),
  },
  (t) => [
    uniqueIndex('meetings_record_id').on(t.recordId),
    // `id` last: unlike SQLite's rowid, PostgreSQL's row id is not in every index, and the rules read it.
    index('meetings_org_type_held').on(t.orgId, t.type, t.heldAt, t.expected, t.attended, t.minutes, t.lecturerRole, t.id),
    // As SQLite's: only meetings with a minutes element (the single-meeting checks' informative read).
    index('meetings_detailed').on(t.orgId, t.heldAt).where(sql.raw(MEETING_DETAILED)),
  ],
);

/** One row per accepted import, for the audit trail. */
export const imports = pgTable('imports', {
  id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
  file: text('file').notNull(),
  sha256: text('sha256').notNull(),
  table: text('table').notNull(),
  rows: integer('rows').notNull(),
  inserted: integer('inserted').notNull(),
  updated: integer('updated').notNull(),
  unchanged: integer('unchanged').notNull(),
  importedAt: ms('imported_at').notNull(),
});
