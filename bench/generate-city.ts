/**
 * Write a synthetic city to files in the interchange format.
 *   node --import tsx bench/generate-city.ts --branches 1000 --seed 42 --out DIR [--format csv|ndjson]
 *        [--now 2026-11-28] [--years 2] [--part-rows 1000000]
 */
import { parseArgs } from 'node:util';
import { writeCityFiles } from '../src/synth/index.js';

const { values } = parseArgs({
  options: {
    branches: { type: 'string' },
    seed: { type: 'string', default: '42' },
    out: { type: 'string' },
    format: { type: 'string', default: 'csv' },
    now: { type: 'string' },
    years: { type: 'string' },
    'part-rows': { type: 'string' },
    quiet: { type: 'boolean', default: false },
  },
});
if (!values.branches || !values.out || (values.format !== 'csv' && values.format !== 'ndjson')) {
  process.stderr.write('用法 / usage: generate-city.ts --branches N --out DIR [--seed 42] [--format csv|ndjson] [--now 2026-11-28] [--years 2] [--part-rows 1000000]\n');
  process.exit(2);
}
const branches = Number(values.branches);
const started = performance.now();
let lastShown = 0;
const info = writeCityFiles({
  branches,
  seed: Number(values.seed),
  out: values.out,
  format: values.format,
  now: values.now,
  years: values.years ? Number(values.years) : undefined,
  partRows: values['part-rows'] ? Number(values['part-rows']) : undefined,
  onProgress: (done, rows) => {
    if (values.quiet || !process.stderr.isTTY || performance.now() - lastShown < 1000) return;
    lastShown = performance.now();
    process.stderr.write(`\r${done}/${branches} branches, ${rows} records`);
  },
});
if (!values.quiet && process.stderr.isTTY) process.stderr.write('\n');
const secs = (performance.now() - started) / 1000;
process.stdout.write(
  `${info.counts.orgs} orgs (${info.counts.committees} committees, ${info.counts.branches} branches), ` +
    `${info.counts.meetings} meeting records in ${info.meetingFiles.length} file(s), ${secs.toFixed(1)} s → ${info.dir}\n` +
    `expected findings at ${info.options.now}: ${JSON.stringify(info.expected)}\n`,
);
