import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { importFiles } from '../../src/import/index.js';
import { tempStore, type TempStore } from '../helpers/store.js';
import { sqliteHandle } from '../../src/store/sqlite/index.js';
import { fixture, NOW, query, rejected, snapshot, writeCsv } from './helpers.js';

const MEETING_HEADER = ['记录编号', '组织编码', '会议类型', '召开时间', '应到人数', '实到人数', '有无记录', '授课人', '主题'];

describe('keyed upsert', () => {
  let t: TempStore;
  beforeEach(async () => {
    t = await tempStore();
  });
  afterEach(() => t.cleanup());

  it('changes nothing when the same files are imported twice', async () => {
    const files = [fixture('orgs.csv'), fixture('meetings.csv')];
    const first = await importFiles(t.store, files, { now: NOW });
    expect(first.map((r) => [r.rows, r.inserted, r.updated, r.unchanged])).toEqual([[5, 5, 0, 0], [5, 5, 0, 0]]);
    const rows = async (t: TempStore) => ({ ...((await snapshot(t)) as object), imports: undefined });
    const before = await rows(t);
    const second = await importFiles(t.store, files, { now: NOW + 60_000 });
    expect(second.map((r) => [r.rows, r.inserted, r.updated, r.unchanged])).toEqual([[5, 0, 0, 5], [5, 0, 0, 5]]);
    // Not even updated_at moves: unchanged rows are not written.
    expect(await rows(t)).toEqual(before);
  });

  it('updates a changed row and leaves the rest alone', async () => {
    await importFiles(t.store, [fixture('orgs.csv'), fixture('meetings.csv')], { now: NOW });
    const changed = writeCsv(join(t.dir, 'meetings-v2.csv'), [
      MEETING_HEADER,
      ['M001', 'B1', '支委会', '2026-03-05 14:30', 5, 4, '是', '', '研究三月工作（补录）'],
      ['M002', 'B1', '党课', '2026-03-20 09:00', 25, 22, '是', '书记', '学习"两会"精神'],
      ['M006', 'B3', '组织生活会', '2026-04-10 14:00', 18, 17, '是', '', ''],
    ]);
    const [r] = await importFiles(t.store, [changed], { now: NOW + 60_000 });
    expect(r).toMatchObject({ rows: 3, inserted: 1, updated: 1, unchanged: 1 });
    expect(await t.store.facts.meeting('M001')).toMatchObject({ attended: 4, topic: '研究三月工作（补录）' });
    expect(await t.store.facts.meeting('M006')).toMatchObject({ type: 'life_meeting', org: 'B3' });
    expect(await t.store.facts.countMeetings()).toBe(6);
  });

  it('replaces an org whole, clearing fields left empty, and stamps only changed orgs', async () => {
    await importFiles(t.store, [fixture('orgs.csv')], { now: NOW });
    const stamp = async (code: string) => Number((await query(t, `SELECT updated_at FROM orgs WHERE code = '${code}'`))[0]!.updated_at);
    const v2 = writeCsv(join(t.dir, 'orgs-v2.csv'), [
      ['code', 'name', 'kind', 'parent', 'domain', 'members', 'established_on'],
      ['B1', '东街社区党支部', 'branch', 'C1', 'community', 26, '2010-05-01'],
      ['B3', '第一中学党支部', 'branch', 'C0', 'school', 18, '2012-09-01'],
    ]);
    const [r] = await importFiles(t.store, [v2], { now: NOW + 60_000 });
    expect(r).toMatchObject({ inserted: 0, updated: 2, unchanged: 0 });
    // Columns absent from the file are empty: the key's record is replaced, as the interchange format says.
    expect(await t.store.orgs.get('B1', NOW)).toMatchObject({ members: 26, groups: 0, secretary: null, electedOn: null });
    expect(await stamp('B1')).toBe(NOW + 60_000);
    expect(await stamp('B2')).toBe(NOW);
  });

  it('accepts a key repeated with identical content in one file', async () => {
    await importFiles(t.store, [fixture('orgs.csv')], { now: NOW });
    const row = ['M100', 'B1', '支委会', '2026-05-05 14:30', 5, 5, '是', '', ''];
    const path = writeCsv(join(t.dir, 'dup.csv'), [MEETING_HEADER, row, ['M101', 'B2', '党小组会', '2026-05-06 19:00', 8, 8, '', '', ''], row]);
    const [r] = await importFiles(t.store, [path], { now: NOW });
    expect(r).toMatchObject({ rows: 3, inserted: 2, unchanged: 1 });
  });

  it('refuses a key updated twice in one file with different content', async () => {
    await importFiles(t.store, [fixture('orgs.csv'), fixture('meetings.csv')], { now: NOW });
    const before = await snapshot(t);
    const path = writeCsv(join(t.dir, 'dup.csv'), [
      MEETING_HEADER,
      ['M001', 'B1', '支委会', '2026-03-05 14:30', 5, 4, '是', '', ''],
      ['M001', 'B1', '支委会', '2026-03-05 14:30', 5, 3, '是', '', ''],
    ]);
    const e = await rejected(importFiles(t.store, [path], { now: NOW }));
    expect(e.issues).toMatchObject([{ line: 3, key: 'id', reasonZh: expect.stringContaining('第 2 行') }]);
    expect(await snapshot(t)).toEqual(before);
  });

  it('records each accepted file with its sha256 and counts', async () => {
    await importFiles(t.store, [fixture('orgs.csv'), fixture('meetings.csv')], { now: NOW });
    await importFiles(t.store, [fixture('meetings.csv')], { now: NOW + 1 });
    const sha = createHash('sha256').update(readFileSync(fixture('meetings.csv'))).digest('hex');
    expect((await t.store.imports.list())).toMatchObject([
      { file: fixture('meetings.csv'), sha256: sha, table: 'meetings', rows: 5, inserted: 0, unchanged: 5, importedAt: NOW + 1 },
      { file: fixture('meetings.csv'), sha256: sha, table: 'meetings', rows: 5, inserted: 5, unchanged: 0, importedAt: NOW },
      { file: fixture('orgs.csv'), table: 'orgs', rows: 5, inserted: 5 },
    ]);
  });
});

describe('one command with several files', () => {
  let t: TempStore;
  beforeEach(async () => {
    t = await tempStore();
  });
  afterEach(() => t.cleanup());

  it('applies org files first, so meetings may name orgs from the same command whatever the order', async () => {
    const results = await importFiles(t.store, [fixture('meetings.csv'), fixture('orgs.csv')], { now: NOW });
    expect(results.map((r) => [r.source, r.table, r.inserted])).toEqual([
      [fixture('meetings.csv'), 'meetings', 5],
      [fixture('orgs.csv'), 'orgs', 5],
    ]);
    expect(await t.store.facts.meeting('M005')).toMatchObject({ org: 'B2', type: 'group', topic: '学习党章\n第一章' });
  });

  it('writes nothing when the second file is bad, not even the good first file', async () => {
    await importFiles(t.store, [fixture('orgs.csv')], { now: NOW });
    const before = await snapshot(t);
    const newOrg = writeCsv(join(t.dir, 'orgs-new.csv'), [
      ['code', 'name', 'kind', 'parent', 'domain', 'members', 'established_on'],
      ['B4', '新建党支部', 'branch', 'C1', 'rural', 12, '2026-01-01'],
    ]);
    const e = await rejected(importFiles(t.store, [newOrg, fixture('meetings.csv'), fixture('meetings-attended-exceeds-expected.bad.csv')], { now: NOW }));
    expect(e.issues).toMatchObject([{ source: fixture('meetings-attended-exceeds-expected.bad.csv'), line: 3, key: 'attended' }]);
    expect(await snapshot(t)).toEqual(before);
    expect(await t.store.orgs.count()).toBe(5);
  });

  it('reports the bad rows of every file, not just the first bad file', async () => {
    await importFiles(t.store, [fixture('orgs.csv')], { now: NOW });
    const e = await rejected(
      importFiles(t.store, [fixture('meetings-unknown-type.bad.csv'), fixture('orgs-unknown-domain.bad.csv'), fixture('meetings-negative-count.bad.csv')]),
    );
    // Org files are checked first (they are applied first), then meeting files in command order.
    expect(e.issues.map((i) => [i.source, i.line, i.key])).toEqual([
      [fixture('orgs-unknown-domain.bad.csv'), 2, 'domain'],
      [fixture('meetings-unknown-type.bad.csv'), 2, 'type'],
      [fixture('meetings-negative-count.bad.csv'), 2, 'expected'],
    ]);
  });

  it('does not blame meetings for an org whose own row was bad', async () => {
    const orgs = writeCsv(join(t.dir, 'orgs.csv'), [
      ['code', 'name', 'kind', 'parent', 'domain', 'members', 'established_on'],
      ['C0', '市委', 'committee', '', '', '', ''],
      ['B1', '支部', 'branch', 'C0', '农业', 10, '2020-01-01'],
    ]);
    const meetings = writeCsv(join(t.dir, 'meetings.csv'), [MEETING_HEADER, ['M1', 'B1', '支委会', '2026-05-05 14:30', 5, 5, '是', '', '']]);
    const e = await rejected(importFiles(t.store, [orgs, meetings]));
    expect(e.issues.map((i) => [i.line, i.key])).toEqual([[3, 'domain']]);
    expect(await t.store.orgs.count()).toBe(0);
  });

  it('rejects a code repeated with other content in another file of the same command, naming both files:lines', async () => {
    const a = writeCsv(join(t.dir, 'a.csv'), [['code', 'name', 'kind', 'parent'], ['C0', '旧名', 'committee', '']]);
    const b = writeCsv(join(t.dir, 'b.csv'), [['code', 'name', 'kind', 'parent'], ['C0', '新名', 'committee', '']]);
    const e = await rejected(importFiles(t.store, [a, b], { now: NOW }));
    expect(e.issues).toHaveLength(1);
    expect(e.issues[0]).toMatchObject({ source: b, line: 2, key: 'code' });
    expect(e.issues[0]!.reasonEn).toContain(`${a}:2`);
    expect(await t.store.orgs.get('C0', NOW)).toBeUndefined();
  });

  it('rejects a meeting id repeated with other content in another file of the same command, and accepts an identical repeat', async () => {
    await importFiles(t.store, [fixture('orgs.csv')], { now: NOW });
    const header = ['id', 'org', 'type', 'held_at', 'expected', 'attended'];
    const a = writeCsv(join(t.dir, 'ma.csv'), [header, ['M1', 'B1', 'committee', '2026-03-05 09:00', '7', '6']]);
    const same = writeCsv(join(t.dir, 'mb.csv'), [header, ['M1', 'B1', 'committee', '2026-03-05 09:00', '7', '6']]);
    const ok = await importFiles(t.store, [a, same], { now: NOW });
    expect(ok.map((r) => [r.inserted, r.unchanged])).toEqual([[1, 0], [0, 1]]);
    const fresh = writeCsv(join(t.dir, 'md.csv'), [header, ['M9', 'B1', 'committee', '2026-04-05 09:00', '7', '6']]);
    const fresh2 = writeCsv(join(t.dir, 'me.csv'), [header, ['M8', 'B1', 'committee', '2026-04-01 09:00', '7', '6'], ['M9', 'B1', 'committee', '2026-04-05 09:00', '7', '2']]);
    const e2 = await rejected(importFiles(t.store, [fresh, fresh2], { now: NOW }));
    expect(e2.issues).toHaveLength(1);
    expect(e2.issues[0]).toMatchObject({ source: fresh2, line: 3, key: 'id' });
    expect(e2.issues[0]!.reasonEn).toContain(`${fresh}:2`);
    expect(e2.issues[0]!.reasonZh).toContain(`${fresh} 第 2 行`);
  });
});

describe('an import inside a caller transaction (SQLite: the session becomes a savepoint)', () => {
  it('rolls back only its own savepoint when rejected, and joins the caller when accepted', async () => {
    const t = await tempStore({ kind: 'sqlite' });
    try {
      const c = sqliteHandle(t.store)!.$client;
      c.exec('BEGIN');
      c.prepare("INSERT INTO imports (file, sha256, \"table\", rows, inserted, updated, unchanged, imported_at) VALUES ('caller', '-', 'orgs', 0, 0, 0, 0, 1)").run();
      await rejected(importFiles(t.store, [fixture('orgs-unknown-domain.bad.csv')]));
      expect(c.inTransaction).toBe(true);
      await importFiles(t.store, [fixture('orgs.csv')], { now: NOW });
      c.exec('COMMIT');
      expect(await t.store.orgs.count()).toBe(5);
      expect((await t.store.imports.list()).map((i) => i.file)).toEqual([fixture('orgs.csv'), 'caller']);
    } finally {
      await t.cleanup();
    }
  });
});
