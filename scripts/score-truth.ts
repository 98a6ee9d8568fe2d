/**
 * Spearman's rank correlation between a branch's open items (open or acknowledged warnings and
 * escalations, overdue rectifications) and its report score. Strongly negative is what a truthful
 * score gives (BENCHMARKS.md states the figures).
 *   npx tsx scripts/score-truth.ts DB PERIOD [AT]        a store with stored reports (demo-out/demo.db, or a postgres:// URL)
 *   npx tsx scripts/score-truth.ts --synth N [--seed S]  a synthetic city (the bench generator) through
 *       import → one daily cycle at 2026-11-27 09:00 → October's reports at 2026-12-02 09:00, in a temp file
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evaluationScope, reconcile } from '../src/alerts/index.js';
import { loadConfig, defaultConfigPath } from '../src/config/load.js';
import { parsePeriod, parseTimestamp } from '../src/domain/calendar.js';
import { forEachBranchFindings } from '../src/evaluation/index.js';
import { importRecords } from '../src/import/index.js';
import { buildReports } from '../src/reports/gather.js';
import { saveReports } from '../src/reports/generate.js';
import { spearman } from '../src/reports/rank-correlation.js';
import { openStore } from '../src/store/open.js';
import type { Store } from '../src/store/port.js';
import { generateCity } from '../src/synth/index.js';

async function figure(store: Store, label: string, period: string, now: number): Promise<void> {
  const rows = await store.reports.scoresAndOpenItems(period, now);
  const rho = spearman(rows.map((r) => r.openItems), rows.map((r) => r.score));
  console.log(JSON.stringify({ city: label, period, branches: rows.length, withOpenItems: rows.filter((r) => r.openItems > 0).length, spearman: Math.round(rho * 1000) / 1000 }));
}

const args = process.argv.slice(2);
if (args[0] === '--synth') {
  const branches = Number(args[1]);
  const seed = args[2] === '--seed' ? Number(args[3]) : 42;
  const dir = mkdtempSync(join(tmpdir(), 'orglife-score-truth-'));
  const store = await openStore(join(dir, 'city.db'));
  try {
    const { config } = loadConfig(defaultConfigPath());
    const city = generateCity({ branches, seed, now: '2026-11-27', years: 2 });
    const now = parseTimestamp('2026-11-27T09:00')!;
    await importRecords(store, 'orgs', city.orgs as unknown as Record<string, unknown>[], 'synth:orgs', { now });
    await importRecords(store, 'meetings', city.meetings as unknown as Record<string, unknown>[], 'synth:meetings', { now });
    const also = await store.alerts.openPeriods();
    await forEachBranchFindings(store, config, now, async (chunk) => {
      await reconcile(store, chunk.flatMap((b) => b.findings), evaluationScope(chunk.map((b) => b.branch), config, now, also), config, now);
    });
    const reportAt = parseTimestamp('2026-12-02T09:00')!;
    const built = await buildReports(store, config, parsePeriod('2026-10')!, reportAt);
    await saveReports(store, built.reports, built.summaries, reportAt);
    await figure(store, `synthetic ${branches} branches, seed ${seed}`, '2026-10', reportAt);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
} else if (args.length >= 2) {
  const store = await openStore(args[0]!, { mustExist: true });
  try {
    await figure(store, args[0]!, args[1]!, args[2] ? parseTimestamp(args[2])! : Date.now());
  } finally {
    await store.close();
  }
} else {
  console.error('usage: tsx scripts/score-truth.ts DB PERIOD [AT] | --synth N [--seed S]');
  process.exit(2);
}
