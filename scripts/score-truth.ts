/**
 * Spearman's rank correlation between a branch's open items and its report score, on a database
 * (the demo's demo-out/demo.db, or a bench city): `npx tsx scripts/score-truth.ts DB PERIOD [AT]`.
 * Strongly negative is what a truthful score gives (BENCHMARKS.md states the figures).
 */
import { parseTimestamp } from '../src/domain/calendar.js';
import { closeDb, openDb } from '../src/store/sqlite/db.js';
import { spearman } from '../src/reports/rank-correlation.js';
import { scoresAndOpenItems } from '../src/store/score-truth.js';

const [dbPath, period, at] = process.argv.slice(2);
if (!dbPath || !period) {
  console.error('usage: tsx scripts/score-truth.ts DB PERIOD [AT]');
  process.exit(2);
}
const now = at ? parseTimestamp(at)! : Date.now();
const db = openDb(dbPath);
try {
  const rows = scoresAndOpenItems(db, period, now);
  const rho = spearman(rows.map((r) => r.openItems), rows.map((r) => r.score));
  const withOpen = rows.filter((r) => r.openItems > 0).length;
  console.log(JSON.stringify({ db: dbPath, period, branches: rows.length, withOpenItems: withOpen, spearman: Math.round(rho * 1000) / 1000 }));
} finally {
  closeDb(db);
}
