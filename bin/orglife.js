#!/usr/bin/env node
// Entry point for `npx orglife`. Runs the TypeScript sources through tsx so a fresh clone needs
// no build step; the Docker image runs the compiled dist/ instead (see Dockerfile).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const compiled = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
if (process.env.ORGLIFE_USE_DIST === '1' && existsSync(compiled)) {
  await import(compiled);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
