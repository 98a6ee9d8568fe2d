/** The exemptions repository on the store tempStore() gives (SQLite or PostgreSQL), and the pure matcher. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseDate, shanghaiMidnight } from '../../src/domain/calendar.js';
import { ancestry, coveredSpan, exemptionFor, inForce, partitionExempt, type Exemption } from '../../src/domain/exemptions.js';
import { tempStore, type TempStore } from '../helpers/store.js';

const NOW = shanghaiMidnight(2026, 11, 20) + 3600_000;

describe('exemptions repository', () => {
  let t: TempStore;
  beforeEach(async () => (t = await tempStore()));
  afterEach(async () => t.cleanup());

  it('adds, reads, lists and ends (kept, with who and why)', async () => {
    const a = await t.store.exemptions.add({ org: 'C1', rule: null, startsOn: '2026-11-01', endsOn: '2026-12-31', reason: '党委换届', approver: '县委组织部', createdBy: 'admin' }, NOW);
    expect(a).toMatchObject({ org: 'C1', rule: null, startsOn: '2026-11-01', endsOn: '2026-12-31', reason: '党委换届', createdAt: NOW, endedAt: null });
    const b = await t.store.exemptions.add({ org: 'B1', rule: 'lecture-quarterly', startsOn: '2026-01-01', endsOn: '2026-03-31', reason: '受灾', approver: '县委组织部', createdBy: 'admin' }, NOW + 1);
    expect(await t.store.exemptions.get(a.id)).toEqual(a);
    expect((await t.store.exemptions.list()).map((e) => e.id)).toEqual([b.id, a.id]);
    expect((await t.store.exemptions.list({ since: '2026-11-20' })).map((e) => e.id)).toEqual([a.id]);
    expect((await t.store.exemptions.list({ org: 'B1' })).map((e) => e.id)).toEqual([b.id]);
    const ended = await t.store.exemptions.end(a.id, 'admin2', '换届完成', NOW + 5);
    expect(ended).toMatchObject({ id: a.id, endedAt: NOW + 5, endedBy: 'admin2', endNote: '换届完成' });
    expect(await t.store.exemptions.end(a.id, 'admin2', null, NOW + 6)).toBe('ended');
    expect(await t.store.exemptions.end(999, 'admin2', null, NOW + 6)).toBe('unknown');
    expect((await t.store.exemptions.list()).map((e) => e.id)).toEqual([b.id]);
    expect((await t.store.exemptions.list({ all: true })).map((e) => e.id)).toEqual([b.id, a.id]);
  });});

describe('leaves repository', () => {
  let t: TempStore;
  beforeEach(async () => (t = await tempStore()));
  afterEach(async () => t.cleanup());

  it('reads one leave by id, an ended one too; an unknown id is undefined', async () => {
    const a = await t.store.leaves.add({ org: 'B1', startsOn: '2026-11-18', endsOn: '2026-11-25', reason: '住院', createdBy: 'admin' }, NOW);
    const b = await t.store.leaves.add({ org: 'B2', startsOn: '2026-11-19', endsOn: '2026-11-22', reason: null, createdBy: 'admin' }, NOW + 1);
    expect(await t.store.leaves.get(a.id)).toEqual(a);
    expect(await t.store.leaves.get(b.id)).toEqual(b);
    const ended = await t.store.leaves.end(a.id, 'admin2', NOW + 5);
    expect(await t.store.leaves.get(a.id)).toEqual(ended);
    expect(await t.store.leaves.get(a.id)).toMatchObject({ endedAt: NOW + 5, endedBy: 'admin2' });
    expect(await t.store.leaves.get(b.id + 100)).toBeUndefined();
  });
});

function ex(over: Partial<Exemption>): Exemption {
  return { id: 1, org: 'C1', rule: null, startsOn: '2026-11-01', endsOn: '2026-11-30', reason: '换届', approver: '组织部', createdBy: 'a', createdAt: 0, endedAt: null, endedBy: null, endNote: null, ...over };
}

describe('exemption matching (pure)', () => {
  const parents: Record<string, string | null> = { B1: 'T1', T1: 'C1', C1: null, B2: 'T2', T2: 'C1' };
  const chain = (code: string) => ancestry(code, (c) => parents[c]);

  it('covers the org and its subtree, one rule or all, by due date or while in force', () => {
    expect(chain('B1')).toEqual(['B1', 'T1', 'C1']);
    const e = ex({ org: 'T1' });
    const dueIn = parseDate('2026-11-15')!;
    const dueBefore = parseDate('2026-10-15')!;
    const after = parseDate('2026-12-10')!;
    expect(exemptionFor({ orgs: chain('B1'), rule: 'committee-monthly', dueAt: dueIn }, [e], after)).toBe(e);
    expect(exemptionFor({ orgs: chain('B2'), rule: 'committee-monthly', dueAt: dueIn }, [e], after)).toBeNull(); // another township
    expect(exemptionFor({ orgs: chain('B1'), rule: 'committee-monthly', dueAt: dueBefore }, [e], after)).toBeNull(); // due before, exemption over
    expect(exemptionFor({ orgs: chain('B1'), rule: 'committee-monthly', dueAt: dueBefore }, [e], dueIn)).toBe(e); // in force now
    const oneRule = ex({ org: 'B1', rule: 'lecture-quarterly' });
    expect(exemptionFor({ orgs: chain('B1'), rule: 'committee-monthly', dueAt: dueIn }, [oneRule], dueIn)).toBeNull();
    expect(exemptionFor({ orgs: chain('B1'), rule: 'lecture-quarterly', dueAt: dueIn }, [oneRule], dueIn)).toBe(oneRule);
  });

  it('the last day is covered whole; ending early cuts it short', () => {
    const e = ex({});
    expect(coveredSpan(e)).toEqual({ from: shanghaiMidnight(2026, 11, 1), to: shanghaiMidnight(2026, 12, 1) });
    expect(inForce(e, shanghaiMidnight(2026, 12, 1) - 1)).toBe(true);
    expect(inForce(e, shanghaiMidnight(2026, 12, 1))).toBe(false);
    const cut = ex({ endedAt: shanghaiMidnight(2026, 11, 10) });
    expect(inForce(cut, shanghaiMidnight(2026, 11, 12))).toBe(false);
    expect(exemptionFor({ orgs: ['C1'], rule: 'x', dueAt: shanghaiMidnight(2026, 11, 20) }, [cut], shanghaiMidnight(2026, 12, 5))).toBeNull();
  });

  it('of several, shows the one ending last', () => {
    const short = ex({ id: 1, endsOn: '2026-11-20' });
    const long = ex({ id: 2, endsOn: '2027-01-31' });
    expect(exemptionFor({ orgs: ['C1'], rule: 'x', dueAt: shanghaiMidnight(2026, 11, 10) }, [short, long], shanghaiMidnight(2026, 11, 10))?.id).toBe(2);
  });
});

describe('partitionExempt', () => {
  it('splits findings into standing and exempt ones, with the covering exemption', () => {
    const parents: Record<string, string | null> = { B1: 'T1', B2: 'T2', T1: 'C1', T2: 'C1', C1: null };
    const due = parseDate('2026-11-15')!;
    const f = (org: string, rule: string) => ({ org, rule, dueAt: due, message: `${org}:${rule}` });
    const e = ex({ org: 'T1' });
    const r = partitionExempt([f('B1', 'a'), f('B2', 'a'), f('T1', 'b')], [e], (c) => parents[c], due);
    expect(r.standing.map((x) => x.message)).toEqual(['B2:a']);
    expect(r.exempt.map((x) => [x.finding.message, x.exemption.id])).toEqual([['B1:a', 1], ['T1:b', 1]]);
    expect(partitionExempt([f('B1', 'a')], [], (c) => parents[c], due).standing).toHaveLength(1);
  });
});
