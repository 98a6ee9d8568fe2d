/**
 * Adversarial corpus, import side: malformed and hostile files built from a table, each imported
 * in-process into a database that already holds a small city. Every one must be rejected with a
 * bilingual issue naming the file (and the line where there is one), with no stack trace and no
 * echo of more than ~200 characters of input, and must leave the database unchanged.
 */
import { deflateRawSync } from 'node:zlib';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatIssue, importFiles } from '../../src/import/index.js';
import { tempStore, type TempStore } from '../helpers/store.js';
import { expectBilingual, fixture, NOW, rejected, snapshot, writeXlsx } from '../import/helpers.js';

const ORG_HEAD = '组织编码,组织名称,组织类别,上级组织编码,领域,党员人数,党小组数,书记姓名,书记手机,换届日期,任期年限,成立日期';
const MEET_HEAD = '记录编号,组织编码,会议类型,召开时间,应到人数,实到人数,有无记录,授课人,主题';
const org = (over: Partial<Record<string, string>> = {}) => {
  const r = { code: 'B9', name: '第九支部', kind: '党支部', parent: 'C1', domain: '社区', members: '12', groups: '0', secretary: '孙书记', phone: '13800000009', elected: '2024-01-05', term: '3', established: '2010-01-01', ...over };
  return [r.code, r.name, r.kind, r.parent, r.domain, r.members, r.groups, r.secretary, r.phone, r.elected, r.term, r.established].join(',');
};
const meet = (over: Partial<Record<string, string>> = {}) => {
  const r = { id: 'X1', org: 'B1', type: '支委会', at: '2026-03-05 09:00', expected: '7', attended: '6', minutes: '是', role: '', topic: '学习', ...over };
  return [r.id, r.org, r.type, r.at, r.expected, r.attended, r.minutes, r.role, r.topic].join(',');
};
const csv = (...lines: string[]) => Buffer.from(lines.join('\n') + '\n', 'utf8');
const big = (n: number, ch = 'x') => ch.repeat(n);
const nest = (d: number) => '['.repeat(d) + ']'.repeat(d);

interface Case {
  name: string;
  ext: string;
  bytes: () => Buffer | Promise<Buffer>;
  /** Expected issue line (undefined: any or none). */
  line?: number;
  reason: RegExp;
}

const cases: Case[] = [];
const add = (name: string, ext: string, bytes: Case['bytes'], reason: RegExp, line?: number) => cases.push({ name, ext, bytes, reason, line });

// Encodings: exact or rejected, naming the line.
add('UTF-8 file with one GBK field', 'csv', () => Buffer.concat([csv(MEET_HEAD, meet(), meet({ id: 'X2' })), iconv.encode(meet({ id: 'X3', topic: '党史学习教育' }) + '\n', 'gbk'), csv(meet({ id: 'X4', topic: '主题党日' }))]), /UTF-8/, 4);
add('GBK file with the last character cut', 'csv', () => { const b = iconv.encode(`${MEET_HEAD}\n${meet({ topic: '学习党章' })}`, 'gbk'); return b.subarray(0, b.length - 1); }, /GBK/, 2);
add('GBK file with a stray 0xFF byte', 'csv', () => Buffer.concat([iconv.encode(`${MEET_HEAD}\n${meet()}\n`, 'gbk'), Buffer.from([0xff, 0x0a])]), /GBK/, 3);
add('UTF-8 file with a cut last character', 'csv', () => { const b = csv(MEET_HEAD, meet({ topic: '学习' })); return b.subarray(0, b.length - 2); }, /UTF-8/, 2);
add('UTF-16 file', 'csv', () => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`${MEET_HEAD}\n`, 'utf16le')]), /UTF-16/);
add('NDJSON with a Latin-1 byte inside Chinese UTF-8', 'ndjson', () => Buffer.concat([Buffer.from('{"id":"X1","org":"B1","type":"committee","held_at":"2026-03-05 09:00","expected":7,"attended":6,"topic":"学习党章学习党章"}\n'), Buffer.from([0x7b, 0x22, 0x69, 0x64, 0x22, 0x3a, 0x22, 0xe9, 0x22, 0x7d, 0x0a])]), /UTF-8/, 2);

// Lengths, control characters, ranges.
for (const [field, n] of [['id', 65], ['id', 1 << 20], ['org', 300], ['topic', 10_001], ['topic', 1 << 20]] as const) {
  add(`meeting ${field} of ${n} characters`, 'csv', () => csv(MEET_HEAD, meet({ [field]: big(n) })), /过长|too long/, 2);
}
for (const [field, n] of [['code', 65], ['name', 101], ['name', 1 << 20], ['secretary', 500], ['parent', 100]] as const) {
  add(`org ${field} of ${n} characters`, 'csv', () => csv(ORG_HEAD, org({ [field]: big(n) })), /过长|too long/, 2);
}
for (const field of ['id', 'org', 'topic'] as const) {
  add(`meeting ${field} with a NUL byte`, 'csv', () => csv(MEET_HEAD, meet({ [field]: `a\u0000b` })), /控制字符|control character/, 2);
  add(`meeting ${field} with an escape character`, 'csv', () => csv(MEET_HEAD, meet({ [field]: `a\u001bb` })), /控制字符|control character/, 2);
}
add('org name with a NUL byte', 'csv', () => csv(ORG_HEAD, org({ name: '第九\u0000支部' })), /控制字符|control character/, 2);
add('org code with a line break', 'csv', () => csv(ORG_HEAD, org({ code: '"B\n9"' })), /换行|line break/, 2);
for (const at of ['0000-03-05 09:00', '9999-03-05 09:00', '1900-01-01 09:00', '2101-01-01 00:00', '1920-12-31T23:59:59+08:00']) {
  add(`held_at ${at}`, 'csv', () => csv(MEET_HEAD, meet({ at })), /年份|year/, 2);
}
for (const d of ['0000-01-01', '9999-12-31', '1800-05-05', '2200-01-01']) {
  add(`established_on ${d}`, 'csv', () => csv(ORG_HEAD, org({ established: d })), /年份|year|日期|date/, 2);
  add(`elected_on ${d}`, 'csv', () => csv(ORG_HEAD, org({ elected: d })), /年份|year|日期|date/, 2);
}
for (const term of ['99', '0', '1', '2', '4', '6', '10', '-3', '3.5', 'abc']) {
  add(`term_years ${term}`, 'csv', () => csv(ORG_HEAD, org({ term })), /任期|term_years|整数|number|负数|negative/, 2);
}
for (const n of ['-1', '1e400', '2147483648', '7.5', 'NaN', 'Infinity', '七']) {
  add(`expected ${n}`, 'csv', () => csv(MEET_HEAD, meet({ expected: n })), /数|number|finite|large|negative/, 2);
}
for (const at of ['2026-02-30 09:00', '2026-13-01', '2026-03-05 25:00', '2026-03-05T09:00+15:00', 'yesterday', '2026/3/32']) {
  add(`held_at ${at}`, 'csv', () => csv(MEET_HEAD, meet({ at })), /时间|timestamp/, 2);
}

// JSON nesting and shapes.
for (const d of [33, 100, 5_000, 100_000]) {
  add(`NDJSON nested ${d} deep (array)`, 'ndjson', () => Buffer.from(`{"id":"X1","org":"B1","type":"committee","held_at":"2026-03-05 09:00","expected":7,"attended":6}\n${nest(d)}\n`), /嵌套|nested|对象|object/, 2);
  add(`NDJSON field nested ${d} deep`, 'ndjson', () => Buffer.from(`{"id":"X1","org":"B1","type":"committee","held_at":"2026-03-05 09:00","expected":7,"attended":6,"topic":${nest(d)}}\n`), /嵌套|nested/, 1);
}
add('NDJSON object nested 5000 deep in a value', 'ndjson', () => Buffer.from(`{"id":"X1","org":"B1","type":"committee","held_at":"2026-03-05 09:00","expected":7,"attended":6}\n{"id":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}\n`), /嵌套|nested/, 2);
for (const v of ['[1,2]', '{"a":1}', '[[[[]]]]', '{"zh":"学习"}']) {
  add(`NDJSON topic ${v}`, 'ndjson', () => Buffer.from(`{"id":"X1","org":"B1","type":"committee","held_at":"2026-03-05 09:00","expected":7,"attended":6,"topic":${v}}\n`), /文本|text|数|number|finite/, 1);
}
add('NDJSON line that is not JSON', 'ndjson', () => Buffer.from(`{"id":"X1","org":"B1","type":"committee","held_at":"2026-03-05 09:00","expected":7,"attended":6}\n{"id": ${big(5000, 'z')}\n`), /JSON/, 2);
add('NDJSON array of records', 'json', () => Buffer.from('[{"id":"X1"}]'), /数组|array/);
add('NDJSON value a string', 'ndjson', () => Buffer.from(`{"id":"X1","org":"B1","type":"committee","held_at":"2026-03-05 09:00","expected":7,"attended":6}\n"hello"\n`), /对象|object/, 2);

// Structure.
add('header of megabyte cells', 'csv', () => csv(`${big(900_000, 'h')},${big(10, 'k')}`, 'a,b'), /表头|headers/, 1);
add('unclosed quote', 'csv', () => csv(MEET_HEAD, `"X1,B1,支委会,2026-03-05 09:00,7,6,是,,学习`), /引号|quote/);
add('quote inside an unquoted field', 'csv', () => csv(MEET_HEAD, meet({ topic: 'a"b' })), /引号|quote/, 2);
add('more fields than headers', 'csv', () => csv(MEET_HEAD, `${meet()},extra,more`), /列|field|column/, 2);
add('only a BOM', 'csv', () => Buffer.from([0xef, 0xbb, 0xbf]), /表头|header|数据|data/);
add('empty file', 'csv', () => Buffer.alloc(0), /空|empty/);
add('binary garbage', 'csv', () => Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 37 + 11) % 256)), /表头|header|GBK|UTF|CSV|引号|quote/);
add('legacy .xls', 'xls', () => Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(512)]), /xls/);
add('.xlsx that is a CSV', 'xlsx', () => csv(MEET_HEAD, meet()), /XLSX/);
add('truncated zip', 'xlsx', () => Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(3000, 1)]), /XLSX/);
add('zip whose directory points past the end', 'xlsx', () => {
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(1, 8);
  eocd.writeUInt16LE(1, 10);
  eocd.writeUInt32LE(1000, 12);
  eocd.writeUInt32LE(1_000_000, 16);
  return Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(100), eocd]);
}, /XLSX/);
add('zip bomb: a sheet declaring 3 GiB', 'xlsx', () => fakeZip([['xl/worksheets/sheet1.xml', 1000, 3 * 2 ** 30 - 1]]), /过大|too large|ZIP64/);
add('zip bomb: compression 100000:1', 'xlsx', () => fakeZip([['xl/worksheets/sheet1.xml', 1000, 100_000_000]]), /压缩|zip bomb/);
add('huge shared-strings table', 'xlsx', () => fakeZip([['xl/sharedStrings.xml', 1_000_000, 200 << 20]]), /sharedStrings/);
add('zip bomb: shared strings stating 1 KiB, inflating past 64 MiB', 'xlsx', () => lyingZip('xl/sharedStrings.xml', Buffer.alloc((64 << 20) + 10, 0x61), 1024), /声明的大小不实|stated size is false/);
add('zip: shared strings whose stated size is wrong', 'xlsx', () => lyingZip('xl/sharedStrings.xml', Buffer.alloc(5000, 0x61), 1000), /实际大小与目录不符|does not match its stated size/);
add('zip with too many entries', 'xlsx', () => fakeZip(Array.from({ length: 10_001 }, (_, i) => [`x/${i}`, 1, 1] as [string, number, number])), /条目|entries/);
add('XLSX with a 1 MiB header cell', 'xlsx', async () => xlsxBytes([[big(1 << 20, 'h'), 'k'], ['a', 'b']]), /表头|headers/, 1);
add('XLSX meeting with a 1 MiB topic', 'xlsx', async () => xlsxBytes([MEET_HEAD.split(','), meet({ topic: big(1 << 20) }).split(',')]), /过长|too long/, 2);

// Cross-file: the same id with other content in two files of one command.
const CROSS = 'cross-file duplicate';

/** A zip of one deflated entry whose local header and central directory state `stated` as its uncompressed size. */
function lyingZip(name: string, content: Buffer, stated: number): Buffer {
  const data = deflateRawSync(content);
  const nameBuf = Buffer.from(name);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt16LE(8, 8);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(stated, 22);
  local.writeUInt16LE(nameBuf.length, 26);
  const dir = Buffer.alloc(46);
  dir.writeUInt32LE(0x02014b50, 0);
  dir.writeUInt16LE(8, 10);
  dir.writeUInt32LE(data.length, 20);
  dir.writeUInt32LE(stated, 24);
  dir.writeUInt16LE(nameBuf.length, 28);
  dir.writeUInt32LE(0, 42);
  const dirOffset = local.length + nameBuf.length + data.length;
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(1, 8);
  eocd.writeUInt16LE(1, 10);
  eocd.writeUInt32LE(dir.length + nameBuf.length, 12);
  eocd.writeUInt32LE(dirOffset, 16);
  return Buffer.concat([local, nameBuf, data, dir, nameBuf, eocd]);
}

/** A zip of only a central directory whose entries declare the given (compressed, uncompressed) sizes. */
function fakeZip(entries: [string, number, number][]): Buffer {
  const parts: Buffer[] = [Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(26)];
  const dirStart = parts.reduce((n, b) => n + b.length, 0);
  let dirLen = 0;
  for (const [name, c, u] of entries) {
    const h = Buffer.alloc(46);
    h.writeUInt32LE(0x02014b50, 0);
    h.writeUInt32LE(c, 20);
    h.writeUInt32LE(u, 24);
    h.writeUInt16LE(Buffer.byteLength(name), 28);
    parts.push(h, Buffer.from(name));
    dirLen += 46 + Buffer.byteLength(name);
  }
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(entries.length & 0xffff, 8);
  eocd.writeUInt16LE(Math.min(entries.length, 0xfffe), 10);
  eocd.writeUInt32LE(dirLen, 12);
  eocd.writeUInt32LE(dirStart, 16);
  parts.push(eocd);
  return Buffer.concat(parts);
}

let xlsxN = 0;
async function xlsxBytes(rows: string[][]): Promise<Buffer> {
  const { readFileSync } = await import('node:fs');
  const p = join(t.dir, `tmp-${xlsxN++}.xlsx`);
  await writeXlsx(p, rows);
  return readFileSync(p);
}

let t: TempStore;
let before: unknown;
beforeAll(async () => {
  t = await tempStore();
  await importFiles(t.store, [fixture('orgs.csv'), fixture('meetings.csv')], { now: NOW });
  before = await snapshot(t);
});
afterAll(() => t.cleanup());

describe(`the import corpus (${cases.length + 1} hostile files)`, () => {
  it.each(cases.map((c, i) => [i, c.name, c] as const))('#%i %s: rejected clearly, database unchanged', async (i, _name, c) => {
    const path = join(t.dir, `case-${i}.${c.ext}`);
    writeFileSync(path, await c.bytes());
    const e = await rejected(importFiles(t.store, [path], { now: NOW }));
    expectBilingual(e.issues);
    expect(e.issues.length).toBeGreaterThan(0);
    const first = e.issues[0]!;
    expect(first.source).toBe(path);
    if (c.line !== undefined) expect(first.line).toBe(c.line);
    const text = e.issues.map(formatIssue).join('\n');
    expect(`${first.reasonZh} ${first.reasonEn}`).toMatch(c.reason);
    expect(text).not.toMatch(/\n\s+at |RangeError|TypeError|SqliteError/);
    // No issue line echoes more than ~200 characters of the input (the table lists are ours).
    for (const line of text.split('\n')) expect(line.length).toBeLessThan(2_000);
    expect(text).not.toMatch(/(.)\1{250}/);
    expect(await snapshot(t)).toEqual(before);
  });

  it(`${CROSS}: the same record id with other content in two files of one command names both files:lines`, async () => {
    const a = join(t.dir, 'cross-a.csv');
    const b = join(t.dir, 'cross-b.csv');
    writeFileSync(a, csv(MEET_HEAD, meet({ id: 'NEW1' })));
    writeFileSync(b, csv(MEET_HEAD, meet({ id: 'NEW0' }), meet({ id: 'NEW1', attended: '2' })));
    const e = await rejected(importFiles(t.store, [a, b], { now: NOW }));
    expect(e.issues).toHaveLength(1);
    expect(formatIssue(e.issues[0]!)).toContain(`${b}:3`);
    expect(formatIssue(e.issues[0]!)).toContain(`${a}:2`);
    expect(await snapshot(t)).toEqual(before);
  });
});
