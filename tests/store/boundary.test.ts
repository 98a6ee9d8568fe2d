/**
 * Only src/store touches a database driver, drizzle, the SQLite modules, `$client` or transaction
 * keywords. While callers move to the Store port, the files still on the old synchronous paths are
 * listed here (take a file off once it is on the port): a file that is not listed and offends fails.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
const OFFENDS = /from\s+'(?:better-sqlite3|drizzle-orm[^']*|[^']*store\/sqlite\/[^']*)'|\$client|\b(?:BEGIN IMMEDIATE|SAVEPOINT|ROLLBACK TO)\b/;

/** Files not yet on the port (the transition's to-do list). */
const NOT_YET_ON_THE_PORT = new Set<string>([
]);

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('the store boundary', () => {
  const files = sources(join(ROOT, 'src'))
    .map((p) => relative(ROOT, p).split('\\').join('/'))
    .filter((p) => !p.startsWith('src/store/'));
  const offending = files.filter((p) => OFFENDS.test(readFileSync(join(ROOT, p), 'utf8')));

  it('keeps drivers, SQL transactions and the SQLite modules inside src/store (new code goes through the port)', () => {
    expect(offending.filter((p) => !NOT_YET_ON_THE_PORT.has(p))).toEqual([]);
  });
});
