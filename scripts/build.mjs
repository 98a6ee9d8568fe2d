// `npm run build`, and `npm ci` / `npm install` through the `prepare` script: compile src/ to dist/
// (tsc -p tsconfig.build.json), copy the migrations beside it, bundle the CLI into dist/bundle/
// (scripts/bundle.mjs, what bin/orglife.js runs), then write dist/.build-stamp dated
// when the build STARTED. bin/orglife.js runs dist/ only while no file under src/ is newer than the
// stamp (an edit made during the build therefore counts as not built yet).
// `--if-possible` (the prepare script): skip, saying why, when there is nothing to build here —
// no src/ (the Docker build installs packages before copying the sources) or no TypeScript compiler
// (`npm ci --omit=dev`); bin/orglife.js then runs the sources through tsx, or the later build.
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, openSync, utimesSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const ifPossible = process.argv.includes('--if-possible');
const started = new Date();

let tsc;
try {
  // typescript's `exports` hides bin/tsc from require.resolve: find the package, then its bin.
  tsc = resolve(dirname(createRequire(resolve(root, 'package.json')).resolve('typescript/package.json')), 'bin/tsc');
} catch {
  tsc = null;
}
const missing = !existsSync(resolve(root, 'src/cli/main.ts')) ? 'src/' : !tsc ? 'the typescript package' : null;
if (missing) {
  if (!ifPossible) {
    console.error(`cannot build: ${missing} missing`);
    process.exit(1);
  }
  console.log(`orglife: build skipped (${missing} not installed here); run \`npm run build\` later`);
  process.exit(0);
}

execFileSync(process.execPath, [tsc, '-p', resolve(root, 'tsconfig.build.json')], { stdio: 'inherit', cwd: root });
execFileSync(process.execPath, [resolve(root, 'scripts/copy-build-assets.mjs')], { stdio: 'inherit', cwd: root });
execFileSync(process.execPath, [resolve(root, 'scripts/bundle.mjs')], { stdio: 'inherit', cwd: root });
const stamp = resolve(root, 'dist/.build-stamp');
closeSync(openSync(stamp, 'w'));
utimesSync(stamp, started, started);
