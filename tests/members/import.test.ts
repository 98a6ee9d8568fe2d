/**
 * Importing the roster, sign-ins and the optional meeting columns: every format, Chinese or English
 * headers and values, keyed upsert, bad rows with file:line, all or nothing; then check on them.
 * Through the store's import session, on both stores.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { importFiles, importRecords } from '../../src/import/index.js';
import { runCheck } from '../../src/evaluation/check.js';
import { config } from '../rules/build.js';
import { tempStore, type TempStore } from '../helpers/store.js';
import { expectBilingual, NOW, query, rejected, where, writeCsv, writeNdjson, writeXlsx } from '../import/helpers.js';

let t: TempStore;
beforeEach(async () => {
  t = await tempStore();
});
afterEach(async () => t.cleanup());
const count = async (table: string) => Number((await query(t, `SELECT count(*) AS n FROM ${table}`))[0]!.n);

const f = (name: string) => join(t.dir, name);

function orgsFile(): string {
  return writeCsv(f('orgs.csv'), [
    ['code', 'name', 'kind', 'parent', 'domain', 'members', 'established_on'],
    ['C0', '市委', 'committee', null, null, null, null],
    ['B1', '一支部', 'branch', 'C0', 'organ', 5, '2010-01-01'],
    ['B2', '二支部', 'branch', 'C0', 'organ', 1, '2010-01-01'],
  ]);
}

async function rosterXlsx(): Promise<string> {
  return writeXlsx(f('roster.xlsx'), [
    ['党员编号', '组织编码', '姓名', '党员类别', '入党日期', '转正日期', '流动党员', '手机', '离开日期'],
    ['P1', 'B1', '张三', '正式党员', '2010-07-01', '2011-07-01', '否', '13812345678', null],
    ['P2', 'B1', '李四', '预备党员', '2025-12-10', null, null, null, null],
    ['P3', 'B1', '王五', '正式党员', '2012-07-01', '2013-07-01', '是', null, null],
    ['Q1', 'B2', '赵六', 'full', '2015-07-01', '2016-07-01', null, null, null],
  ]);
}

function meetingsFile(): string {
  return writeCsv(f('meetings.csv'), [
    ['记录编号', '组织编码', '会议类型', '召开时间', '应到人数', '实到人数', '有无记录', '主持人', '记录人', '议程', '决议', '时长（分钟）', '有无录像', '照片数'],
    ['M1', 'B1', '支委会', '2026-05-06 09:00', 3, 3, '是', '张三', '李四', '学习', '通过', 60, '否', 2],
    ['M2', 'B1', '主题党日', '2026-11-05 09:00', 3, 3, '是', '张三', null, '学习', null, 45, null, null],
    ['M3', 'B2', '支委会', '2026-11-06 09:00', 1, 1, '是', null, null, null, null, null, null, null],
  ]);
}

function attendanceGbk(): string {
  // GBK, as Excel on a Chinese desktop saves it; Chinese headers and values; only present and excused rows.
  return writeCsv(f('signins.csv'), [
    ['记录编号', '党员编号', '签到状态', '签到方式', '签到时间'],
    ['M1', 'P1', '出席', '人脸识别', '2026-05-06 08:55'],
    ['M1', 'P3', '出席', '扫码', null],
    ['M2', 'P1', '出席', '人脸识别', null],
    ['M2', 'P3', '请假', null, null],
  ], 'gbk');
}

describe('roster and sign-ins', () => {
  it('imports every new file in one command, re-imports as unchanged, and feeds the member rules', async () => {
    const files = [attendanceGbk(), meetingsFile(), await rosterXlsx(), orgsFile()];
    const first = await importFiles(t.store, files, { now: NOW });
    expect(first.map((r) => `${r.table} ${r.rows} +${r.inserted}`)).toEqual(['attendance 4 +4', 'meetings 3 +3', 'members 4 +4', 'orgs 3 +3']);
    const again = await importFiles(t.store, files, { now: NOW });
    expect(again.map((r) => r.unchanged)).toEqual([4, 3, 4, 3]);

    const findings = await runCheck(t.store, config(), Date.parse('2026-11-20T01:00:00Z'));
    const member = findings.filter((x) => x.member).map((x) => `${x.rule} ${x.level} ${x.period} ${x.member}`);
    // P1 and P3 (excused in November) took part; P2 never did: counted from the first tracked meeting
    // (May), May–October = 6 months. B2 has no tracked meeting, so Q1 is not judged. P2's
    // probationary year ends 2026-12-10.
    expect(member).toEqual(['member-absence warning 2026-10 P2', 'probation-due reminder 2026-12-10 P2']);
    expect(findings.find((x) => x.rule === 'member-absence')!.message).toContain('李四');
    expect(findings.find((x) => x.rule === 'member-absence')!.message).not.toContain('138');
    const meeting = findings.filter((x) => x.meeting).map((x) => `${x.rule} ${x.period} ${x.meeting}`);
    // M2: attended 3 but 1 present (P3 excused); recorder and resolutions... only recorder is required for theme days.
    // M3: records no element at all, so it is not judged; it is not tracked either.
    expect(meeting).toEqual(['attendance-mismatch 2026-11 M2', 'minutes-incomplete 2026-11 M2']);
  });

  it('updates a sign-in in place and recomputes who took part', async () => {
    await importFiles(t.store, [orgsFile(), await rosterXlsx(), meetingsFile(), attendanceGbk()], { now: NOW });
    const r = await importFiles(t.store, [writeNdjson(f('fix.ndjson'), [
      { meeting: 'M2', member: 'P3', status: 'absent' },
      { meeting: 'M2', member: 'P2', status: 'present', method: 'remote' },
    ])], { now: NOW });
    expect(r[0]).toMatchObject({ table: 'attendance', updated: 1, inserted: 1 });
    const findings = await runCheck(t.store, config(), Date.parse('2026-11-20T01:00:00Z'));
    // P2 now took part in November; P3, absent in November, last took part in May: June–October = 5.
    expect(findings.filter((x) => x.rule === 'member-absence').map((x) => `${x.member} ${x.level}`)).toEqual(['P3 reminder']);
    const p3 = (await runCheck(t.store, config(), Date.parse('2027-02-05T01:00:00Z'))).filter((x) => x.rule === 'member-absence').map((x) => `${x.member} ${x.period}`);
    expect(p3).toEqual(['P3 2027-01']); // P1 and P2 took part in November (2 months); P3 last in May (8)
  });

  it('moves the sign-ins of a meeting whose time changes, and recomputes the months members took part in', async () => {
    await importFiles(t.store, [orgsFile(), await rosterXlsx(), meetingsFile(), attendanceGbk()], { now: NOW });
    const b1 = (await t.store.orgs.header('B1'))!.id;
    const months = async () => new Map((await t.store.members.rosters([b1])).get(b1)!.map((m) => [m.id, [...m.months]]));
    const may = 2026 * 12 + 4;
    const june = may + 1;
    expect((await months()).get('P1')).toContain(may);
    const moved = writeCsv(f('m1-moved.csv'), [['记录编号', '组织编码', '会议类型', '召开时间', '应到人数', '实到人数'], ['M1', 'B1', '支委会', '2026-06-10 09:00', 3, 3]]);
    const [r] = await importFiles(t.store, [moved], { now: NOW });
    expect(r).toMatchObject({ table: 'meetings', updated: 1 });
    const june10 = Date.parse('2026-06-10T09:00:00+08:00');
    const tracked = (await t.store.members.trackedIn([b1], Date.parse('2026-05-01T00:00:00+08:00'), Date.parse('2026-07-01T00:00:00+08:00'))).get(b1);
    expect(tracked?.map((x) => x.heldAt)).toEqual([june10]);
    const after = await months();
    expect(after.get('P1')).toContain(june);
    expect(after.get('P1')).not.toContain(may);
    expect(after.get('P3')).toContain(june);
  });

  it('pushes members and sign-ins through importRecords like the ingest API', async () => {
    await importFiles(t.store, [orgsFile(), meetingsFile()], { now: NOW });
    expect(await importRecords(t.store, 'members', [{ id: 'X1', org: 'B2', name: '孙七', status: 'full', joined_on: '2020-01-01' }], 'api')).toMatchObject({ inserted: 1 });
    expect(await importRecords(t.store, 'attendance', [{ 记录编号: 'M3', 党员编号: 'X1', 签到状态: '出席' }], 'api')).toMatchObject({ inserted: 1 });
    const e = await rejected(() => importRecords(t.store, 'attendance', [{ meeting: 'M1', member: 'X1', status: 'present' }], 'api'));
    expect(where(e.issues)).toEqual([{ item: 0, key: 'member' }]);
  });
});

describe('bad rows', () => {
  it('rejects a roster with bad rows, naming file and line, phone masked, nothing written', async () => {
    await importFiles(t.store, [orgsFile()], { now: NOW });
    const bad = writeCsv(f('roster.bad.csv'), [
      ['id', 'org', 'name', 'status', 'joined_on', 'full_on', 'phone', 'left_on'],
      ['P1', 'B1', '张三', 'member', '2010-07-01', null, null, null],
      ['P2', 'C0', '李四', 'full', '2010-07-01', null, null, null],
      ['P3', 'B1', '王五', 'full', '2010-07-01', '2009-01-01', null, null],
      ['P4', 'B1', '赵六', 'probationary', '2026-01-01', '2026-06-01', null, null],
      ['P5', 'B1', '孙七', 'full', '2010-07-01', null, '1381234x5678', null],
      ['P6', 'B9', '周八', 'full', '2010-07-01', null, null, '2001-01-01'],
      ['P1', 'B1', '张三', 'full', '2010-07-01', null, null, null],
    ]);
    const e = await rejected(importFiles(t.store, [bad], { now: NOW }));
    expect(where(e.issues)).toEqual([
      { line: 2, key: 'status' }, { line: 3, key: 'org' }, { line: 4, key: 'full_on' }, { line: 5, key: 'status' },
      { line: 6, key: 'phone' }, { line: 7, key: 'org' }, { line: 7, key: 'left_on' },
    ]);
    expectBilingual(e.issues);
    expect(e.issues[4]!.value).toBe('138*****5678');
    expect(e.issues[0]!.source).toBe(bad);
    expect(await count('members')).toBe(0);
  });

  it('rejects sign-ins with unknown meetings or members, a member of another branch, bad values and conflicting repeats', async () => {
    await importFiles(t.store, [orgsFile(), await rosterXlsx(), meetingsFile()], { now: NOW });
    const bad = writeCsv(f('signins.bad.csv'), [
      ['meeting', 'member', 'status', 'method', 'signed_at'],
      ['M9', 'P1', 'present', null, null],
      ['M1', 'Z9', 'present', null, null],
      ['M1', 'Q1', 'present', null, null],
      ['M1', 'P1', '迟到', null, null],
      ['M1', 'P2', 'present', 'fax', '2026-13-01 09:00'],
      ['M1', 'P3', 'present', null, null],
      ['M1', 'P3', 'absent', null, null],
    ]);
    const e = await rejected(importFiles(t.store, [bad], { now: NOW }));
    expect(where(e.issues)).toEqual([
      { line: 2, key: 'meeting' }, { line: 3, key: 'member' }, { line: 4, key: 'member' }, { line: 5, key: 'status' },
      { line: 6, key: 'method' }, { line: 6, key: 'signed_at' }, { line: 8, key: 'member' },
    ]);
    expectBilingual(e.issues);
    expect(e.issues[2]!.reasonZh).toMatch(/不属于会议「M1」所在的党支部/);
    expect(e.issues[6]!.reasonZh).toMatch(/第 7 行已出现且内容不同/);
    expect(await count('attendance')).toBe(0);
  });

  it('rejects meetings with bad optional columns', async () => {
    await importFiles(t.store, [orgsFile()], { now: NOW });
    const bad = writeCsv(f('meetings.bad.csv'), [
      ['id', 'org', 'type', 'held_at', 'expected', 'attended', 'duration_minutes', 'video', 'photos'],
      ['M1', 'B1', 'committee', '2026-05-06 09:00', 3, 3, '一小时', 'maybe', -1],
    ]);
    const e = await rejected(importFiles(t.store, [bad], { now: NOW }));
    expect(where(e.issues)).toEqual([{ line: 2, key: 'duration_minutes' }, { line: 2, key: 'video' }, { line: 2, key: 'photos' }]);
  });
});

it("a branch's member count comes from its roster when it has one", async () => {
  await importFiles(t.store, [orgsFile(), await rosterXlsx()], { now: NOW });
  expect((await t.store.orgs.get('B1', NOW))!.members).toBe(3); // 党员人数 5 in the org file, 3 on the roster
  await importRecords(t.store, 'members', [{ id: 'P9', org: 'B1', name: '新人', status: 'probationary', joined_on: '2026-01-01' }], 'api');
  await importRecords(t.store, 'members', [{ id: 'P3', org: 'B1', name: '王五', status: 'full', joined_on: '2012-07-01', full_on: '2013-07-01', left_on: '2020-01-01' }], 'api');
  expect((await t.store.orgs.get('B1', NOW))!.members).toBe(3); // one joined, one left
  expect((await t.store.orgs.get('C0', NOW))!.members).toBeNull();
});

it("a roster size is read as of the caller's day (Beijing time), not the database's clock", async () => {
  await importFiles(t.store, [orgsFile(), await rosterXlsx()], { now: NOW });
  await importRecords(t.store, 'members', [{ id: 'P4', org: 'B1', name: '孙七', status: 'full', joined_on: '2012-07-01', full_on: '2013-07-01', left_on: '2030-06-01' }], 'api');
  // 2030-06-01 00:00 in Beijing is 2030-05-31 16:00 UTC: one millisecond before it P4 is still on the roster.
  const midnight = Date.UTC(2030, 4, 31, 16, 0);
  expect((await t.store.orgs.get('B1', midnight - 1))!.members).toBe(4);
  expect((await t.store.orgs.get('B1', midnight))!.members).toBe(3);
  const sizeIn = async (at: number) => (await t.store.orgs.list(at)).find((o) => o.code === 'B1')!.members;
  expect(await sizeIn(midnight - 1)).toBe(4);
  expect(await sizeIn(midnight)).toBe(3);
});
