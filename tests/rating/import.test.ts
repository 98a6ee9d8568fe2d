/** Importing ratings and star changes, on the store tempStore() gives (SQLite or PostgreSQL), read back through the port. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { importFiles, importRecords } from '../../src/import/index.js';
import type { Store } from '../../src/store/port.js';
import { tempStore, type TempStore } from '../helpers/store.js';
import { expectBilingual, fixture, NOW, rejected, where, writeCsv, writeNdjson, writeXlsx } from '../import/helpers.js';

const ratingRows = async (store: Store) =>
  [...(await store.rating.ratings()).values()]
    .flat()
    .map((r) => ({ org: r.org, year: r.year, stars: r.stars, rated_on: r.ratedOn }))
    .sort((a, b) => a.org.localeCompare(b.org) || a.year - b.year);
const changeRows = async (store: Store) =>
  [...(await store.rating.starChanges()).values()]
    .flat()
    .map((c) => ({ change_id: c.id, org: c.org, effective_on: c.effectiveOn, stars: c.stars, channel: c.channel, reason: c.reason, evidence: c.evidence }))
    .sort((a, b) => a.change_id.localeCompare(b.change_id));

describe('importing ratings and star changes', () => {
  let t: TempStore;
  beforeEach(async () => {
    t = await tempStore();
    await importFiles(t.store, [fixture('orgs.csv')], { now: NOW });
  });
  afterEach(async () => t.cleanup());

  it('reads Chinese headers and values from CSV, and a re-import changes nothing', async () => {
    const ratings = writeCsv(join(t.dir, 'ratings.csv'), [
      ['组织编码', '年度', '星级', '评定日期'],
      ['B1', '2025年', '五星', ''],
      ['B2', 2025, '★★★★', '2025/12/28'],
    ], 'gbk');
    const changes = writeCsv(join(t.dir, 'changes.csv'), [
      ['调整编号', '组织编码', '生效日期', '调整后星级', '来源渠道', '原因', '佐证材料'],
      ['X1', 'B1', '2026-06-15', 0, '巡视巡察', '巡察发现班子问题', '巡察反馈〔2026〕3号'],
      ['X2', 'B2', '2026年9月1日', '3', '信访举报', '', ''],
    ]);
    const first = await importFiles(t.store, [ratings, changes], { now: NOW });
    expect(first.map((r) => [r.table, r.inserted])).toEqual([['ratings', 2], ['star_changes', 2]]);
    expect(await ratingRows(t.store)).toEqual([
      { org: 'B1', year: 2025, stars: 5, rated_on: null },
      { org: 'B2', year: 2025, stars: 4, rated_on: '2025-12-28' },
    ]);
    expect(await changeRows(t.store)).toEqual([
      { change_id: 'X1', org: 'B1', effective_on: '2026-06-15', stars: 0, channel: 'inspection', reason: '巡察发现班子问题', evidence: '巡察反馈〔2026〕3号' },
      { change_id: 'X2', org: 'B2', effective_on: '2026-09-01', stars: 3, channel: 'petition', reason: null, evidence: null },
    ]);
    const again = await importFiles(t.store, [ratings, changes], { now: NOW + 1 });
    expect(again.map((r) => [r.inserted, r.updated, r.unchanged])).toEqual([[0, 0, 2], [0, 0, 2]]);
  });

  it('reads XLSX and NDJSON with English keys and codes, and pushed rows; a changed star is an update', async () => {
    const x = await writeXlsx(join(t.dir, 'r.xlsx'), [['org', 'year', 'stars', 'rated_on'], ['B1', 2025, 4, null]], { titleRow: '2025年度评星定级结果' });
    const n = writeNdjson(join(t.dir, 'c.ndjson'), [{ id: 'K1', org: 'B1', effective_on: '2026-03-01', stars: 2, channel: 'supervision', reason: '督查' }]);
    await importFiles(t.store, [x, n], { now: NOW });
    const res = await importRecords(t.store, 'ratings', [{ org: 'B1', year: 2025, stars: 5 }], 'api', { now: NOW });
    expect([res.updated, res.inserted]).toEqual([1, 0]);
    expect(await ratingRows(t.store)).toEqual([{ org: 'B1', year: 2025, stars: 5, rated_on: null }]);
    expect(await changeRows(t.store)).toMatchObject([{ change_id: 'K1', channel: 'supervision', stars: 2 }]);
  });

  it('bad rating rows are rejected whole with file, line and column, in both languages', async () => {
    const f = writeCsv(join(t.dir, 'bad-ratings.csv'), [
      ['组织编码', '年度', '星级', '评定日期'],
      ['B1', 2025, 5, ''],
      ['B9', 2025, 4, ''], // unknown org
      ['C1', 2025, 4, ''], // a committee
      ['B2', '25', 4, ''], // bad year
      ['B2', 2025, 6, ''], // bad star
      ['B3', 2025, 0, ''], // a filed rating is 1–5
      ['B3', 2024, 3, '2023-12-01'], // filed before the year rated
      ['B1', 2025, 3, ''], // same key, other star
      ['', 2025, 3, ''], // missing org
    ]);
    const e = await rejected(importFiles(t.store, [f], { now: NOW }));
    expect(where(e.issues)).toEqual([
      { line: 3, key: 'org' },
      { line: 4, key: 'org' },
      { line: 5, key: 'year' },
      { line: 6, key: 'stars' },
      { line: 7, key: 'stars' },
      { line: 8, key: 'rated_on' },
      { line: 9, key: 'stars' },
      { line: 10, key: 'org' },
    ]);
    expect(e.issues[0]!.reasonZh).toMatch(/B9.*不存在/);
    expect(e.issues[6]!.reasonZh).toMatch(/第 2 行已出现且内容不同/);
    expect(e.issues[0]!.column).toBe('组织编码');
    expectBilingual(e.issues);
    expect(await ratingRows(t.store)).toEqual([]);
  });

  it('bad star-change rows are rejected whole, and nothing of the command is written', async () => {
    const good = writeCsv(join(t.dir, 'ok.csv'), [['org', 'year', 'stars'], ['B1', 2025, 5]]);
    const f = writeCsv(join(t.dir, 'bad-changes.csv'), [
      ['id', 'org', 'effective_on', 'stars', 'channel', 'reason'],
      ['X1', 'B1', '2026-06-15', 3, 'inspection', ''],
      ['X2', 'B1', '2026-02-30', 3, 'inspection', ''], // no such date
      ['X3', 'B1', '2026-07-01', 3, '上级通报', ''], // unknown channel
      ['X4', 'B1', '2026-07-01', -1, 'other', ''], // bad star
      ['X1', 'B1', '2026-06-15', 2, 'inspection', ''], // same id, other content
      ['X5', 'B1', '', 2, 'inspection', ''], // missing date
    ]);
    const e = await rejected(importFiles(t.store, [good, f], { now: NOW }));
    expect(where(e.issues)).toEqual([
      { line: 3, key: 'effective_on' },
      { line: 4, key: 'channel' },
      { line: 5, key: 'stars' },
      { line: 6, key: 'id' },
      { line: 7, key: 'effective_on' },
    ]);
    expect(e.issues[1]!.reasonZh).toMatch(/未知的来源渠道「上级通报」.*巡视巡察（inspection）/);
    expectBilingual(e.issues);
    expect(await ratingRows(t.store)).toEqual([]);
    expect(await changeRows(t.store)).toEqual([]);
  });
});
