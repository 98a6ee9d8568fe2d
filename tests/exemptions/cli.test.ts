/** `orglife exempt add|list|end` against a real store (SQLite or PostgreSQL, from tempStore()). */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Org } from '../../src/domain/types.js';
import { tempStore, type TempStore } from '../helpers/store.js';

const ROOT = join(import.meta.dirname, '../..');

function org(code: string, over: Partial<Org> = {}): Org {
  return {
    code, name: `${code}村党支部`, kind: 'branch', parent: 'C1', domain: 'rural', members: 10, groups: 0,
    secretary: '张三', secretaryPhone: '13800000001', secretaryEmail: null, clerk: null, clerkPhone: null, clerkEmail: null,
    electedOn: null, termYears: null, establishedOn: '2000-01-01', ...over,
  };
}

function run(args: string[], spec: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [join(ROOT, 'bin/orglife.js'), 'exempt', ...args], { cwd: ROOT, env: { ...process.env, ORGLIFE_DB: spec, ORGLIFE_CONFIG: join(ROOT, 'config') }, timeout: 60_000 }, (err, stdout, stderr) =>
      done({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('orglife exempt', () => {
  let t: TempStore;
  beforeAll(async () => {
    t = await tempStore();
    const s = await t.store.imports.begin();
    await s.beginFile('orgs');
    await s.upsert('orgs', [org('C1', { kind: 'committee', parent: null, domain: null, name: '岭阳镇党委' }), org('B1')], [2, 3], Date.now());
    await s.commit();
  });
  afterAll(async () => t.cleanup());

  it('grants, lists, ends and keeps exemptions; bad requests name the field, bilingual, no stack', async () => {
    const added = await run(['add', '--org', 'C1', '--from', '2026-11-01', '--to', '2026-12-31', '--reason', '党委换届', '--approver', '县委组织部', '--by', '李四'], t.spec);
    expect(added.stderr).toBe('');
    expect(added.stdout).toContain('已新增豁免 #1：C1（全部规则）2026-11-01 至 2026-12-31');
    const one = await run(['add', '--org', 'B1', '--rule', 'lecture-quarterly', '--from', '2099-01-01', '--to', '2099-03-31', '--reason', '受灾', '--approver', '县委组织部', '--by', '李四'], t.spec);
    expect(one.stdout).toContain('#2：B1（每季度上党课');
    const list = await run(['list', '--all', '--json'], t.spec);
    const rows = list.stdout.trim().split('\n').map((l) => JSON.parse(l) as { id: number; org: string; createdBy: string; endedAt: number | null });
    expect(rows.map((r) => [r.id, r.org, r.createdBy])).toEqual([[2, 'B1', '李四'], [1, 'C1', '李四']]);
    const ended = await run(['end', '1', '--note', '换届完成', '--by', '王五'], t.spec);
    expect(ended.stdout).toContain('已提前结束豁免 #1');
    const again = await run(['end', '1'], t.spec);
    expect([again.code, again.stderr]).toEqual([1, expect.stringContaining('已提前结束')]);
    const stored = await t.store.exemptions.get(1);
    expect(stored).toMatchObject({ endedBy: '王五', endNote: '换届完成', reason: '党委换届' });
    const current = await run(['list'], t.spec);
    expect(current.stdout).toContain('未开始');
    expect(current.stdout).not.toContain('党委换届');

    for (const [args, field] of [
      [['add', '--org', 'X9', '--from', '2026-11-01', '--to', '2026-11-30', '--reason', 'r', '--approver', 'a'], 'org：未知的组织编码'],
      [['add', '--org', 'C1', '--rule', 'nope', '--from', '2026-11-01', '--to', '2026-11-30', '--reason', 'r', '--approver', 'a'], 'rule：未知的规则'],
      [['add', '--org', 'C1', '--from', '2026-13-01', '--to', '2026-11-30', '--reason', 'r', '--approver', 'a'], 'from：无效的日期'],
      [['add', '--org', 'C1', '--from', '2026-11-30', '--to', '2026-11-01', '--reason', 'r', '--approver', 'a'], 'to：结束日期'],
      [['add', '--org', 'C1', '--from', '2026-01-01', '--to', '2026-12-31', '--reason', 'r', '--approver', 'a'], 'exemptions.max_days'],
      [['add', '--org', 'C1', '--from', '2026-11-01', '--to', '2026-11-30', '--reason', ' ', '--approver', 'a'], 'reason：请填写豁免原因'],
      [['end', 'abc'], '无效的豁免编号'],
      [['end', '99'], '没有编号为 99 的豁免'],
    ] as const) {
      const r = await run([...args], t.spec);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr).toContain(field);
      expect(r.stderr).toContain(' / ');
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    expect((await t.store.exemptions.list({ all: true })).length).toBe(2); // nothing written by the refused ones
  }, 180_000);
});
