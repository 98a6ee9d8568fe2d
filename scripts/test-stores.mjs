// `npm test`: the whole suite on each store, SQLite first, then PostgreSQL (a fresh database per
// test store on 127.0.0.1:5432, see tests/helpers/pg.ts). Extra arguments go to vitest (a file
// filter, say). `--store sqlite` or `--store postgres` runs one store only.
// Exit status: non-zero when any store's run failed.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
let stores = ['sqlite', 'postgres'];
const at = args.indexOf('--store');
if (at >= 0) {
  stores = [args[at + 1]];
  args.splice(at, 2);
}
const vitest = fileURLToPath(new URL('../node_modules/vitest/vitest.mjs', import.meta.url));
const failed = [];
for (const store of stores) {
  if (store !== 'sqlite' && store !== 'postgres') {
    console.error(`unknown store "${store}" (sqlite or postgres)`);
    process.exit(2);
  }
  console.log(`\n=== tests on ${store} ===\n`);
  const started = Date.now();
  const r = spawnSync(process.execPath, [vitest, 'run', ...args], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, ORGLIFE_TEST_STORE: store },
  });
  console.log(`\n=== ${store}: ${r.status === 0 ? 'passed' : 'FAILED'} in ${Math.round((Date.now() - started) / 1000)} s ===`);
  if (r.status !== 0) failed.push(store);
}
if (failed.length) {
  console.error(`failed on: ${failed.join(', ')}`);
  process.exit(1);
}
