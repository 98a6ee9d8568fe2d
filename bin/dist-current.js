// Whether dist/ is current: dist/.build-stamp at least as new as every file under src/ (and the
// compiled CLI there). bin/orglife.js runs dist/ only then; the bench builds first when it is not.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const compiled = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
export const bundled = fileURLToPath(new URL('../dist/bundle/main.js', import.meta.url));
const stamp = fileURLToPath(new URL('../dist/.build-stamp', import.meta.url));
const sources = fileURLToPath(new URL('../src', import.meta.url));

/** Newest modification time of any file under dir (0 when it does not exist). */
function newestMtime(dir) {
  let newest = 0;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    const path = `${dir}/${e.name}`;
    if (e.isDirectory()) newest = Math.max(newest, newestMtime(path));
    else newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

export function distIsCurrent() {
  if (!existsSync(compiled) || !existsSync(stamp)) return false;
  return newestMtime(sources) <= statSync(stamp).mtimeMs;
}
