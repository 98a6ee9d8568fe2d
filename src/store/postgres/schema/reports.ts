/**
 * PostgreSQL tables of the health-check reports (mirror of the SQLite ones): assessments, the
 * negative list, stored reports and rectification items.
 */
import { pgTable, integer, doublePrecision, text, index, uniqueIndex } from 'drizzle-orm/pg-core';
import { ms } from './records.js';

export const assessments = pgTable(
  'assessments',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    org: text('org').notNull(),
    indicator: text('indicator').notNull(),
    period: text('period').notNull(),
    score: doublePrecision('score').notNull(),
    importedAt: ms('imported_at').notNull(),
  },
  (t) => [uniqueIndex('assessments_key').on(t.org, t.indicator, t.period)],
);

export const vetoes = pgTable(
  'vetoes',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    org: text('org').notNull(),
    period: text('period').notNull(),
    item: text('item').notNull(),
    importedAt: ms('imported_at').notNull(),
  },
  (t) => [uniqueIndex('vetoes_key').on(t.org, t.period, t.item)],
);

export const reports = pgTable(
  'reports',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    org: text('org').notNull(),
    period: text('period').notNull(),
    kind: text('kind', { enum: ['branch', 'committee'] }).notNull(),
    generatedAt: ms('generated_at').notNull(),
    score: doublePrecision('score'),
    grade: text('grade'),
    stars: integer('stars'),
    rank: integer('rank'),
    committeeRank: integer('committee_rank'),
    data: text('data').notNull(),
    mailPlannedAt: ms('mail_planned_at'),
    mailNote: text('mail_note'),
  },
  // (period, kind, generated_at): the ranking's version check (count and max per period, every few seconds) reads the index only.
  (t) => [uniqueIndex('reports_key').on(t.org, t.period, t.kind), index('reports_period_generated').on(t.period, t.kind, t.generatedAt)],
);

export const rectificationItems = pgTable(
  'rectification_items',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    org: text('org').notNull(),
    rule: text('rule').notNull(),
    problemPeriod: text('problem_period').notNull(),
    reportPeriod: text('report_period').notNull(),
    title: text('title').notNull(),
    createdAt: ms('created_at').notNull(),
    dueAt: ms('due_at').notNull(),
    status: text('status', { enum: ['open', 'closed'] }).notNull().default('open'),
    closedAt: ms('closed_at'),
    note: text('note'),
  },
  (t) => [uniqueIndex('rectification_items_key').on(t.org, t.rule, t.problemPeriod), index('rectification_items_org').on(t.org, t.status)],
);
