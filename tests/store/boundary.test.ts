/**
 * Only src/store touches a database driver, drizzle, the SQLite modules, `$client` or transaction
 * keywords. While callers move to the Store port, the files still on the old synchronous paths are
 * listed here (take a file off once it is on the port): a file that is not listed and offends fails.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
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

/** Relative module specifiers a file imports (static, re-exports, side-effect and dynamic imports). */
function relativeImports(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)['"](\.{1,2}\/[^'"]+)['"]/g)) out.push(m[1]!);
  return out;
}

/** The adapter a store file belongs to ('sqlite', 'postgres'), or null for the neutral part (port, rows, types…). */
function adapterOf(storePath: string): string | null {
  const m = /^src\/store\/(sqlite|postgres)\//.exec(storePath);
  return m ? m[1]! : null;
}

describe('the adapters of the store', () => {
  const store = sources(join(ROOT, 'src/store')).map((p) => relative(ROOT, p).split('\\').join('/'));
  /** file → [imported file] for every import of one adapter by a file outside it. */
  const crossings = store.flatMap((p) => {
    const own = adapterOf(p);
    return relativeImports(readFileSync(join(ROOT, p), 'utf8'))
      .map((spec) => relative(ROOT, resolve(dirname(join(ROOT, p)), spec)).split('\\').join('/'))
      .filter((target) => {
        const theirs = adapterOf(target);
        return theirs !== null && theirs !== own && (own !== null || /^src\/store\/(rows|types)\//.test(p));
      })
      .map((target) => `${p} → ${target}`);
  });

  it('never import each other, and rows/ and types/ import neither (what both share lives in src/store/rows or src/store/types)', () => {
    expect(crossings).toEqual([]);
  });

  it('finds a crossing when there is one', () => {
    expect(relativeImports(`import type { X } from '../sqlite/deliveries.js';\nexport { Y } from "../postgres/q.js";\nconst z = await import('../sqlite/db.js');`)).toEqual([
      '../sqlite/deliveries.js',
      '../postgres/q.js',
      '../sqlite/db.js',
    ]);
    expect(adapterOf('src/store/postgres/facts.ts')).toBe('postgres');
    expect(adapterOf('src/store/rows/upserts.ts')).toBeNull();
  });
});

/**
 * Relative modules a file re-exports from: `export … from`, `export type … from`, `export * from`,
 * and `export { x }` / `export type { x }` of a name the file imports (named by the module it came from).
 */
function reExports(text: string): string[] {
  const out = [...text.matchAll(/^export\s+(?:type\s+)?(?:\*(?:\s+as\s+\w+)?|\{[^}]*\})\s*from\s*['"](\.{1,2}\/[^'"]+)['"]/gm)].map((m) => m[1]!);
  const importedFrom = new Map<string, string>();
  for (const m of text.matchAll(/^import\s+(?:type\s+)?\{([^}]*)\}\s*from\s*['"](\.{1,2}\/[^'"]+)['"]/gm)) {
    for (const n of m[1]!.split(',')) {
      const name = n.replace(/^\s*type\s+/, '').split(/\s+as\s+/).at(-1)!.trim();
      if (name) importedFrom.set(name, m[2]!);
    }
  }
  for (const m of text.matchAll(/^export\s+(?:type\s+)?\{([^}]*)\}\s*;/gm)) {
    for (const n of m[1]!.split(',')) {
      const from = importedFrom.get(n.replace(/^\s*type\s+/, '').split(/\s+as\s+/)[0]!.trim());
      if (from) out.push(from);
    }
  }
  return out;
}

/** The part of src/store a file belongs to: its adapter, types/, rows/, or the port's folder itself. */
function partOf(storePath: string): string {
  return /^src\/store\/(sqlite|postgres|types|rows)\//.exec(storePath)?.[1] ?? (storePath.startsWith('src/store/') && !storePath.slice(10).includes('/') ? 'port' : storePath);
}

describe('the row types of the store', () => {
  const storeFiles = sources(join(ROOT, 'src/store')).map((p) => relative(ROOT, p).split('\\').join('/'));
  /** file → re-exported module, for every re-export of a module outside the file's part of the store (another part, src/domain, src/rating…). */
  const foreign = storeFiles.flatMap((p) =>
    reExports(readFileSync(join(ROOT, p), 'utf8'))
      .map((spec) => relative(ROOT, resolve(dirname(join(ROOT, p)), spec)).split('\\').join('/'))
      .filter((target) => partOf(target) !== partOf(p))
      .map((target) => `${p} → ${target}`),
  );

  it('are imported from the module that owns them: no store file re-exports what another part owns (a schema barrel may gather its own tables)', () => {
    expect(foreign).toEqual([]);
  });

  it('finds a re-export when there is one', () => {
    const text = [
      `export type { A, B } from '../types/alerts.js';`,
      `export * from './schema/records.js';`,
      `export { c } from "../rows/x.js";`,
      `export function f() {}`,
      `import { d, type E } from '../types/d.js';`,
      `import type { G } from '../../rating/types.js';`,
      `export type { E, G };`,
      `const h = 1;`,
      `export { h };`,
    ].join('\n');
    expect(reExports(text)).toEqual(['../types/alerts.js', './schema/records.js', '../rows/x.js', '../types/d.js', '../../rating/types.js']);
    expect(['src/store/sqlite/a.ts', 'src/store/types/b.ts', 'src/store/rows/c.ts', 'src/store/port.ts', 'src/rating/types.ts'].map(partOf)).toEqual(['sqlite', 'types', 'rows', 'port', 'src/rating/types.ts']);
  });
});
