/**
 * Tables of the health-check reports: imported assessments and the negative list (inputs the
 * records cannot show), stored reports (one per org, period and kind), and
 * the rectification items (限期整改) reports create.
 */
import { sqliteTable, integer, real, text, index, uniqueIndex } from 'drizzle-orm/sqlite-core';

/** Imported indicator scores (0–100), keyed by (org code, indicator name, period label). */
export const assessments = sqliteTable(
  'assessments',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    org: text('org').notNull(),
    indicator: text('indicator').notNull(),
    period: text('period').notNull(),
    score: real('score').notNull(),
    importedAt: integer('imported_at').notNull(),
  },
  (t) => [uniqueIndex('assessments_key').on(t.org, t.indicator, t.period)],
);

/** The negative list (一票否决): an item against a branch in a period rules out five stars. */
export const vetoes = sqliteTable(
  'vetoes',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    org: text('org').notNull(),
    period: text('period').notNull(),
    item: text('item').notNull(),
    importedAt: integer('imported_at').notNull(),
  },
  (t) => [uniqueIndex('vetoes_key').on(t.org, t.period, t.item)],
);

/**
 * Stored reports. Identity (org, period, kind) — kind 'branch' (体检报告) or 'committee' (汇总).
 * Their mail goes through the one delivery log (deliveries.report_id), planned in the same
 * transaction that stores the report; `mail_planned_at` marks a report planned (its outbox marker).
 */
export const reports = sqliteTable(
  'reports',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    org: text('org').notNull(),
    period: text('period').notNull(),
    kind: text('kind', { enum: ['branch', 'committee'] }).notNull(),
    generatedAt: integer('generated_at').notNull(),
    score: real('score'),
    grade: text('grade'),
    stars: integer('stars'),
    rank: integer('rank'),
    committeeRank: integer('committee_rank'),
    /** The report as JSON (renderers read it back). */
    data: text('data').notNull(),
    /** When this report's deliveries were planned (its outbox marker); null = not yet. */
    mailPlannedAt: integer('mail_planned_at'),
    /** How planning went: what was planned, or why nobody is sent it. */
    mailNote: text('mail_note'),
  },
  // (period, kind, generated_at): the ranking's version check (count and max per period, every few seconds) reads the index only.
  (t) => [uniqueIndex('reports_key').on(t.org, t.period, t.kind), index('reports_period_generated').on(t.period, t.kind, t.generatedAt)],
);

/** A report's rectification item (限期整改), one per (org, rule, problem period). */
export const rectificationItems = sqliteTable(
  'rectification_items',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    org: text('org').notNull(),
    rule: text('rule').notNull(),
    problemPeriod: text('problem_period').notNull(),
    reportPeriod: text('report_period').notNull(),
    title: text('title').notNull(),
    createdAt: integer('created_at').notNull(),
    dueAt: integer('due_at').notNull(),
    status: text('status', { enum: ['open', 'closed'] }).notNull().default('open'),
    closedAt: integer('closed_at'),
    note: text('note'),
  },
  (t) => [uniqueIndex('rectification_items_key').on(t.org, t.rule, t.problemPeriod), index('rectification_items_org').on(t.org, t.status)],
);
