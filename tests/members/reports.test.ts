/**
 * Reports with a roster and sign-ins: the 党员管理 section of the branch's own report (names),
 * the committee summary's counts (no names), and the city-wide ranking (no names).
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { join } from 'node:path';
import { importFiles } from '../../src/import/index.js';
import { buildReports } from '../../src/reports/gather.js';
import { renderBranch, renderCommittee } from '../../src/reports/render/index.js';
import { rankingRows } from '../../src/reports/xlsx.js';
import { parsePeriod } from '../../src/domain/calendar.js';
import { config } from '../rules/build.js';
import { tempStore, type TempStore } from '../helpers/store.js';
import { NOW, writeCsv } from '../import/helpers.js';

let t: TempStore;
beforeEach(async () => {
  t = await tempStore();
});
afterEach(() => t.cleanup());
const f = (name: string) => join(t.dir, name);

it('shows participation per member, absent and probationary members in the branch report; counts elsewhere', async () => {
  await importFiles(t.store, [
    writeCsv(f('orgs.csv'), [
      ['code', 'name', 'kind', 'parent', 'domain', 'members', 'established_on'],
      ['C0', '市委', 'committee', null, null, null, null],
      ['B1', '一支部', 'branch', 'C0', 'organ', 3, '2010-01-01'],
      ['B2', '二支部', 'branch', 'C0', 'organ', 9, '2010-01-01'],
    ]),
    writeCsv(f('members.csv'), [
      ['id', 'org', 'name', 'status', 'joined_on', 'phone'],
      ['P1', 'B1', '张三', 'full', '2010-07-01', '13812345678'],
      ['P2', 'B1', '<李四>', 'full', '2012-07-01', null],
      ['P3', 'B1', '王五', 'probationary', '2025-11-20', null],
    ]),
    writeCsv(f('meetings.csv'), [
      ['id', 'org', 'type', 'held_at', 'expected', 'attended', 'minutes'],
      ['M1', 'B1', 'committee', '2026-03-05 09:00', 3, 2, 'yes'],
      ['M2', 'B1', 'theme_day', '2026-10-05 09:00', 3, 2, 'yes'],
      ['M3', 'B1', 'committee', '2026-11-05 09:00', 3, 2, 'yes'],
      ['M4', 'B2', 'committee', '2026-11-05 09:00', 9, 9, 'yes'],
    ]),
    writeCsv(f('signins.csv'), [
      ['meeting', 'member', 'status'],
      ['M1', 'P1', 'present'], ['M1', 'P2', 'present'],
      ['M2', 'P1', 'present'], ['M2', 'P3', 'excused'],
      ['M3', 'P1', 'present'], ['M3', 'P3', 'present'],
    ]),
  ], { now: NOW });
  const { reports, summaries } = await buildReports(t.store, config(), parsePeriod('2026-11')!, Date.parse('2026-12-05T01:00:00Z'), { previous: false });
  const b1 = reports.find((r) => r.org === 'B1')!;
  expect(b1.members!.lines.map((l) => `${l.id} ${l.tookPart}/${l.eligible} ${l.monthsAbsent}`)).toEqual(['P1 1/1 0', 'P2 0/1 8', 'P3 1/1 0']);
  expect(b1.members).toMatchObject({ roster: 3, tracked: 1, absent3: 1, absent6: 1 });
  expect(b1.members!.probationDue.map((p) => `${p.name} ${p.due}`)).toEqual(['王五 2026-11-20']);
  expect(b1.categories.find((c) => c.id === 'members')!.indicators.find((i) => i.id === 'participation')!.score).toBe(66.7);
  const html = renderBranch(b1, 'html');
  expect(html).toContain('&lt;李四&gt;');
  expect(html).not.toContain('<李四>');
  expect(html).not.toMatch(/1381234|5678/);
  expect(renderBranch(b1, 'md')).toMatch(/长期未参加组织生活：.*李四.*（8个月）/);
  // B2 has no roster: no section, the participation indicator is left out.
  expect(reports.find((r) => r.org === 'B2')!.members).toBeUndefined();

  const c0 = summaries.find((s) => s.org === 'C0')!;
  expect(c0.members).toEqual({ branches: 1, roster: 3, absent3: 1, absent6: 1, probationDue: 1 });
  expect(renderCommittee(c0, 'html')).toContain('连续3个月以上未参加组织生活 1 名');
  for (const text of [JSON.stringify(c0), JSON.stringify(rankingRows(reports))]) {
    expect(text).not.toContain('张三');
    expect(text).not.toContain('李四');
  }
});
