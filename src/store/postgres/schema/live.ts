/**
 * PostgreSQL tables of incremental evaluation (mirror of the SQLite ones): live 大比武 figures per
 * branch, durable re-evaluation requests of committed imports.
 */
import { pgTable, integer, doublePrecision, boolean, text, index } from 'drizzle-orm/pg-core';
import { ms } from './records.js';

export const liveFigures = pgTable(
  'live_figures',
  {
    org: text('org').primaryKey(),
    period: text('period').notNull(),
    computedAt: ms('computed_at').notNull(),
    score: doublePrecision('score'),
    grade: text('grade'),
    stars: integer('stars'),
    vetoed: boolean('vetoed').notNull(),
    colour: text('colour'),
    data: text('data').notNull(),
    stamp: ms('stamp').notNull(),
  },
  (t) => [index('live_figures_stamp').on(t.stamp)],
);

export const reevaluationRequests = pgTable('reevaluation_requests', {
  id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
  orgs: text('orgs').notNull(),
  requestedAt: ms('requested_at').notNull(),
  claimedBy: text('claimed_by'),
  claimedUntil: ms('claimed_until'),
  attempts: integer('attempts').notNull().default(0),
});
