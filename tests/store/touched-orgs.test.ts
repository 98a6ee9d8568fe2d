/**
 * The store's side of incremental re-evaluation, on both stores: an import session names the orgs
 * it changed (ImportSession.touchedOrgs: inserted and updated rows, the branch a moved meeting
 * left; unchanged rows touch nothing), and facts.branchIdsUnderAny turns such a set into branches.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importRecords } from '../../src/import/index.js';
import { tempStore, type TempStore } from '../helpers/store.js';

const NOW = Date.parse('2026-11-20T09:00:00+08:00');
const branch = (code: string, parent: string) => ({ code, name: `${code}党支部`, kind: 'branch', parent, domain: 'community', members: 20, established_on: '2010-05-01' });
const ORGS = [
  { code: 'C0', name: '市委', kind: 'committee' },
  { code: 'C1', name: '镇党委', kind: 'committee', parent: 'C0' },
  branch('B1', 'C0'),
  branch('B2', 'C0'),
  branch('B3', 'C1'),
  branch('B4', 'C1'),
];
const meeting = (id: string, org: string, attended = 18) => ({ id, org, type: 'assembly', held_at: '2026-10-10T09:00:00+08:00', expected: 20, attended, minutes: true });

describe('touched orgs of an import (both stores)', () => {
  let t: TempStore;
  beforeEach(async () => {
    t = await tempStore();
  });
  afterEach(() => t.cleanup());

  const push = async (table: string, rows: Record<string, unknown>[]) => {
    let touched: string[] | undefined;
    await importRecords(t.store, table, rows, 'test', { now: NOW, onTouched: (o) => (touched = o) });
    return touched;
  };

  it('names the orgs of inserted and updated rows, the branch a moved meeting left, and nothing for unchanged rows', async () => {
    expect(await push('orgs', ORGS)).toEqual(['B1', 'B2', 'B3', 'B4', 'C0', 'C1']);
    expect(await push('meetings', [meeting('M1', 'B1'), meeting('M2', 'B2')])).toEqual(['B1', 'B2']);
    expect(await push('meetings', [meeting('M1', 'B1'), meeting('M2', 'B2')])).toEqual([]);
    // M2 changes in place (its branch only); M1 moves from B1 to B3 (both).
    expect(await push('meetings', [meeting('M1', 'B3'), meeting('M2', 'B2', 12)])).toEqual(['B1', 'B2', 'B3']);
    expect(await push('orgs', [{ ...branch('B4', 'C1'), members: 30 }])).toEqual(['B4']);
    // Two meetings leaving the same branch in one command (the left branch noted once).
    expect(await push('meetings', [meeting('M3', 'B2'), meeting('M4', 'B2')])).toEqual(['B2']);
    expect(await push('meetings', [meeting('M3', 'B4'), meeting('M4', 'B4')])).toEqual(['B2', 'B4']);
  });

  it('gives nothing for a rejected import, and before commit the session reports what its finished tables wrote', async () => {
    await push('orgs', ORGS);
    await expect(push('meetings', [meeting('M1', 'B1'), meeting('M9', 'NOPE')])).rejects.toThrow();
    const s = await t.store.imports.begin();
    try {
      const refs = await s.orgRefs();
      await s.beginFile('meetings', 'test');
      const m = { id: 'M5', orgId: refs.get('B2')!.id };
      await s.upsert('meetings', [{ meeting: { id: m.id, org: 'B2', type: 'assembly', heldAt: NOW - 86_400_000, expected: 20, attended: 18, minutes: true, lecturerRole: null, topic: null }, orgId: m.orgId }], [1], NOW);
      await s.finishTable('meetings'); // a staged table (PostgreSQL) is written when it finishes
      expect(await s.touchedOrgs()).toEqual(['B2']);
    } finally {
      await s.rollback();
    }
  });

  it('turns codes into the branches at or under them (committees: their subtree), once each, ascending', async () => {
    await push('orgs', ORGS);
    const byCode = await t.store.orgs.headers(['B1', 'B2', 'B3', 'B4']);
    const id = (c: string) => byCode.get(c)!.id;
    expect(await t.store.facts.branchIdsUnderAny(['C1', 'B1', 'B3', 'NOPE'])).toEqual([id('B1'), id('B3'), id('B4')].sort((a, b) => a - b));
    expect(await t.store.facts.branchIdsUnderAny(['C0'])).toEqual([id('B1'), id('B2'), id('B3'), id('B4')].sort((a, b) => a - b));
    expect(await t.store.facts.branchIdsUnderAny([])).toEqual([]);
  });
});

describe('an import session committed without finishTable (both stores)', () => {
  it('writes the rows it took: a staged table (PostgreSQL) is applied at commit, not dropped', async () => {
    const t = await tempStore();
    try {
      await importRecords(t.store, 'orgs', ORGS, 'test', { now: NOW });
      const s = await t.store.imports.begin();
      const refs = await s.orgRefs();
      await s.beginFile('meetings', 'test');
      const m = { id: 'M7', org: 'B2', type: 'assembly' as const, heldAt: NOW - 86_400_000, expected: 20, attended: 18, minutes: true, lecturerRole: null, topic: '议题' };
      await s.upsert('meetings', [{ meeting: m, orgId: refs.get('B2')!.id }], [1], NOW);
      await s.commit();
      expect(await s.touchedOrgs()).toEqual(['B2']);
      expect((await t.store.console.recentMeetingsOf('B2', 5)).map((x) => x.recordId)).toEqual(['M7']);
    } finally {
      await t.cleanup();
    }
  });
});
