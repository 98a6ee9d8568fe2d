/** A secretary's leave (请假): while it runs, the branch's messages for its secretary go to the deputy. Rows are kept (audit). */
import { sqliteTable, integer, text, index } from 'drizzle-orm/sqlite-core';

export const secretaryLeaves = sqliteTable(
  'secretary_leaves',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    org: text('org').notNull(),
    /** First and last day (YYYY-MM-DD, Beijing time), inclusive. */
    startsOn: text('starts_on').notNull(),
    endsOn: text('ends_on').notNull(),
    reason: text('reason'),
    createdBy: text('created_by').notNull(),
    createdAt: integer('created_at').notNull(),
    endedAt: integer('ended_at'),
    endedBy: text('ended_by'),
  },
  (t) => [index('secretary_leaves_org').on(t.org)],
);
