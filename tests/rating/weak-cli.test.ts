import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempStore, type TempStore } from '../helpers/store.js';
import { orglife } from './cli.js';
import { seedOrgs, seedRatings } from './seed.js';

// The weak-branch and demonstration-site commands through the real CLI, on the store tempStore() gives.
describe('orglife rating weak / demo-site (the real CLI)', { timeout: 180_000 }, () => {
  let t: TempStore;
  beforeEach(async () => {
    t = await tempStore();
    await seedOrgs(t, [['C0', '市委', 'committee', null], ['B1', '一村', 'branch', 'C0', 'rural'], ['B2', '二村', 'branch', 'C0', 'rural']]);
    await seedRatings(t, [{ org: 'B2', year: 2026, stars: 5, ratedOn: null }]);
  });
  afterEach(async () => t.cleanup());

  it('designates, records measures, lists without the phone, shows the month’s reminder; a demonstration site only from five stars', async () => {
    const d = await orglife(t.spec, ['rating', 'weak', 'designate', '--org', 'B1', '--category', 'org_life', '--on', '2026-03-01', '--by', '组织部']);
    expect(d.stdout).toMatch(/已确定「B1」为软弱涣散基层党组织，整顿编号 1/);
    const twice = await orglife(t.spec, ['rating', 'weak', 'designate', '--org', 'B1', '--category', 'other', '--on', '2026-04-01', '--by', '组织部']);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toMatch(/尚未摘帽.*already has an open designation/);
    expect((await orglife(t.spec, ['rating', 'weak', 'measures', '1', '--township-leader', '李镇长', '--township-leader-phone', '13912345678'])).stdout).toMatch(/尚未落实：市级领导联系、选派第一书记、市直部门结对/);
    const list = await orglife(t.spec, ['rating', 'weak', 'list', '--json']);
    const [row] = list.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(row).toMatchObject({ org: 'B1', townshipLeader: '李镇长', progress: { problems: 0 } });
    expect(row.townshipLeaderPhone).not.toContain('12345678');
    expect((await orglife(t.spec, ['rating', 'weak', 'show', '1'])).stdout).toMatch(/\[1\] 一村（B1）软弱涣散：组织生活不经常、不规范/);
    const rem = await orglife(t.spec, ['rating', 'weak', 'reminders', '--month', '2026-04', '--json']);
    expect(JSON.parse(rem.stdout.trim())).toMatchObject({ dedupKey: 'weak:1:2026-04', to: '李镇长' });
    // Removed (撤销) with its designation open: no longer due.
    await t.store.orgs.remove(['B1'], null, Date.now(), []);
    expect((await orglife(t.spec, ['rating', 'weak', 'reminders', '--month', '2026-05', '--json'])).stdout.trim()).toBe('');
    const no = await orglife(t.spec, ['rating', 'demo-site', 'add', '--org', 'B1', '--year', '2026', '--level', 'city']);
    expect(no.code).toBe(1);
    expect(no.stderr).toMatch(/示范点须从五星党支部中选树/);
    expect((await orglife(t.spec, ['rating', 'demo-site', 'add', '--org', 'B2', '--year', '2026', '--level', '市级'])).stdout).toMatch(/已选树/);
    expect(JSON.parse((await orglife(t.spec, ['rating', 'demo-site', 'list', '--json'])).stdout.trim())).toMatchObject({ org: 'B2', year: 2026, level: 'city', name: '二村' });
  });
});
