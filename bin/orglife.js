#!/usr/bin/env node
// Entry point for `npx orglife`. Runs the compiled JavaScript in dist/ (built by `npm ci` through the
// `prepare` script, or `npm run build`) when it is current, so a call pays no TypeScript compilation:
// the bundle dist/bundle/main.js (scripts/bundle.mjs: a few files to load instead of ~470 modules)
// when the build made one, else dist/cli/main.js.
// "Current" means dist/.build-stamp is at least as new as every file under src/: while src/ is being
// edited (or after a `git pull`, before the next build) the sources run through tsx instead, so the
// command and the tests always run what src/ says. ORGLIFE_USE_DIST=1 forces dist/ (the Docker image
// has no src/), ORGLIFE_USE_DIST=0 forces the sources.
import { existsSync } from 'node:fs';
import { bundled, compiled, distIsCurrent } from './dist-current.js';

const mode = process.env.ORGLIFE_USE_DIST;
if (mode === '1' ? existsSync(compiled) : mode !== '0' && distIsCurrent()) {
  await import(existsSync(bundled) ? bundled : compiled);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
