// Part of `npm run build`: tsc compiles src/ to dist/ but copies no data files. The migrations
// (SQL + drizzle's meta/_journal.json) must sit next to dist/store/db.js, which finds them
// relative to its own URL, or `node dist/cli/main.js` cannot create or upgrade a database.
// Usage: node scripts/copy-build-assets.mjs [outDir]   (default dist; the build test uses a temp dir)
import { cpSync, existsSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const outDir = resolve(root, process.argv[2] ?? 'dist');
const from = resolve(root, 'src/store/migrations');
const to = resolve(outDir, 'store/migrations');
if (!existsSync(resolve(outDir, 'store'))) {
  console.error(`${outDir}/store missing: run tsc -p tsconfig.build.json first`);
  process.exit(1);
}
rmSync(to, { recursive: true, force: true }); // a migration removed from src must not linger in the build
cpSync(from, to, { recursive: true });
console.log(`copied ${from} -> ${to}`);
