/**
 * The store's change token (reports.changeToken: the key of the preview's and the reports API's
 * caches): it moves when a write commits, on this handle or another, and only then — not while
 * an import's writes are uncommitted, not for a rolled-back transaction, not for reads. On
 * PostgreSQL it is this database's own counter: writes in another database of the same server do
 * not move it (the server-wide snapshot it once was moved with every database's writes).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Org } from '../../src/domain/types.js';
import { openStore } from '../../src/store/open.js';
import type { Store } from '../../src/store/port.js';
import { tempStore, type TempStore } from '../helpers/store.js';

const NOW = Date.UTC(2026, 10, 20, 2, 0);
const org = (code: string): Org => ({
  code, name: `组织${code}`, kind: 'committee', parent: null, domain: null, members: 10, groups: 0,
  secretary: null, secretaryPhone: null, secretaryEmail: null, clerk: null, clerkPhone: null, clerkEmail: null,
  electedOn: null, termYears: null, establishedOn: null,
});

async function importOrg(store: Store, code: string, commit = true): Promise<() => Promise<void>> {
  const s = await store.imports.begin();
  await s.beginFile('orgs');
  await s.upsert('orgs', [org(code)], [2], NOW);
  if (commit) await s.commit();
  return () => s.commit();
}

describe('reports.changeToken', () => {
  let t: TempStore;
  beforeEach(async () => {
    t = await tempStore();
  });
  afterEach(async () => t.cleanup());

  it('moves exactly when a write commits', async () => {
    const token = () => t.store.reports.changeToken();
    const a = await token();
    await t.store.orgs.count();
    await t.store.reports.history(['2026-10']);
    expect(await token()).toBe(a);
    // An import's writes, uncommitted, are not a change yet; its commit is.
    const commit = await importOrg(t.store, 'C1', false);
    expect(await token()).toBe(a);
    await commit();
    const b = await token();
    expect(b).not.toBe(a);
    // A transaction that rolls back (decide throws after nothing was applied) changes nothing.
    await expect(t.store.alerts.reconcile({ orgs: null, identities: [], now: NOW }, () => { throw new Error('no'); })).rejects.toThrow('no');
    expect(await token()).toBe(b);
    // Another handle's commit is seen.
    const other = await openStore(t.spec);
    try {
      await importOrg(other, 'C2');
    } finally {
      await other.close();
    }
    const c = await token();
    expect(c).not.toBe(b);
    // And this handle's own write.
    await t.store.runs.noteSchedule('evaluate', '0 8 * * *', NOW);
    expect(await token()).not.toBe(c);
  });
});

describe('reports.changeToken on PostgreSQL', () => {
  let here: TempStore;
  let there: TempStore;
  beforeEach(async () => {
    here = await tempStore({ kind: 'postgres' });
    there = await tempStore({ kind: 'postgres' });
  });
  afterEach(async () => {
    await here.cleanup();
    await there.cleanup();
  });

  it('is per database: writes in another database of the server leave it, a write here moves it', async () => {
    const a = await here.store.reports.changeToken();
    const b = await there.store.reports.changeToken();
    await importOrg(there.store, 'C9');
    await there.store.runs.noteSchedule('evaluate', '0 8 * * *', NOW);
    expect(await there.store.reports.changeToken()).not.toBe(b);
    expect(await here.store.reports.changeToken()).toBe(a);
    await importOrg(here.store, 'C1');
    expect(await here.store.reports.changeToken()).not.toBe(a);
  });
});
