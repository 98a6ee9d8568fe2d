import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { importFiles } from '../../src/import/index.js';
import { SAMPLE_BYTES } from '../../src/import/encoding.js';
import { tempStore, type TempStore } from '../helpers/store.js';
import { expectBilingual, fixture, NOW, rejected, snapshot, writeCsv, writeXlsx } from './helpers.js';

describe('a malformed file', () => {
  let t: TempStore;
  let before: unknown;
  beforeEach(async () => {
    t = await tempStore();
    await importFiles(t.store, [fixture('orgs.csv'), fixture('meetings.csv')], { now: NOW });
    before = await snapshot(t);
  });
  afterEach(async () => {
    expect(await snapshot(t)).toEqual(before);
    t.cleanup();
  });

  const only = async (path: string) => {
    const e = await rejected(importFiles(t.store, [path]));
    expectBilingual(e.issues);
    expect(e.issues.every((i) => i.source === path)).toBe(true);
    return e.issues;
  };

  it('is rejected when an XLSX file cannot be unzipped', async () => {
    const path = join(t.dir, 'meetings-corrupt-zip.bad.xlsx');
    writeFileSync(path, Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(2000, 7)]));
    const issues = await only(path);
    expect(issues).toHaveLength(1);
    expect(issues[0]!.reasonZh).toMatch(/无法读取 XLSX 文件/);
  });

  it('is rejected when a file named .xlsx is not a zip at all', async () => {
    const path = writeCsv(join(t.dir, 'meetings-renamed-csv.bad.xlsx'), [['id', 'org'], ['M1', 'B1']]);
    expect((await only(path))[0]!.reasonZh).toMatch(/不是有效的 XLSX/);
  });

  it('is rejected when it is an old binary .xls workbook', async () => {
    const path = join(t.dir, 'meetings.xls');
    writeFileSync(path, Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0, 0]));
    expect((await only(path))[0]!.reasonZh).toMatch(/另存为 .xlsx 或 CSV/);
  });

  it('is rejected when it is UTF-16 text (Excel "Unicode text")', async () => {
    const path = join(t.dir, 'meetings-utf16.bad.txt');
    writeFileSync(path, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('记录编号\t组织编码\n', 'utf16le')]));
    expect((await only(path))[0]!.reasonZh).toMatch(/UTF-16/);
  });

  it('is rejected when it is empty, holds only blank lines, or does not exist', async () => {
    const empty = join(t.dir, 'empty.csv');
    writeFileSync(empty, '');
    expect((await only(empty))[0]!.reasonZh).toMatch(/文件为空/);
    const blank = join(t.dir, 'blank.csv');
    writeFileSync(blank, '\n\n,,,\n');
    expect((await only(blank))[0]!.reasonZh).toMatch(/没有数据/);
    expect((await only(join(t.dir, 'missing.csv')))[0]!.reasonZh).toMatch(/不存在/);
  });

  it('accepts a header without data rows as zero rows', async () => {
    const path = writeCsv(join(t.dir, 'header-only.csv'), [['id', 'org', 'type', 'held_at', 'expected', 'attended']]);
    const [r] = await importFiles(t.store, [path], { now: NOW });
    expect(r).toMatchObject({ table: 'meetings', rows: 0, inserted: 0 });
    before = await snapshot(t); // the accepted file is recorded in `imports`
  });

  it('names the line where a UTF-8 file turns into another encoding after the sample', async () => {
    const header = '记录编号,组织编码,会议类型,召开时间,应到人数,实到人数,有无记录,授课人,主题\n';
    const row = (i: number) => `M${1000 + i},B1,支委会,2026-05-05 14:30,5,5,是,,${'学习'.repeat(300)}\n`;
    const rows = Math.ceil(SAMPLE_BYTES / Buffer.byteLength(row(0))) + 10;
    const gbkLine = iconv.encode(`X1,B1,支委会,2026-05-05 14:30,5,5,是,,国庆\n`, 'gbk');
    const path = join(t.dir, 'meetings-utf8-then-gbk.bad.csv');
    writeFileSync(path, Buffer.concat([Buffer.from(header + Array.from({ length: rows }, (_, i) => row(i)).join('')), gbkLine]));
    const issues = await only(path);
    expect(issues).toEqual([expect.objectContaining({ line: rows + 2, reasonZh: expect.stringMatching(/非 UTF-8/) })]);
  });

  it('reports a JSON line that is not an object, and keeps checking the lines after it', async () => {
    const path = join(t.dir, 'meetings-array-line.bad.ndjson');
    writeFileSync(
      path,
      [
        '{"id":"M100","org":"B1","type":"committee","held_at":"2026-05-05T14:30:00","expected":5,"attended":5}',
        '["M101","B1"]',
        '',
        '{"id":"M102","org":"B1","type":"committee","held_at":"2026-05-07T14:30:00","expected":5,"attended":9}',
      ].join('\n'),
    );
    expect((await only(path)).map((i) => [i.line, i.key])).toEqual([[2, undefined], [4, 'attended']]);
  });

  it('explains that a JSON array must be one object per line', async () => {
    const path = join(t.dir, 'meetings-array.bad.json');
    writeFileSync(path, '[{"id":"M1"}]\n');
    expect((await only(path))[0]).toMatchObject({ line: 1, reasonZh: expect.stringMatching(/每行一个 JSON 对象/) });
  });

  it('lists the expected headers of every table when an NDJSON object matches none', async () => {
    const path = join(t.dir, 'unknown.ndjson');
    writeFileSync(path, '{"foo":1,"bar":2}\n');
    const issues = await only(path);
    expect(issues[0]).toMatchObject({ line: 1 });
    expect(issues[0]!.reasonEn).toMatch(/meetings: id\*, org\*, type\*, held_at\*/);
  });

  it('refuses a header naming the same column twice', async () => {
    const path = writeCsv(join(t.dir, 'meetings-duplicate-header.bad.csv'), [
      ['记录编号', 'id', '组织编码', '会议类型', '召开时间', '应到人数', '实到人数'],
      ['M1', 'M1', 'B1', '支委会', '2026-05-05 14:30', 5, 5],
    ]);
    expect((await only(path))[0]).toMatchObject({ line: 1, reasonZh: expect.stringMatching(/表头「id」重复/) });
  });

  it('reports an XLSX bad row by its sheet row number', async () => {
    const path = await writeXlsx(join(t.dir, 'meetings-bad-row.bad.xlsx'), [
      ['记录编号', '组织编码', '会议类型', '召开时间', '应到人数', '实到人数'],
      ['M100', 'B1', '支委会', '2026-05-05 14:30', 5, 5],
      ['M101', 'B1', '支委会', '2026-05-06 14:30', 5, 7],
    ], { titleRow: '会议记录表' });
    expect((await only(path)).map((i) => [i.line, i.key])).toEqual([[4, 'attended']]);
  });
});
