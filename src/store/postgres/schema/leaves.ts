/** A secretary's leave (请假): while it runs, the branch's messages for its secretary go to the deputy. Rows are kept (audit). */
import { pgTable, integer, text, index } from 'drizzle-orm/pg-core';
import { ms } from './records.js';

export const secretaryLeaves = pgTable(
  'secretary_leaves',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    org: text('org').notNull(),
    /** First and last day (YYYY-MM-DD, Beijing time), inclusive. */
    startsOn: text('starts_on').notNull(),
    endsOn: text('ends_on').notNull(),
    reason: text('reason'),
    createdBy: text('created_by').notNull(),
    createdAt: ms('created_at').notNull(),
    endedAt: ms('ended_at'),
    endedBy: text('ended_by'),
  },
  (t) => [index('secretary_leaves_org').on(t.org)],
);
