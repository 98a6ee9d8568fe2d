/**
 * Exemptions (豁免): an org (and its subtree), optionally one rule, for a date range, with reason and
 * approver — a branch being merged, a committee being re-elected, a disaster area. Rows are never
 * deleted: ending one early records who ended it and when (the audit trail).
 */
import { sqliteTable, integer, text, index } from 'drizzle-orm/sqlite-core';

export const exemptions = sqliteTable(
  'exemptions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    org: text('org').notNull(),
    /** Rule id, or null for every rule. */
    rule: text('rule'),
    /** First and last day covered (YYYY-MM-DD, Beijing time), inclusive. */
    startsOn: text('starts_on').notNull(),
    endsOn: text('ends_on').notNull(),
    reason: text('reason').notNull(),
    approver: text('approver').notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: integer('created_at').notNull(),
    endedAt: integer('ended_at'),
    endedBy: text('ended_by'),
    endNote: text('end_note'),
  },
  (t) => [index('exemptions_org').on(t.org)],
);
