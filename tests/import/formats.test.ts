import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import JSZip from 'jszip';
import { join } from 'node:path';
import { SAMPLE_BYTES } from '../../src/import/encoding.js';
import { importFiles } from '../../src/import/index.js';
import { tempStore, type TempStore } from '../helpers/store.js';
import { content, NOW, writeCsv, writeNdjson, writeXlsx } from './helpers.js';

/** One small city in English keys and codes; the variants below translate it. */
const ORG_KEYS = ['code', 'name', 'kind', 'parent', 'domain', 'members', 'groups', 'secretary', 'secretary_phone', 'elected_on', 'term_years', 'established_on'];
const ORGS: (string | number | null)[][] = [
  ['C0', '中共某市委员会', 'committee', null, null, null, null, '王书记', '13800000000', null, null, null],
  ['B1', '东街社区党支部', 'branch', 'C0', 'community', 25, 2, '张三', '13812345678', '2023-06-15', null, '2010-05-01'],
  ['B2', '西村党支部', 'branch', 'C0', 'rural', 40, null, '王五', null, null, 5, '2005-03-10'],
];
const MEETING_KEYS = ['id', 'org', 'type', 'held_at', 'expected', 'attended', 'minutes', 'lecturer_role', 'topic'];
const MEETINGS: (string | number | null)[][] = [
  ['M1', 'B1', 'committee', '2026-03-05 14:30', 5, 5, 'yes', null, '研究三月工作'],
  ['M2', 'B1', 'lecture', '2026-03-20 09:00', 25, 22, 'no', 'secretary', '学习"两会"精神，第一讲'],
  ['M3', 'B2', 'assembly', '2026-03-28 15:00', 40, 30, null, null, null],
  ['M4', 'B2', 'theme_day', '2026-04-01 08:30', 40, 38, 'yes', 'other', '植树'],
];

const ZH_HEADERS: Record<string, string> = {
  code: '组织编码', name: '组织名称', kind: '组织类别', parent: '上级组织编码', domain: '领域', members: '党员人数',
  groups: '党小组数', secretary: '书记姓名', secretary_phone: '书记手机', elected_on: '换届日期', term_years: '任期年限',
  established_on: '成立日期', id: '记录编号', org: '组织编码', type: '会议类型', held_at: '召开时间', expected: '应到人数',
  attended: '实到人数', minutes: '有无记录', lecturer_role: '授课人', topic: '主题',
};
const ZH_VALUES: Record<string, string> = {
  committee: '党委', branch: '党支部', community: '社区', rural: '农村', yes: '是', no: '否', secretary: '书记', other: '其他',
  lecture: '党课', assembly: '支部党员大会', theme_day: '主题党日',
};
const ZH_MEETING_TYPES: Record<string, string> = { committee: '支委会' };

function table(keys: string[], rows: (string | number | null)[][], zhHeaders: boolean, zhValues: boolean) {
  const header = keys.map((k) => (zhHeaders ? ZH_HEADERS[k]! : k));
  const body = rows.map((r) =>
    r.map((v, i) => {
      if (!zhValues || typeof v !== 'string') return v;
      if (keys[i] === 'type') return ZH_MEETING_TYPES[v] ?? ZH_VALUES[v] ?? v;
      return ['kind', 'domain', 'minutes', 'lecturer_role'].includes(keys[i]!) ? (ZH_VALUES[v] ?? v) : v;
    }),
  );
  return [header, ...body];
}

const asObjects = (keys: string[], rows: (string | number | null)[][]) =>
  rows.map((r) => Object.fromEntries(keys.map((k, i) => [k, r[i]]).filter(([, v]) => v !== null)));

describe('import formats', () => {
  let t: TempStore;
  let reference: unknown;

  beforeEach(async () => {
    t = await tempStore();
    const ref = await tempStore();
    try {
      const orgs = writeCsv(join(ref.dir, 'orgs.csv'), table(ORG_KEYS, ORGS, false, false));
      const meetings = writeCsv(join(ref.dir, 'meetings.csv'), table(MEETING_KEYS, MEETINGS, false, false));
      await importFiles(ref.store, [orgs, meetings], { now: NOW });
      reference = await content(ref);
    } finally {
      ref.cleanup();
    }
  });
  afterEach(() => t.cleanup());

  it('stores English CSV values as the interchange format defines them', async () => {
    const orgs = writeCsv(join(t.dir, 'orgs.csv'), table(ORG_KEYS, ORGS, false, false));
    const meetings = writeCsv(join(t.dir, 'meetings.csv'), table(MEETING_KEYS, MEETINGS, false, false));
    const results = await importFiles(t.store, [orgs, meetings], { now: NOW });
    expect(results.map((r) => [r.table, r.format, r.encoding, r.rows, r.inserted])).toEqual([
      ['orgs', 'csv', 'utf-8', 3, 3],
      ['meetings', 'csv', 'utf-8', 4, 4],
    ]);
    expect(await t.store.orgs.get('B2', NOW)).toMatchObject({ groups: 0, termYears: 5, electedOn: null, domain: 'rural' });
    expect(await t.store.orgs.get('B1', NOW)).toMatchObject({ groups: 2, termYears: null, electedOn: '2023-06-15', members: 25 });
    expect(await t.store.orgs.get('C0', NOW)).toMatchObject({ kind: 'committee', parent: null, domain: null, members: null });
    expect(await t.store.facts.meeting('M1')).toMatchObject({ heldAt: Date.parse('2026-03-05T06:30:00Z'), minutes: true, lecturerRole: null });
    expect(await t.store.facts.meeting('M2')).toMatchObject({ minutes: false, lecturerRole: 'secretary', topic: '学习"两会"精神，第一讲' });
    expect(await t.store.facts.meeting('M3')).toMatchObject({ minutes: null, topic: null });
    // lecturer_role only matters for lectures: a theme day keeps none.
    expect(await t.store.facts.meeting('M4')).toMatchObject({ lecturerRole: null });
  });

  it.each([
    ['Chinese headers and values, UTF-8', 'utf-8', true, true],
    ['Chinese headers and values, UTF-8 with BOM', 'utf-8-bom', true, true],
    ['Chinese headers and values, GBK (Excel on a Chinese desktop)', 'gbk', true, true],
    ['English headers with Chinese values, GBK', 'gbk', false, true],
    ['Chinese headers with English values, BOM and CRLF', 'utf-8-bom', true, false],
  ] as const)('reads CSV with %s into the same records', async (_name, encoding, zhHeaders, zhValues) => {
    const eol = zhHeaders && !zhValues ? '\r\n' : '\n';
    const orgs = writeCsv(join(t.dir, 'orgs.csv'), table(ORG_KEYS, ORGS, zhHeaders, zhValues), encoding, eol);
    const meetings = writeCsv(join(t.dir, 'meetings.csv'), table(MEETING_KEYS, MEETINGS, zhHeaders, zhValues), encoding, eol);
    const results = await importFiles(t.store, [orgs, meetings], { now: NOW });
    expect(results.map((r) => r.encoding)).toEqual([encoding, encoding]);
    expect(await content(t)).toEqual(reference);
  });

  it('reads a large UTF-8 file whose encoding sample ends inside a Chinese character as UTF-8', async () => {
    const header = table(MEETING_KEYS, [], true, true)[0]!.join(',') + '\n';
    const rowOf = (i: number, topic: string) => `M${i},B1,党小组会,2026-03-05 14:30,5,4,是,,${topic}\n`;
    let text = header;
    let size = Buffer.byteLength(header);
    let i = 0;
    // ASCII-topic rows up to just before the sample boundary, then rows of Chinese text across it.
    while (size < SAMPLE_BYTES - 5000) {
      const row = rowOf(i++, 'x'.repeat(4000));
      text += row;
      size += Buffer.byteLength(row);
    }
    const before = size + Buffer.byteLength(rowOf(i, '')) - 1; // where the topic starts
    const pad = 'y'.repeat(SAMPLE_BYTES - 1 - before); // so a 3-byte character starts one byte before the boundary
    text += rowOf(i++, pad + '学习贯彻'.repeat(500));
    text += rowOf(i++, '专题研讨');
    const bytes = Buffer.from(text, 'utf8');
    expect(bytes.subarray(SAMPLE_BYTES - 1, SAMPLE_BYTES + 2).toString('utf8')).toBe('学');
    const orgs = writeCsv(join(t.dir, 'orgs.csv'), table(ORG_KEYS, ORGS, true, true));
    const meetings = join(t.dir, 'meetings.csv');
    writeFileSync(meetings, bytes);
    const [, r] = await importFiles(t.store, [orgs, meetings], { now: NOW });
    expect(r).toMatchObject({ encoding: 'utf-8', rows: i, inserted: i });
    expect((await t.store.facts.meeting(`M${i - 1}`))?.topic).toBe('专题研讨');
  });

  it('reads a large GBK file (beyond the encoding sample) as GBK', async () => {
    const many = Array.from({ length: 1500 }, (_, i) => ['M' + i, 'B1', '党小组会', '2026-03-05 14:30', 5, 4, '是', '', '学习贯彻党的二十大精神'.repeat(150)]);
    const orgs = writeCsv(join(t.dir, 'orgs.csv'), table(ORG_KEYS, ORGS, true, true), 'gbk');
    const meetings = writeCsv(join(t.dir, 'meetings.csv'), [table(MEETING_KEYS, [], true, true)[0]!, ...many], 'gbk');
    expect(statSync(meetings).size).toBeGreaterThan(SAMPLE_BYTES);
    const [, r] = await importFiles(t.store, [orgs, meetings], { now: NOW });
    expect(r).toMatchObject({ encoding: 'gbk', rows: 1500, inserted: 1500 });
    expect((await t.store.facts.meeting('M1499'))?.topic).toBe('学习贯彻党的二十大精神'.repeat(150));
  });

  it('reads NDJSON with English keys, numbers and booleans into the same records', async () => {
    const orgs = writeNdjson(join(t.dir, 'orgs.ndjson'), asObjects(ORG_KEYS, ORGS));
    const meetings = writeNdjson(
      join(t.dir, 'meetings.ndjson'),
      asObjects(MEETING_KEYS, MEETINGS).map((m) => ({ ...m, ...(m.minutes ? { minutes: m.minutes === 'yes' } : {}) })),
    );
    const results = await importFiles(t.store, [orgs, meetings], { now: NOW });
    expect(results.map((r) => [r.format, r.rows])).toEqual([['ndjson', 3], ['ndjson', 4]]);
    expect(await content(t)).toEqual(reference);
  });

  /** The orgs and meetings as XLSX with real date cells below a title row (Excel's dates: wall clock, no zone). */
  async function writeDateCells(): Promise<[string, string]> {
    // Excel keeps wall-clock time without a zone: exceljs hands it back as a Date whose UTC fields are that wall clock.
    const wall = (s: string) => new Date(s.replace(' ', 'T') + 'Z');
    const orgRows = table(ORG_KEYS, ORGS, true, true).map((r, i) =>
      i === 0 ? r : r.map((v, j) => (typeof v === 'string' && /^\d{4}-\d\d-\d\d$/.test(v) && ORG_KEYS[j] !== 'code' ? wall(v) : v)),
    );
    const meetingRows = table(MEETING_KEYS, MEETINGS, true, true).map((r, i) => (i === 0 ? r : r.map((v, j) => (j === 3 ? wall(v as string) : v))));
    return [
      await writeXlsx(join(t.dir, 'orgs.xlsx'), orgRows, { titleRow: '某市党组织信息表', dateFormat: 'yyyy-mm-dd' }),
      await writeXlsx(join(t.dir, 'meetings.xlsx'), meetingRows, { titleRow: '会议记录' }),
    ];
  }

  it('reads the first worksheet of an XLSX file, below a title row, with real date cells', async () => {
    const [orgs, meetings] = await writeDateCells();
    const results = await importFiles(t.store, [orgs, meetings], { now: NOW });
    expect(results.map((r) => [r.format, r.rows, r.inserted])).toEqual([['xlsx', 3, 3], ['xlsx', 4, 4]]);
    expect(await content(t)).toEqual(reference);
  });

  /**
   * Write the city's orgs and meetings as XLSX with their archive parts re-stored in the order
   * `arrange` gives (exceljs's writer orders them by timing), check the order with `expectOrder`,
   * and import both: they must give the same records as the CSV reference.
   */
  async function importReordered(
    arrange: (names: string[]) => string[],
    expectOrder: (at: (part: string) => number) => void,
    write: () => Promise<string[]> = async () => [
      await writeXlsx(join(t.dir, 'orgs.xlsx'), table(ORG_KEYS, ORGS, true, true)),
      await writeXlsx(join(t.dir, 'meetings.xlsx'), table(MEETING_KEYS, MEETINGS, true, true)),
    ],
  ) {
    const [orgs, meetings] = (await write()) as [string, string];
    for (const path of [orgs, meetings]) {
      const zip = await JSZip.loadAsync(readFileSync(path));
      const order = arrange(Object.keys(zip.files).filter((n) => !zip.files[n]!.dir));
      const out = new JSZip();
      for (const n of order) out.file(n, await zip.file(n)!.async('uint8array'));
      writeFileSync(path, await out.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' }));
      expectOrder((part) => order.indexOf(part));
    }
    const results = await importFiles(t.store, [orgs, meetings], { now: NOW });
    expect(results.map((r) => [r.format, r.rows, r.inserted])).toEqual([['xlsx', 3, 3], ['xlsx', 4, 4]]);
    expect(await content(t)).toEqual(reference);
  }

  it('reads an XLSX file whose archive stores xl/workbook.xml after the worksheet (as exceljs itself may write it)', async () => {
    // exceljs's streaming reader looked the sheet's name up in workbook.xml and threw "reading 'sheets'"
    // when it came later (exceljs issue #3064): a good file was refused, at random under load.
    await importReordered(
      (names) => {
        const last = ['xl/workbook.xml'];
        const first = ['[Content_Types].xml', '_rels/.rels', 'xl/_rels/workbook.xml.rels', 'xl/sharedStrings.xml', 'xl/styles.xml'].filter((n) => names.includes(n));
        return [...first, ...names.filter((n) => !first.includes(n) && !last.includes(n)), ...last];
      },
      (at) => {
        expect(at('xl/workbook.xml')).toBeGreaterThan(at('xl/worksheets/sheet1.xml'));
        expect(at('xl/sharedStrings.xml')).toBeLessThan(at('xl/worksheets/sheet1.xml'));
      },
    );
  });

  it('reads the first tab when the archive stores the shared strings between the first and the second worksheet', async () => {
    // exceljs yields a worksheet stored after the shared strings at once and defers one stored before
    // them to the end, so with sheet1, sharedStrings, sheet2 it yielded the second tab (说明) first and
    // the import refused the file for missing every column (seen at random: exceljs's writer orders
    // its parts by timing). workbook.xml says which part is the first tab.
    const mid = ['xl/worksheets/sheet1.xml', 'xl/sharedStrings.xml', 'xl/worksheets/sheet2.xml'];
    await importReordered(
      (names) => [...names.filter((n) => !mid.includes(n)), ...mid],
      (at) => {
        expect(at('xl/worksheets/sheet1.xml')).toBeLessThan(at('xl/sharedStrings.xml'));
        expect(at('xl/worksheets/sheet2.xml')).toBeGreaterThan(at('xl/sharedStrings.xml'));
      },
    );
  });

  it('reads date cells when the archive stores xl/styles.xml after the worksheet (as exceljs itself may write it)', async () => {
    // exceljs's streaming reader tells a date cell from a number by the styles read so far: with the
    // styles after the sheet every date came back as a serial number (46086.60… "invalid timestamp"),
    // at random in CI (exceljs's writer orders its parts by timing).
    await importReordered(
      (names) => {
        const last = ['xl/styles.xml'];
        const first = ['[Content_Types].xml', '_rels/.rels', 'xl/workbook.xml', 'xl/_rels/workbook.xml.rels', 'xl/sharedStrings.xml'].filter((n) => names.includes(n));
        return [...first, ...names.filter((n) => !first.includes(n) && !last.includes(n)), ...last];
      },
      (at) => {
        expect(at('xl/styles.xml')).toBeGreaterThan(at('xl/worksheets/sheet1.xml'));
        expect(at('xl/sharedStrings.xml')).toBeLessThan(at('xl/worksheets/sheet1.xml'));
      },
      writeDateCells,
    );
  });

  it('ignores unknown columns and says which', async () => {
    const rows = table(MEETING_KEYS, MEETINGS, true, true).map((r, i) => [i === 0 ? '序号' : i, ...r, i === 0 ? '备注' : '']);
    const orgs = writeCsv(join(t.dir, 'orgs.csv'), table(ORG_KEYS, ORGS, true, true));
    const meetings = writeCsv(join(t.dir, 'meetings.csv'), rows);
    const [, r] = await importFiles(t.store, [orgs, meetings], { now: NOW });
    expect(r!.ignoredColumns).toEqual(['序号', '备注']);
    expect(await content(t)).toEqual(reference);
  });
});
