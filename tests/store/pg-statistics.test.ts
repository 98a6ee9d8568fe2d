/**
 * Which tables the PostgreSQL adapter re-analyzes after bulk writes (src/store/postgres/statistics.ts):
 * the rule alone (pure); tests/store/port.test.ts runs it against a real server.
 */
import { describe, expect, it } from 'vitest';
import { staleTables } from '../../src/store/postgres/statistics.js';

const table = (over: Partial<Parameters<typeof staleTables>[0][number]>) => ({ name: 't', reltuples: 10_000, relpages: 100, pages: 100, changed: 0, ...over });

describe('staleTables', () => {
  it('a table never analyzed is stale once it has a few pages; a tiny one never is', () => {
    expect(staleTables([table({ reltuples: -1, relpages: 0, pages: 8 })])).toEqual(['t']);
    expect(staleTables([table({ reltuples: -1, relpages: 0, pages: 7 })])).toEqual([]);
  });
  it('grown by more than a fifth of its size at the last analyze (the file size: no counter lag)', () => {
    expect(staleTables([table({ pages: 128 })])).toEqual([]);
    expect(staleTables([table({ pages: 129 })])).toEqual(['t']);
  });
  it('changed in place by more than a fifth of its rows (the server counters)', () => {
    expect(staleTables([table({ changed: 3000 })])).toEqual([]);
    expect(staleTables([table({ changed: 3001 })])).toEqual(['t']);
  });
  it('names each stale table once, in the order given', () => {
    expect(staleTables([table({ name: 'a', pages: 500 }), table({ name: 'b' }), table({ name: 'c', reltuples: -1 })])).toEqual(['a', 'c']);
  });
});
