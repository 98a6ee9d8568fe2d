// `npm test`: the whole suite on SQLite, then again on PostgreSQL (ORGLIFE_TEST_STORE=postgres: a
// fresh database per test store on 127.0.0.1:5432, see tests/helpers/pg.ts) for every test file that
// reaches the database through the port (tempStore() in tests/helpers/store.ts) or PostgreSQL itself;
// files still holding a SQLite handle would only repeat their SQLite run. Extra arguments go to vitest
// (a file filter, say). `--store sqlite` or `--store postgres` runs one store only.
// Exit status: non-zero when any store's run failed.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Shared set-ups that open their store with tempStore() (as the file names them in its imports): a
 * test file importing one runs on both stores like one importing tests/helpers/store.ts itself.
 * Listed, not followed through every import, so a file joins the PostgreSQL run only once the
 * set-up it uses is two-store.
 */
const PORT_SETUPS = [
  /helpers\/(store|pg|township-api)\.js'/,
  /(api|console)\/setup\.js'/,
  // tests/alerts/fixtures.ts: cityStore() is tempStore() with a raw SQL window on either store.
  /\bcityStore\b[^;]*from '(\.\/|\.\.\/alerts\/)fixtures\.js'/,
];

/** Whether a test file reaches the database through the port (or PostgreSQL itself). */
function usesPort(path, text) {
  // tests/api/setup.ts and tests/console/setup.ts (tempStore(), a city imported through the port) are
  // named './setup.js' by the files beside them.
  const dir = ['api', 'console'].find((d) => path.includes(`/tests/${d}/`));
  const own = dir ? text.replaceAll("'./setup.js'", `'../${dir}/setup.js'`) : text;
  return PORT_SETUPS.some((re) => re.test(own));
}

/** Test files that open their store through the port or talk to PostgreSQL. */
function portTestFiles(root) {
  const out = [];
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.test.ts') && usesPort(p, readFileSync(p, 'utf8'))) out.push(relative(root, p));
    }
  };
  walk(join(root, 'tests'));
  return out.sort();
}

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
  const files = store === 'postgres' && !args.some((a) => !a.startsWith('-')) ? portTestFiles(root) : [];
  const r = spawnSync(process.execPath, [vitest, 'run', ...files, ...args], {
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
