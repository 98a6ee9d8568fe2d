import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { importFiles } from '../../src/import/index.js';
import { ratingSchema } from '../../src/rating/config.js';
import { RatingError } from '../../src/rating/errors.js';
import { computeMovement, movementCounts } from '../../src/rating/movement.js';
import { weakReminders } from '../../src/rating/weak-reminders.js';
import { addWeakItem, chooseDemoSite, designateWeak, removeDesignation, resolveProblem, setMeasures } from '../../src/rating/weak-service.js';
import { weakCountsByCommittee } from '../../src/rating/weak.js';
import { loadRatingBranches, loadRatings } from '../../src/store/sqlite/ratings.js';
import { listDemoSites, listWeak, weakOrgsOn } from '../../src/store/sqlite/weak-branches.js';
import { tempDb, type TempDb } from '../helpers/db.js';
import { NOW, writeCsv } from '../import/helpers.js';

function refused(fn: () => unknown, re: RegExp): void {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(RatingError);
  expect((err as RatingError).zh).toMatch(re);
  expect((err as RatingError).en).toMatch(/[a-z]/);
}

describe('star movement, weak branches and demonstration sites', () => {
  let t: TempDb;
  beforeEach(async () => {
    t = tempDb();
    const orgs = writeCsv(join(t.dir, 'orgs.csv'), [
      ['code', 'name', 'kind', 'parent', 'domain', 'members', 'established_on'],
      ['C0', '市委', 'committee', '', '', '', ''],
      ['C1', '城关镇党委', 'committee', 'C0', '', '', ''],
      ['C2', '河西镇党委', 'committee', 'C0', '', '', ''],
      ['B1', '一村', 'branch', 'C1', 'rural', 20, '2000-01-01'],
      ['B2', '二村', 'branch', 'C1', 'rural', 20, '2000-01-01'],
      ['B3', '三村', 'branch', 'C2', 'rural', 20, '2000-01-01'],
      ['B4', '四村', 'branch', 'C2', 'rural', 20, '2000-01-01'],
      ['S1', '一中', 'branch', 'C2', 'school', 20, '2000-01-01'],
    ]);
    const ratings = writeCsv(join(t.dir, 'ratings.csv'), [
      ['org', 'year', 'stars'],
      ['B1', 2025, 3], ['B1', 2026, 5],
      ['B2', 2025, 5], ['B2', 2026, 4],
      ['B3', 2025, 4], ['B3', 2026, 4],
      ['B4', 2026, 2],
      ['S1', 2025, 4],
    ]);
    await importFiles(t.db, [orgs, ratings], { now: NOW });
  });
  afterEach(() => t.cleanup());

  it('year-over-year movement per branch, ranking positions, and counts per committee and domain', () => {
    const rows = computeMovement(loadRatingBranches(t.db), loadRatings(t.db), 2026);
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

  it('designation, the four measures, problems, cadres, notes, removal once rectified; counts per committee', () => {
    const db = t.db;
    refused(() => designateWeak(db, { org: 'B1', category: '风气不正', on: '2026-03-01', by: '组织部' }, NOW), /未知的软弱涣散类别/);
    refused(() => designateWeak(db, { org: 'C1', category: 'leadership', on: '2026-03-01', by: '组织部' }, NOW), /不是党支部/);
    const id = designateWeak(db, { org: 'B1', category: '班子不健全', on: '2026-03-01', reason: '书记长期缺职', by: '组织部' }, NOW);
    refused(() => designateWeak(db, { org: 'B1', category: 'other', on: '2026-04-01', by: '组织部' }, NOW), /尚未摘帽/);
    const d = setMeasures(db, id, { cityLeader: '刘副市长', townshipLeader: '李镇长', townshipLeaderEmail: 'li@example.cn', firstSecretary: '王某', pairedDepartment: '市财政局' });
    expect(d).toMatchObject({ category: 'leadership', cityLeader: '刘副市长', townshipLeader: '李镇长', firstSecretary: '王某', pairedDepartment: '市财政局' });
    const p1 = addWeakItem(db, id, 'problem', '班子不团结', NOW);
    addWeakItem(db, id, 'problem', '村务公开不及时', NOW);
    addWeakItem(db, id, 'cadre', '赵六（致富能手）', NOW);
    addWeakItem(db, id, 'note', '召开专题组织生活会', NOW);
    resolveProblem(db, p1, '调整充实班子', '2026-06-01');
    refused(() => resolveProblem(db, p1, '再次', '2026-06-02'), /不是问题清单中未解决的问题/);
    refused(() => removeDesignation(db, id, '2026-11-30', '验收合格'), /还有 1 个问题未解决/);
    expect(weakOrgsOn(db, '2026-11-30')).toEqual(new Set(['B1']));
    expect(weakCountsByCommittee(listWeak(db, { all: true }), (o) => (o === 'B1' ? 'C1' : null))).toEqual([
      { committee: 'C1', open: 1, removed: 0, problems: 2, resolved: 1, cadres: 1 },
    ]);
    const [second] = listWeak(db)[0]!.items.filter((i) => i.kind === 'problem' && !i.resolution);
    resolveProblem(db, second!.id, '建立公开栏', '2026-09-01');
    const removed = removeDesignation(db, id, '2026-11-30', '验收合格');
    expect(removed).toMatchObject({ removedOn: '2026-11-30', removalNote: '验收合格' });
    expect(weakOrgsOn(db, '2026-11-29')).toEqual(new Set(['B1']));
    expect(weakOrgsOn(db, '2026-11-30')).toEqual(new Set());
    refused(() => addWeakItem(db, id, 'note', '摘帽后', NOW), /已于 2026-11-30 摘帽/);
  });

  it('a monthly reminder per open designation to its township leader, never before the designation', () => {
    const id = designateWeak(t.db, { org: 'B2', category: 'org_life', on: '2026-03-15', by: '组织部' }, NOW);
    setMeasures(t.db, id, { townshipLeader: '李镇长', townshipLeaderPhone: '13912345678' });
    const cfg = ratingSchema.parse({});
    const names = new Map([['B2', '二村']]);
    expect(weakReminders(listWeak(t.db), names, '2026-03', cfg)).toEqual([]);
    const [r] = weakReminders(listWeak(t.db), names, '2026-04', cfg);
    expect(r).toMatchObject({ dedupKey: `weak:${id}:2026-04`, to: '李镇长', phone: '13912345678' });
    expect(r!.text).toMatch(/李镇长同志：二村（B2）自 2026-03-15 被确定为软弱涣散基层党组织.*尚未落实：市级领导联系、选派第一书记、市直部门结对/);
  });

  it('demonstration sites are chosen from five-star branches, with year and level', () => {
    refused(() => chooseDemoSite(t.db, { org: 'B2', year: 2026, level: 'city', note: null }, NOW), /评定为 4 星，示范点须从五星党支部中选树/);
    refused(() => chooseDemoSite(t.db, { org: 'B1', year: 2025, level: 'city', note: null }, NOW), /五星/);
    expect(chooseDemoSite(t.db, { org: 'B1', year: 2026, level: 'city', note: null }, NOW)).toBe('inserted');
    expect(chooseDemoSite(t.db, { org: 'B1', year: 2026, level: 'prefecture', note: '地市级示范' }, NOW)).toBe('updated');
    expect(chooseDemoSite(t.db, { org: 'B1', year: 2026, level: 'prefecture', note: '地市级示范' }, NOW)).toBe('unchanged');
    expect(listDemoSites(t.db, { year: 2026 })).toEqual([{ org: 'B1', year: 2026, level: 'prefecture', note: '地市级示范' }]);
  });
});
