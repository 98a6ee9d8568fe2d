/** Reports label lapses of periods that ended before go-live (alerts.start_from) as 上线前 history. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePeriod, parseTimestamp } from '../../src/domain/calendar.js';
import { buildReports } from '../../src/reports/gather.js';
import { renderBranchHtml } from '../../src/reports/render/html.js';
import { renderBranchMarkdown } from '../../src/reports/render/markdown.js';
import { branch, committee, insertOrgs } from '../check/seed.js';
import { shippedConfig } from '../helpers/config.js';
import { tempStore, type TempStore } from '../helpers/store.js';

describe('go-live history in reports', () => {
  let t: TempStore;
  beforeAll(async () => {
    t = await tempStore();
    await insertOrgs(t.store, [committee('C1', '县委'), branch('B1', '甲村党支部', 'C1')]);
  });
  afterAll(async () => t.cleanup());

  it('marks the lapses of a period that ended before go-live, and only those', async () => {
    const before = shippedConfig();
    before.alerts.start_from = '2026-11-15';
    const r = (await buildReports(t.store, before, parsePeriod('2026-10')!, parseTimestamp('2026-11-20T09:00')!)).reports[0]!;
    const lapses = r.problems.filter((p) => p.rule !== 'term-expiry');
    expect(lapses.length).toBeGreaterThan(0);
    expect(lapses.every((p) => p.history === true)).toBe(true);
    expect(renderBranchHtml(r)).toContain('上线前（系统启用前的历史问题，未发送提醒）');
    expect(renderBranchMarkdown(r)).toContain('上线前');
    const after = shippedConfig();
    after.alerts.start_from = '2026-09-01';
    const r2 = (await buildReports(t.store, after, parsePeriod('2026-10')!, parseTimestamp('2026-11-20T09:00')!)).reports[0]!;
    expect(r2.problems.some((p) => p.history)).toBe(false);
    expect(renderBranchHtml(r2)).not.toContain('上线前');
  });
});
