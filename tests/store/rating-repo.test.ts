/** The rating repository through the port, on the store tempStore() gives (SQLite, or PostgreSQL). */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempStore, type TempStore } from '../helpers/store.js';
import type { StarChangeFact } from '../../src/rating/types.js';

const NOW = Date.UTC(2026, 10, 20, 2, 0);

describe('rating repository', () => {
  let t: TempStore;
  beforeEach(async () => {
    t = await tempStore();
    const s = await t.store.imports.begin();
    await s.beginFile('orgs');
    const base = { members: 10, groups: 0, secretaryPhone: null, secretaryEmail: null, clerk: null, clerkPhone: null, clerkEmail: null, electedOn: null, termYears: null, establishedOn: '2000-01-01' };
    await s.upsert(
      'orgs',
      [
        { ...base, code: 'C1', name: '镇党委', kind: 'committee', parent: null, domain: null, secretary: null },
        { ...base, code: 'B2', name: '二支部', kind: 'branch', parent: 'C1', domain: 'organ', secretary: '李四' },
        { ...base, code: 'B1', name: '一支部', kind: 'branch', parent: 'C1', domain: 'rural', secretary: '张三' },
      ],
      [2, 3, 4],
      NOW,
    );
    await s.commit();
  });
  afterEach(async () => t.cleanup());

  it('lists branches with their committee, records star changes once, and reads them back by branch', async () => {
    expect(await t.store.rating.branches()).toEqual([
      { code: 'B1', name: '一支部', parent: 'C1', parentName: '镇党委', domain: 'rural', secretary: '张三' },
      { code: 'B2', name: '二支部', parent: 'C1', parentName: '镇党委', domain: 'organ', secretary: '李四' },
    ]);
    const change = { id: 'S1', org: 'B1', effectiveOn: '2026-06-01', stars: 0, channel: 'inspection', reason: '摘星', evidence: null } satisfies StarChangeFact;
    expect(await t.store.rating.saveStarChange(change, NOW)).toBe('inserted');
    expect(await t.store.rating.saveStarChange(change, NOW + 1)).toBe('unchanged');
    expect(await t.store.rating.saveStarChange({ ...change, stars: 3 }, NOW + 2)).toBe('updated');
    expect(await t.store.rating.starChanges()).toEqual(new Map([['B1', [{ ...change, stars: 3 }]]]));
    expect(await t.store.rating.starChanges('B2')).toEqual(new Map());
    expect(await t.store.rating.ratings()).toEqual(new Map());
    expect(await t.store.rating.weakDesignations({ all: true })).toEqual([]);
    expect(await t.store.rating.demoSites()).toEqual([]);
  });
});
