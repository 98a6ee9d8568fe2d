// Part of `npm run build`: tsc compiles src/ to dist/ but copies no data files. Every store's
// migrations (SQL + drizzle's meta/_journal.json) must sit next to its compiled db.js, which finds
// them relative to its own URL, or `node dist/cli/main.js` cannot create or upgrade a database.
// Every folder named `migrations` under src/store is copied (SQLite's and PostgreSQL's).
// Usage: node scripts/copy-build-assets.mjs [outDir]   (default dist; the build test uses a temp dir)
import { cpSync, existsSync, readdirSync, rmSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const outDir = resolve(root, process.argv[2] ?? 'dist');
const src = resolve(root, 'src');
if (!existsSync(resolve(outDir, 'store'))) {
  console.error(`${outDir}/store missing: run tsc -p tsconfig.build.json first`);
  process.exit(1);
}

/** Folders named `migrations` at or under `dir`. */
function migrationDirs(dir) {
  const out = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (!e.isDirectory()) continue;
    const p = join(dir, e.name);
    if (e.name === 'migrations') out.push(p);
    else out.push(...migrationDirs(p));
  }
  return out;
}

const found = migrationDirs(resolve(src, 'store'));
if (!found.length) {
  console.error('no migrations folder under src/store');
  process.exit(1);
}
for (const from of found) {
  const to = resolve(outDir, relative(src, from));
  rmSync(to, { recursive: true, force: true }); // a migration removed from src must not linger in the build
  cpSync(from, to, { recursive: true });
  console.log(`copied ${from} -> ${to}`);
}

// The console's templates and its own script and stylesheet sit next to dist/console/plugin.js.
for (const dir of ['views', 'assets']) {
  const from = resolve(src, 'console', dir);
  const to = resolve(outDir, 'console', dir);
  rmSync(to, { recursive: true, force: true });
  cpSync(from, to, { recursive: true });
  console.log(`copied ${from} -> ${to}`);
}
