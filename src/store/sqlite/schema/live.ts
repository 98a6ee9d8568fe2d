/**
 * Tables of incremental evaluation: each branch's live 大比武 figures of the current period (kept
 * by the full evaluate tick and by re-evaluation of touched branches), and the durable requests to
 * re-evaluate orgs an import committed (written in the import's own transaction; a daemon claims,
 * re-evaluates and deletes them).
 */
import { sqliteTable, integer, real, text, index } from 'drizzle-orm/sqlite-core';

/** One row per branch: its figures of `period` as the report computation gives them as of `computed_at`. */
export const liveFigures = sqliteTable(
  'live_figures',
  {
    org: text('org').primaryKey(),
    period: text('period').notNull(),
    computedAt: integer('computed_at').notNull(),
    score: real('score'),
    grade: text('grade'),
    stars: integer('stars'),
    vetoed: integer('vetoed', { mode: 'boolean' }).notNull(),
    colour: text('colour'),
    /** JSON {categories: {id: score}, indicators: {id: score}}. */
    data: text('data').notNull(),
    /** Bumped by every write (the board's cache key: count and max). */
    stamp: integer('stamp').notNull(),
  },
  (t) => [index('live_figures_stamp').on(t.stamp)],
);

/** A committed import's touched org codes, until a re-evaluation of them is done. */
export const reevaluationRequests = sqliteTable('reevaluation_requests', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  /** JSON array of org codes (a committee stands for its subtree). */
  orgs: text('orgs').notNull(),
  requestedAt: integer('requested_at').notNull(),
  claimedBy: text('claimed_by'),
  /** A claim expires then (its runner died): another takes it over. */
  claimedUntil: integer('claimed_until'),
  attempts: integer('attempts').notNull().default(0),
});
