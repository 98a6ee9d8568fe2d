/**
 * The proof that scores tell the truth on a whole city: a synthetic city (src/synth, the generator
 * of the demo and the bench) imported, one daily cycle run (rules → alerts), October's reports
 * built and stored — then across branches, the more items open, the lower the score.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluationScope, reconcile } from '../../src/alerts/index.js';
import { parsePeriod, parseTimestamp } from '../../src/domain/calendar.js';
import { forEachBranchFindings } from '../../src/evaluation/index.js';
import { importRecords } from '../../src/import/index.js';
import { buildReports } from '../../src/reports/gather.js';
import { ranks, spearman } from '../../src/reports/rank-correlation.js';
import { saveReports } from '../../src/reports/generate.js';
import { generateCity } from '../../src/synth/index.js';
import { shippedConfig } from '../helpers/config.js';
import { tempStore, type TempStore } from '../helpers/store.js';

let t: TempStore;
beforeAll(async () => {
  t = await tempStore();
});
afterAll(async () => t.cleanup());

describe('Spearman rank correlation', () => {
  it('averages tied ranks and is exact on small samples', () => {
    expect(ranks([10, 20, 20, 5])).toEqual([2, 3.5, 3.5, 1]);
    expect(spearman([1, 2, 3, 4], [40, 30, 20, 10])).toBeCloseTo(-1, 10);
    expect(spearman([1, 2, 3, 4], [1, 3, 2, 4])).toBeCloseTo(0.8, 10);
  });
});

describe('scores on a synthetic city', () => {
  it("fall as a branch's open items rise: Spearman rho strongly negative", async () => {
    const config = shippedConfig();
    const city = generateCity({ branches: 300, seed: 5, now: '2026-11-27', years: 2 });
    const now = parseTimestamp('2026-11-27T09:00')!;
    await importRecords(t.store, 'orgs', city.orgs as unknown as Record<string, unknown>[], 'synth:orgs', { now });
    await importRecords(t.store, 'meetings', city.meetings as unknown as Record<string, unknown>[], 'synth:meetings', { now });
    const also = await t.store.alerts.openPeriods();
    await forEachBranchFindings(t.store, config, now, async (chunk) => {
      const f = chunk.flatMap((b) => b.findings);
      await reconcile(t.store, f, evaluationScope(chunk.map((b) => b.branch), config, now, also), config, now);
    });
    const reportAt = parseTimestamp('2026-12-02T09:00')!;
    const built = await buildReports(t.store, config, parsePeriod('2026-10')!, reportAt);
    await saveReports(t.store, built.reports, built.summaries, reportAt);
    const rows = await t.store.reports.scoresAndOpenItems('2026-10', reportAt);
    expect(rows.length).toBeGreaterThan(250);
    expect(rows.filter((r) => r.openItems > 0).length).toBeGreaterThan(30);
    const rho = spearman(rows.map((r) => r.openItems), rows.map((r) => r.score));
    console.log(`synthetic city (300 branches, seed 5): Spearman rho(open items, score) = ${rho.toFixed(3)}`);
    expect(rho).toBeLessThan(-0.6);
  }, 120_000);
});
