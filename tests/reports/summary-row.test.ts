/** The small rows a streamed run keeps per branch (summary and ranking rows): equal to the report's figures, and shared where equal. */
import { expect, it } from 'vitest';
import { summaryRow } from '../../src/reports/compute-committee.js';
import { rankingRowOf } from '../../src/reports/ranking-row.js';
import { sampleReports } from './sample.js';

const { reports } = sampleReports();
const bad = reports[1]!;

it('keeps the problem rules, escalation and rectification counts and category scores of the report', () => {
  const row = summaryRow(bad);
  expect(row.problems.map((p) => p.rule)).toEqual(bad.problems.map((p) => p.rule));
  expect(row.stats).toEqual({ openEscalations: bad.stats.openEscalations, rectifications: { overdue: bad.stats.rectifications.overdue } });
  expect(rankingRowOf(bad).categories).toEqual(bad.categories.map((c) => c.score));
});

it('shares one problem list, stats and category list between rows that are equal in them', () => {
  // Another branch with the same figures: its own report object, equal contents.
  const twin = structuredClone({ ...bad, org: 'B2-twin' });
  const [a, b] = [summaryRow(bad), summaryRow(twin)];
  expect(b.problems).toBe(a.problems);
  expect(b.stats).toBe(a.stats);
  expect(rankingRowOf(twin).categories).toBe(rankingRowOf(bad).categories);
  // A different problem set gets its own list.
  expect(summaryRow(reports[0]!).problems).not.toBe(a.problems);
});
