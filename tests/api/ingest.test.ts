import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auth, startTestApi, type TestApi } from './setup.js';

const meeting = (id: string, extra: Record<string, unknown> = {}) => ({
  id, org: 'B001', type: 'committee', held_at: '2026-11-05T09:00', expected: 5, attended: 5, minutes: 'yes', ...extra,
});

describe('POST /api/v1/meetings and /api/v1/orgs', () => {
  let t: TestApi;
  beforeEach(async () => {
    t = await startTestApi();
  });
  afterEach(async () => {
    await t.close();
  });

  it('stores a batch of meetings and reports what was inserted, then nothing changes on a repeat', async () => {
    const body = [meeting('M1'), meeting('M2', { type: 'theme_day', held_at: '2026-11-06 14:30' })];
    const first = await t.app.inject({ method: 'POST', url: '/api/v1/meetings', headers: auth('ingest'), payload: body });
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ table: 'meetings', rows: 2, inserted: 2, updated: 0, unchanged: 0 });
    expect((await t.tmp.store.facts.meeting('M2'))?.type).toBe('theme_day');

    const again = await t.app.inject({ method: 'POST', url: '/api/v1/meetings', headers: auth('ingest'), payload: body });
    expect(again.json()).toMatchObject({ rows: 2, inserted: 0, unchanged: 2 });
    expect(await t.tmp.store.facts.countMeetings()).toBe(2);
  });

  it('accepts a single object and a {records: [...]} wrapper, with Chinese keys and values', async () => {
    const one = await t.app.inject({ method: 'POST', url: '/api/v1/meetings', headers: auth('ingest'), payload: meeting('M1') });
    expect(one.json()).toMatchObject({ rows: 1, inserted: 1 });
    const zh = { 记录编号: 'M9', 组织编码: 'B002', 会议类型: '主题党日', 召开时间: '2026-11-10 09:00', 应到人数: 20, 实到人数: 18, 有无记录: '是' };
    const wrapped = await t.app.inject({ method: 'POST', url: '/api/v1/meetings', headers: auth('ingest'), payload: { records: [zh] } });
    expect(wrapped.statusCode).toBe(200);
    expect((await t.tmp.store.facts.meeting('M9'))).toMatchObject({ type: 'theme_day', attended: 18 });
  });

  it('stores members and their sign-ins, and rejects a sign-in of a member of another branch', async () => {
    const post = (url: string, payload: object) => t.app.inject({ method: 'POST', url, headers: auth('ingest'), payload });
    await post('/api/v1/meetings', [meeting('M1')]);
    const members = await post('/api/v1/members', [
      { 党员编号: 'P1', 组织编码: 'B001', 姓名: '张三', 党员类别: '正式党员', 入党日期: '2010-07-01' },
      { id: 'P2', org: 'B002', name: '李四', status: 'probationary', joined_on: '2026-03-01' },
    ]);
    expect(members.json()).toMatchObject({ table: 'members', inserted: 2 });
    const ok = await post('/api/v1/attendance', [{ meeting: 'M1', member: 'P1', status: 'present', method: 'face' }]);
    expect(ok.json()).toMatchObject({ table: 'attendance', inserted: 1 });
    const bad = await post('/api/v1/attendance', [{ meeting: 'M1', member: 'P2', status: 'present' }]);
    expect(bad.statusCode).toBe(422);
    expect(bad.json().error.details.issues[0]).toMatchObject({ item: 0, field: 'member' });
  });

  it('replaces an existing organization by code (keyed upsert) and adds a new one', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/orgs',
      headers: auth('ingest'),
      payload: [
        { code: 'B001', name: '东街村党支部（更名）', kind: 'branch', parent: 'C01', domain: 'rural', members: 31, established_on: '2010-01-01' },
        { code: 'B003', name: '南街村党支部', kind: 'branch', parent: 'C01', domain: 'rural', members: 12, established_on: '2015-06-01' },
      ],
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ inserted: 1, updated: 1 });
    expect((await t.tmp.store.orgs.get('B001', Date.UTC(2026, 10, 20)))?.name).toBe('东街村党支部（更名）');
    expect(await t.tmp.store.orgs.count()).toBe(4);
  });

  it('rejects the whole batch when one meeting names an unknown organization, naming the item and field', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/meetings',
      headers: auth('ingest'),
      payload: [meeting('M1'), meeting('M2', { org: 'NOPE' })],
    });
    expect(res.statusCode).toBe(422);
    const err = res.json().error;
    expect(err.code).toBe('validation_failed');
    expect(err.message).toMatch(/未写入/);
    expect(err.details.issues).toEqual([expect.objectContaining({ item: 1, field: 'org', value: 'NOPE' })]);
    expect(await t.tmp.store.facts.countMeetings()).toBe(0);
  });

  it('rejects bad dates and impossible numbers with one issue per problem', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/meetings',
      headers: auth('ingest'),
      payload: [meeting('M1', { held_at: '2026-02-30T09:00' }), meeting('M2', { attended: 9 })],
    });
    expect(res.statusCode).toBe(422);
    const issues = res.json().error.details.issues as { item: number; field: string }[];
    expect(issues.map((i) => [i.item, i.field])).toEqual([
      [0, 'held_at'],
      [1, 'attended'],
    ]);
    expect(await t.tmp.store.facts.countMeetings()).toBe(0);
  });

  it('answers malformed JSON with 400 malformed_json and no stack trace', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/meetings',
      headers: { ...auth('ingest'), 'content-type': 'application/json' },
      payload: '[{"id": "M1",',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ error: { code: 'malformed_json', message: expect.stringMatching(/JSON/) } });
    expect(res.body).not.toMatch(/at .*\.(js|ts):\d+/);
  });

  it('answers a body that is not JSON records with 400 or 415', async () => {
    const empty = await t.app.inject({ method: 'POST', url: '/api/v1/meetings', headers: auth('ingest'), payload: [] });
    expect(empty.statusCode).toBe(400);
    expect(empty.json().error.code).toBe('invalid_request');
    const scalar = await t.app.inject({ method: 'POST', url: '/api/v1/meetings', headers: auth('ingest'), payload: [meeting('M1'), 42] });
    expect(scalar.statusCode).toBe(400);
    const text = await t.app.inject({
      method: 'POST',
      url: '/api/v1/meetings',
      headers: { ...auth('ingest'), 'content-type': 'application/xml' },
      payload: '<meeting/>',
    });
    expect(text.statusCode).toBe(415);
    expect(text.json().error.code).toBe('unsupported_media_type');
  });
});

describe('a body over http.body_limit_bytes', () => {
  it('is refused with 413 before anything is parsed or written', async () => {
    const t = await startTestApi({ bodyLimitBytes: 2048 });
    try {
      const big = Array.from({ length: 40 }, (_, i) => meeting(`M${i}`, { topic: '学习'.repeat(20) }));
      const res = await t.app.inject({ method: 'POST', url: '/api/v1/meetings', headers: auth('ingest'), payload: big });
      expect(res.statusCode).toBe(413);
      expect(res.json().error.code).toBe('payload_too_large');
      expect(await t.tmp.store.facts.countMeetings()).toBe(0);
    } finally {
      await t.close();
    }
  });
});
