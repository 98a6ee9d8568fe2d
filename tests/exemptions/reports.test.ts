/** Exemptions in the health-check reports: exempt lapses are listed apart, are not problems and do not lower the score. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePeriod, parseTimestamp } from '../../src/domain/calendar.js';
import { buildReports } from '../../src/reports/gather.js';
import { renderBranchHtml } from '../../src/reports/render/html.js';
import { renderBranchMarkdown } from '../../src/reports/render/markdown.js';
import { branch, committee, insertOrgs } from '../check/seed.js';
import { shippedConfig } from '../helpers/config.js';
import { tempStore, type TempStore } from '../helpers/store.js';

describe('exemptions in reports', () => {
  let t: TempStore;
  beforeAll(async () => {
    t = await tempStore();
    await insertOrgs(t.store, [committee('C1', '县委'), committee('T1', '甲镇党委', 'C1'), committee('T2', '乙镇党委', 'C1'), branch('B1', '甲村党支部', 'T1'), branch('B2', '乙村党支部', 'T2')]);
    await t.store.exemptions.add({ org: 'T1', rule: null, startsOn: '2026-10-01', endsOn: '2026-12-31', reason: '受灾地区', approver: '县委组织部', createdBy: 'test' }, Date.now());
  });
  afterAll(async () => t.cleanup());

  it('lists the exempt lapses with the reason; no problems, no deduction for them; others unchanged', async () => {
    const built = await buildReports(t.store, shippedConfig(), parsePeriod('2026-10')!, parseTimestamp('2026-11-20T09:00')!);
    const b1 = built.reports.find((r) => r.org === 'B1')!;
    const b2 = built.reports.find((r) => r.org === 'B2')!;
    expect(b2.problems.length).toBeGreaterThan(0); // the same lapses, not exempt
    expect(b1.problems.filter((p) => p.rule !== 'term-expiry')).toEqual([]);
    expect(b1.exempted?.length).toBe(b2.problems.filter((p) => p.rule !== 'term-expiry').length);
    expect(b1.exempted![0]!.note).toBe('已豁免（受灾地区，县委组织部批准，2026-10-01 至 2026-12-31）');
    expect(b2.exempted).toBeUndefined();
    // Exempt obligations are not required: the exempt branch is not scored down for them.
    expect(b1.score === null || (b2.score !== null && b1.score > b2.score)).toBe(true);
    expect(renderBranchHtml(b1)).toContain('已豁免事项（不计入问题和得分）');
    expect(renderBranchMarkdown(b1)).toContain('受灾地区，县委组织部批准');
  });
});
