import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importFiles, type ImportIssue } from '../../src/import/index.js';
import { tempStore, type TempStore } from '../helpers/store.js';
import { expectBilingual, fixture, NOW, rejected, snapshot, where } from './helpers.js';

/** fixture → the issues it must produce, as {line, key}, in file order. */
const CASES: [string, { line?: number; key?: string }[], RegExp?][] = [
  ['meetings-unknown-org.bad.csv', [{ line: 3, key: 'org' }], /B9.*不存在/],
  ['meetings-org-is-committee.bad.csv', [{ line: 2, key: 'org' }], /党委.*党支部/],
  ['meetings-unparseable-held-at.bad.csv', [{ line: 2, key: 'held_at' }, { line: 3, key: 'held_at' }], /时间.*无效/],
  ['meetings-attended-exceeds-expected.bad.csv', [{ line: 3, key: 'attended' }], /实到人数 41 大于应到人数 40/],
  ['meetings-negative-count.bad.csv', [{ line: 2, key: 'expected' }], /负数/],
  ['meetings-fractional-count.bad.csv', [{ line: 2, key: 'attended' }], /整数/],
  ['meetings-unknown-type.bad.csv', [{ line: 2, key: 'type' }], /未知的会议类型「座谈会」/],
  ['meetings-missing-required.bad.csv', [{ line: 2, key: 'held_at' }, { line: 3, key: 'id' }], /缺少必填项/],
  ['meetings-duplicate-id-different-content.bad.csv', [{ line: 4, key: 'id' }], /M100.*第 2 行已出现且内容不同/],
  ['meetings-lecture-unknown-lecturer-role.bad.csv', [{ line: 2, key: 'lecturer_role' }], /授课人「张三」/],
  ['meetings-unknown-minutes-value.bad.csv', [{ line: 2, key: 'minutes' }], /是\/否/],
  ['meetings-unclosed-quote.bad.csv', [{ line: 3 }], /引号未闭合/],
  ['meetings-quote-inside-unquoted-field.bad.csv', [{ line: 2 }], /引号/],
  ['meetings-unknown-headers.bad.csv', [{ line: 1 }], /无法识别表头.*记录编号\*/],
  ['meetings-missing-attended-column.bad.csv', [{ line: 1, key: 'attended' }], /缺少必需列「实到人数」/],
  ['meetings-more-fields-than-headers.bad.csv', [{ line: 2 }], /多于表头/],
  ['meetings-invalid-json-line.bad.ndjson', [{ line: 2 }], /不是有效的 JSON/],
  ['orgs-unknown-parent.bad.csv', [{ line: 2, key: 'parent' }], /上级组织编码「C9」不存在/],
  ['orgs-second-root-without-parent.bad.csv', [{ line: 2, key: 'parent' }], /只有顶级组织（C0）可以不填/],
  ['orgs-self-parent.bad.csv', [{ line: 2, key: 'parent' }], /自身/],
  ['orgs-parent-cycle.bad.csv', [{ line: 2, key: 'parent' }, { line: 3, key: 'parent' }], /循环：C5 → C6 → C5/],
  ['orgs-parent-is-branch.bad.csv', [{ line: 2, key: 'parent' }], /是党支部/],
  ['orgs-unknown-domain.bad.csv', [{ line: 2, key: 'domain' }], /未知的领域「农业」/],
  ['orgs-unknown-kind.bad.csv', [{ line: 2, key: 'kind' }], /未知的组织类别「党小组」/],
  [
    'orgs-branch-missing-required.bad.csv',
    [{ line: 2, key: 'parent' }, { line: 2, key: 'domain' }, { line: 2, key: 'members' }, { line: 2, key: 'established_on' }],
    /党支部必须填写/,
  ],
  ['orgs-term-years-not-positive.bad.csv', [{ line: 2, key: 'term_years' }, { line: 3, key: 'term_years' }], /正整数|整数/],
  ['orgs-invalid-established-on.bad.csv', [{ line: 2, key: 'established_on' }], /日期「2020-02-30」无效/],
  ['orgs-duplicate-code-different-content.bad.csv', [{ line: 3, key: 'code' }], /第 2 行已出现且内容不同/],
  ['orgs-missing-name.bad.csv', [{ line: 2, key: 'name' }], /缺少必填项「组织名称」/],
  ['orgs-committee-with-children-becomes-branch.bad.csv', [{ line: 2, key: 'kind' }], /仍是 .*B1.* 的上级组织/],
];

describe('a file with bad rows', () => {
  let t: TempStore;
  beforeEach(async () => {
    t = await tempStore();
    await importFiles(t.store, [fixture('orgs.csv'), fixture('meetings.csv')], { now: NOW });
  });
  afterEach(() => t.cleanup());

  it.each(CASES)('%s is rejected whole with file, line and column, and changes nothing', async (name, expected, reason) => {
    const before = await snapshot(t);
    const e = await rejected(importFiles(t.store, [fixture(name)], { now: NOW + 1000 }));
    expect(where(e.issues)).toEqual(expected);
    expect(e.total).toBe(expected.length);
    for (const i of e.issues) expect(i.source).toBe(fixture(name));
    expect(e.issues[0]!.reasonZh).toMatch(reason!);
    expectBilingual(e.issues);
    expect(await snapshot(t)).toEqual(before);
  });

  it('names the column as written in the file and the offending value', async () => {
    const e = await rejected(importFiles(t.store, [fixture('meetings-attended-exceeds-expected.bad.csv')]));
    expect(e.issues[0]).toMatchObject<Partial<ImportIssue>>({ column: '实到人数', key: 'attended', value: '41' });
    const en = await rejected(importFiles(t.store, [fixture('meetings-unknown-org.bad.csv')]));
    expect(en.issues[0]).toMatchObject<Partial<ImportIssue>>({ column: 'org', key: 'org', value: 'B9', reasonEn: expect.stringMatching(/unknown/) });
  });

  it('reports every bad row of a large file, keeping the first thousand and counting the rest', async () => {
    const { writeCsv } = await import('./helpers.js');
    const rows = Array.from({ length: 2500 }, (_, i) => [`X${i}`, 'B1', '支委会', '2026-05-05 14:30', 5, 6, '是', '', '']);
    const path = writeCsv(`${t.dir}/many-bad.csv`, [['记录编号', '组织编码', '会议类型', '召开时间', '应到人数', '实到人数', '有无记录', '授课人', '主题'], ...rows]);
    const before = await snapshot(t);
    const e = await rejected(importFiles(t.store, [path]));
    expect(e.total).toBe(2500);
    expect(e.issues).toHaveLength(1000);
    expect(e.issues[999]).toMatchObject({ line: 1001, key: 'attended' });
    expect(await snapshot(t)).toEqual(before);
  });
});
