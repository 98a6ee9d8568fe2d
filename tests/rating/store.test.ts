import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { importFiles } from '../../src/import/index.js';
import { designateWeak } from '../../src/rating/weak-service.js';
import { openStore } from '../../src/store/open.js';
import type { Store } from '../../src/store/port.js';
import { tempDb, type TempDb } from '../helpers/db.js';
import { NOW, writeCsv } from '../import/helpers.js';

describe('the rating repository of the store port (SQLite)', () => {
  let t: TempDb;
  let store: Store;
  beforeEach(async () => {
    t = tempDb();
    const orgs = writeCsv(join(t.dir, 'orgs.csv'), [
      ['code', 'name', 'kind', 'parent', 'domain', 'members', 'established_on', 'secretary'],
      ['C0', '市委', 'committee', '', '', '', '', ''],
      ['B1', '一村', 'branch', 'C0', 'rural', 20, '2000-01-01', '张三'],
    ]);
    const ratings = writeCsv(join(t.dir, 'r.csv'), [['org', 'year', 'stars', 'rated_on'], ['B1', 2025, 5, ''], ['B1', 2024, 4, '2024-12-30']]);
    await importFiles(t.db, [orgs, ratings], { now: NOW });
    designateWeak(t.db, { org: 'B1', category: 'other', on: '2026-02-01', by: '组织部' }, NOW);
    store = await openStore(t.path, { mustExist: true });
  });
  afterEach(async () => {
    await store.close();
    t.cleanup();
  });

  it('reads branches, ratings, star changes, designations and sites, and records a star change once', async () => {
    expect(await store.rating.branches()).toEqual([{ code: 'B1', name: '一村', parent: 'C0', parentName: '市委', domain: 'rural', secretary: '张三' }]);
    expect((await store.rating.ratings('B1')).get('B1')).toEqual([
      { org: 'B1', year: 2024, stars: 4, ratedOn: '2024-12-30' },
      { org: 'B1', year: 2025, stars: 5, ratedOn: null },
    ]);
    const change = { id: 'X1', org: 'B1', effectiveOn: '2026-06-15', stars: 0, channel: 'inspection' as const, reason: '巡察', evidence: null };
    expect(await store.rating.saveStarChange(change, NOW)).toBe('inserted');
    expect(await store.rating.saveStarChange(change, NOW)).toBe('unchanged');
    expect(await store.rating.saveStarChange({ ...change, stars: 1 }, NOW)).toBe('updated');
    expect((await store.rating.starChanges()).get('B1')).toEqual([{ ...change, stars: 1 }]);
    expect((await store.rating.weakDesignations()).map((d) => [d.org, d.category])).toEqual([['B1', 'other']]);
    expect(await store.rating.demoSites({ year: 2026 })).toEqual([]);
  });
});
