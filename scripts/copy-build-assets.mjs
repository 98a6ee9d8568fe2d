// Part of `npm run build`: tsc compiles src/ to dist/ but copies no data files. The migrations
// (SQL + drizzle's meta/_journal.json) must sit next to dist/store/db.js, which finds them
// relative to its own URL, or `node dist/cli/main.js` cannot create or upgrade a database.
import { cpSync, existsSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const from = `${root}src/store/migrations`;
const to = `${root}dist/store/migrations`;
if (!existsSync(`${root}dist/store`)) {
  console.error('dist/store missing: run tsc -p tsconfig.build.json first');
  process.exit(1);
}
rmSync(to, { recursive: true, force: true }); // a migration removed from src must not linger in dist
cpSync(from, to, { recursive: true });
console.log(`copied ${from} -> ${to}`);
