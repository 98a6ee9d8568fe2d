import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ratingSchema } from '../../src/rating/config.js';
import { RatingError } from '../../src/rating/errors.js';
import { computeMovement, movementCounts } from '../../src/rating/movement.js';
import { weakReminders } from '../../src/rating/weak-reminders.js';
import { addWeakItem, chooseDemoSite, designateWeak, removeDesignation, resolveProblem, setMeasures } from '../../src/rating/weak-service.js';
import { weakCountsByCommittee, weakOrgsOn } from '../../src/rating/weak.js';
import { tempStore, type TempStore } from '../helpers/store.js';
import { NOW, seedOrgs, seedRatings } from './seed.js';

async function refused(fn: () => unknown, re: RegExp): Promise<void> {
  let err: unknown;
  try {
    await fn();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(RatingError);
  expect((err as RatingError).zh).toMatch(re);
  expect((err as RatingError).en).toMatch(/[a-z]/);
}

describe('star movement, weak branches and demonstration sites', () => {
  let t: TempStore;
  beforeEach(async () => {
    t = await tempStore();
    await seedOrgs(t, [
      ['C0', '市委', 'committee', null],
      ['C1', '城关镇党委', 'committee', 'C0'],
      ['C2', '河西镇党委', 'committee', 'C0'],
      ['B1', '一村', 'branch', 'C1', 'rural'],
      ['B2', '二村', 'branch', 'C1', 'rural'],
      ['B3', '三村', 'branch', 'C2', 'rural'],
      ['B4', '四村', 'branch', 'C2', 'rural'],
      ['S1', '一中', 'branch', 'C2', 'school'],
    ]);
    const r = (org: string, year: number, stars: number) => ({ org, year, stars, ratedOn: null });
    await seedRatings(t, [r('B1', 2025, 3), r('B1', 2026, 5), r('B2', 2025, 5), r('B2', 2026, 4), r('B3', 2025, 4), r('B3', 2026, 4), r('B4', 2026, 2), r('S1', 2025, 4)]);
  });
  afterEach(async () => t.cleanup());

  it('year-over-year movement per branch, ranking positions, and counts per committee and domain', async () => {
    const rows = computeMovement(await t.store.rating.branches(), await t.store.rating.ratings(), 2026);
    expect(rows.map((r) => [r.org, r.previous, r.stars, r.move, r.previousRank, r.rank, r.rankChange])).toEqual([
      ['B1', 3, 5, 'up', 3, 1, 2],
      ['B2', 5, 4, 'down', 1, 2, -1],
      ['B3', 4, 4, 'same', 2, 2, 0],
      ['B4', null, 2, 'new', null, 4, null],
      ['S1', 4, null, 'dropped', 1, null, null],
    ]);
    expect(movementCounts(rows, 'committee')).toEqual([
      { key: 'C1', name: '城关镇党委', up: 1, down: 1, same: 0, new: 0, dropped: 0 },
      { key: 'C2', name: '河西镇党委', up: 0, down: 0, same: 1, new: 1, dropped: 1 },
    ]);
    expect(movementCounts(rows, 'domain').map((c) => [c.key, c.up, c.down, c.same, c.new, c.dropped])).toEqual([
      ['rural', 1, 1, 1, 1, 0],
      ['school', 0, 0, 0, 0, 1],
    ]);
  });

  it('designation, the four measures, problems, cadres, notes, removal once rectified; counts per committee', async () => {
    const db = t.store;
    const weakOn = async (day: string) => weakOrgsOn(await db.rating.weakDesignations({ all: true }), day);
    await refused(() => designateWeak(db, { org: 'B1', category: '风气不正', on: '2026-03-01', by: '组织部' }, NOW), /未知的软弱涣散类别/);
    await refused(() => designateWeak(db, { org: 'C1', category: 'leadership', on: '2026-03-01', by: '组织部' }, NOW), /不是党支部/);
    const id = await designateWeak(db, { org: 'B1', category: '班子不健全', on: '2026-03-01', reason: '书记长期缺职', by: '组织部' }, NOW);
    await refused(() => designateWeak(db, { org: 'B1', category: 'other', on: '2026-04-01', by: '组织部' }, NOW), /尚未摘帽/);
    const d = await setMeasures(db, id, { cityLeader: '刘副市长', townshipLeader: '李镇长', townshipLeaderEmail: 'li@example.cn', firstSecretary: '王某', pairedDepartment: '市财政局' });
    expect(d).toMatchObject({ category: 'leadership', cityLeader: '刘副市长', townshipLeader: '李镇长', firstSecretary: '王某', pairedDepartment: '市财政局' });
    const p1 = await addWeakItem(db, id, 'problem', '班子不团结', NOW);
    await addWeakItem(db, id, 'problem', '村务公开不及时', NOW);
    await addWeakItem(db, id, 'cadre', '赵六（致富能手）', NOW);
    await addWeakItem(db, id, 'note', '召开专题组织生活会', NOW);
    await resolveProblem(db, p1, '调整充实班子', '2026-06-01');
    await refused(() => resolveProblem(db, p1, '再次', '2026-06-02'), /不是问题清单中未解决的问题/);
    await refused(() => removeDesignation(db, id, '2026-11-30', '验收合格'), /还有 1 个问题未解决/);
    expect(await weakOn('2026-11-30')).toEqual(new Set(['B1']));
    expect(weakCountsByCommittee(await db.rating.weakDesignations({ all: true }), (o) => (o === 'B1' ? 'C1' : null))).toEqual([
      { committee: 'C1', open: 1, removed: 0, problems: 2, resolved: 1, cadres: 1 },
    ]);
    const [second] = (await db.rating.weakDesignations())[0]!.items.filter((i) => i.kind === 'problem' && !i.resolution);
    await resolveProblem(db, second!.id, '建立公开栏', '2026-09-01');
    const removed = await removeDesignation(db, id, '2026-11-30', '验收合格');
    expect(removed).toMatchObject({ removedOn: '2026-11-30', removalNote: '验收合格' });
    expect(await weakOn('2026-11-29')).toEqual(new Set(['B1']));
    expect(await weakOn('2026-11-30')).toEqual(new Set());
    await refused(() => addWeakItem(db, id, 'note', '摘帽后', NOW), /已于 2026-11-30 摘帽/);
  });

  it('a monthly reminder per open designation to its township leader, never before the designation', async () => {
    const id = await designateWeak(t.store, { org: 'B2', category: 'org_life', on: '2026-03-15', by: '组织部' }, NOW);
    await setMeasures(t.store, id, { townshipLeader: '李镇长', townshipLeaderPhone: '13912345678' });
    const cfg = ratingSchema.parse({});
    const names = new Map([['B2', '二村']]);
    expect(weakReminders(await t.store.rating.weakDesignations(), names, '2026-03', cfg)).toEqual([]);
    const [r] = weakReminders(await t.store.rating.weakDesignations(), names, '2026-04', cfg);
    expect(r).toMatchObject({ dedupKey: `weak:${id}:2026-04`, to: '李镇长', phone: '13912345678' });
    expect(r!.text).toMatch(/李镇长同志：二村（B2）自 2026-03-15 被确定为软弱涣散基层党组织.*尚未落实：市级领导联系、选派第一书记、市直部门结对/);
  });

  it('demonstration sites are chosen from five-star branches, with year and level', async () => {
    await refused(() => chooseDemoSite(t.store, { org: 'B2', year: 2026, level: 'city', note: null }, NOW), /评定为 4 星，示范点须从五星党支部中选树/);
    await refused(() => chooseDemoSite(t.store, { org: 'B1', year: 2025, level: 'city', note: null }, NOW), /五星/);
    expect(await chooseDemoSite(t.store, { org: 'B1', year: 2026, level: 'city', note: null }, NOW)).toBe('inserted');
    expect(await chooseDemoSite(t.store, { org: 'B1', year: 2026, level: 'prefecture', note: '地市级示范' }, NOW)).toBe('updated');
    expect(await chooseDemoSite(t.store, { org: 'B1', year: 2026, level: 'prefecture', note: '地市级示范' }, NOW)).toBe('unchanged');
    expect(await t.store.rating.demoSites({ year: 2026 })).toEqual([{ org: 'B1', year: 2026, level: 'prefecture', note: '地市级示范' }]);
  });
});
