import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempStore, type TempStore } from '../helpers/store.js';
import { CONFIG_DIR } from '../helpers/config.js';
import { acknowledge, explicitScope, planDeliveries, reconcile } from '../../src/alerts/index.js';
import { parseTimestamp } from '../../src/domain/calendar.js';
import { runCheck } from '../../src/evaluation/index.js';
import type { Store } from '../../src/store/port.js';
import { shippedConfig } from '../helpers/config.js';
import { sendAllPending } from '../alerts/fixtures.js';
import { insertMeetings, meeting, NOW, orglife, seedCity, type RunResult } from './seed.js';

/**
 * The alert history check reads: warnings of 4 November delivered that morning (so by NOW they are
 * escalated after 7 working days), then B2A1's group-monthly acknowledged with a plan.
 */
async function alertHistory(store: Store): Promise<void> {
  const config = shippedConfig();
  const cycle = async (iso: string) => {
    const now = parseTimestamp(iso)!;
    const findings = await runCheck(store, config, now, { alsoEvaluate: await store.alerts.openPeriods() });
    await reconcile(store, findings, explicitScope(findings), config, now);
    await planDeliveries(store, config, ['email'], now);
  };
  await cycle('2026-11-04T08:30');
  expect(await sendAllPending(store, parseTimestamp('2026-11-04T09:00')!)).toBeGreaterThan(0);
  await cycle(NOW);
  const group = (await store.alerts.list({ org: 'B2A1' })).find((a) => a.rule === 'group-monthly')!;
  await acknowledge(store, { id: group.id }, { plan: '12月10日前各党小组补开党小组会', by: '2026-12-10', who: '书记' }, parseTimestamp(NOW)!);
}

let t: TempStore;
let configDir: string;
const runs: Record<string, RunResult> = {};

/** All read-only runs at once: each is a child process that takes a moment to start. */
beforeAll(async () => {
  t = await tempStore();
  await seedCity(t.store, { contacts: true });
  await alertHistory(t.store);
  configDir = mkdtempSync(join(tmpdir(), 'orglife-check-config-'));
  copyFileSync(join(CONFIG_DIR, 'default.yaml'), join(configDir, 'default.yaml'));
  writeFileSync(join(configDir, 'local.yaml'), 'domains:\n  organ:\n    rules:\n      committee-monthly: { enabled: false }\n');
  const db = { db: t.spec };
  const cases: Record<string, [string[], { db: string; config?: string }]> = {
    text: [['check', '--at', NOW], db],
    json: [['check', '--json', '--at', NOW], db],
    underC2: [['check', '--json', '--at', NOW, '--org', 'C2'], db],
    unknownOrg: [['check', '--at', NOW, '--org', 'NOPE'], db],
    badAt: [['check', '--at', '2026-02-30T10:00'], db],
    failOnEscalation: [['check', '--at', NOW, '--fail-on', 'escalation'], db],
    failOnEscalationB201: [['check', '--at', NOW, '--org', 'B201', '--fail-on', 'escalation'], db],
    organCommitteeOff: [['check', '--json', '--at', NOW, '--org', 'C1'], { db: t.spec, config: configDir }],
    noDb: [['check', '--at', NOW], { db: join(t.dir, 'missing.db') }],
  };
  // The first run alone: concurrent first runs would all compile the sources into tsx's cache at once.
  const [first, ...rest] = Object.entries(cases);
  runs[first![0]] = await orglife(...first![1]);
  await Promise.all(rest.map(async ([name, [args, env]]) => (runs[name] = await orglife(args, env))));
}, 120_000);

afterAll(async () => {
  await t.cleanup();
  rmSync(configDir, { recursive: true, force: true });
});

const lines = (r: RunResult) => r.stdout.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as Record<string, unknown>);

describe('orglife check', () => {
  it('prints a Chinese table grouped by committee and branch, then counts by level, and exits 0', () => {
    const r = runs.text!;
    expect(r.code).toBe(0);
    const out = r.stdout.split('\n');
    expect(out[0]).toBe('组织生活检查结果（截至 2026-11-28 10:00，北京时间）');
    const headings = out.filter((l) => /^【|^ {2}\S/.test(l));
    expect(headings).toEqual([
      '【城关镇党委】（C1）',
      '  城关镇机关党支部（B101）',
      '【东街街道党委】（C2）',
      '  东街第一党支部（B201）',
      '【幸福社区党委】（C2A）',
      '  幸福社区党支部（B2A1）',
    ]);
    // The state comes from the alert store: escalated (delivered 4 Nov, 7 working days unanswered),
    // acknowledged with its deadline, or a warning not delivered yet (no "已转督办" for it).
    expect(r.stdout).toMatch(
      /督办 +每月召开支委会 +2026-10 +截止 2026-10-31 {2}2026年10月未召开支部委员会会议（每月至少1次），已逾期28天（已转上级党委督办）/,
    );
    expect(r.stdout).toMatch(/限期整改 +每月召开党小组会 +2026-10 .*（已报送整改计划，限期2026-12-10前整改：12月10日前各党小组补开党小组会）/);
    expect(r.stdout).toMatch(/预警 +党员大会到会人数过半 +2026-Q4 .*（预警送达后7个工作日内仍未整改的，将转上级党委督办）/);
    expect(r.stdout.match(/已转上级党委督办/g)).toHaveLength(1);
    expect(r.stdout).toMatch(/提醒 +支部委员会按期换届 +2027-03-01 +截止 2027-03-01 {2}支部委员会任期将于2027-03-01届满/);
    expect(r.stdout).not.toContain('B102');
    expect(out.filter((l) => l).at(-1)).toBe('共 3 个支部存在问题：提醒 1 条，预警 2 条，督办 1 条（共检查 4 个支部）');
  });

  it('prints one JSON object per line with codes, names, level, period, due date and message', () => {
    const r = runs.json!;
    expect(r.code).toBe(0);
    const found = lines(r);
    expect(found.map((f) => [f.org, f.rule, f.level, f.period, f.due])).toEqual([
      ['B101', 'committee-monthly', 'escalation', '2026-10', '2026-10-31'],
      ['B201', 'assembly-quorum', 'warning', '2026-Q4', '2026-12-31'],
      ['B2A1', 'group-monthly', 'warning', '2026-10', '2026-10-31'],
      ['B2A1', 'term-expiry', 'reminder', '2027-03-01', '2027-03-01'],
    ]);
    expect(found[1]).toEqual({
      org: 'B201',
      orgName: '东街第一党支部',
      committee: 'C2',
      committeeName: '东街街道党委',
      rule: 'assembly-quorum',
      ruleName: '党员大会到会人数过半',
      level: 'warning',
      levelName: '预警',
      period: '2026-Q4',
      due: '2026-12-31',
      message: '2026年第四季度有1次支部党员大会到会人数未过半（11月5日应到10人、实到5人），会议无效，不计入党员大会次数',
      meetingIds: ['B201-q4-as2'],
      state: 'open',
      stateName: '已提醒',
      note: '预警送达后7个工作日内仍未整改的，将转上级党委督办',
      escalatesOn: null,
      ackBy: null,
      alertId: expect.any(Number),
    });
    expect(found[2]!.message).toBe('2026年10月党小组会仅召开1次，尚差1次（2个党小组每月各至少1次），已逾期28天');
    expect(found[2]).toMatchObject({ state: 'acknowledged', ackBy: '2026-12-10' });
    expect(found[0]).toMatchObject({ state: 'escalated', note: '已转上级党委督办' });
    expect(r.stderr).toContain('共 3 个支部存在问题');
  });

  it('checks only the branches under a committee given with --org, sub-committees included', () => {
    expect(lines(runs.underC2!).map((f) => f.org)).toEqual(['B201', 'B2A1', 'B2A1']);
  });

  it('refuses an unknown --org with a clear error and a non-zero exit', () => {
    expect(runs.unknownOrg!.code).toBe(1);
    expect(runs.unknownOrg!.stderr).toContain('未找到组织编码 NOPE');
    expect(runs.unknownOrg!.stdout).toBe('');
  });

  it('refuses an impossible --at time', () => {
    expect(runs.badAt!.code).toBe(1);
    expect(runs.badAt!.stderr).toContain('无效的时间 --at "2026-02-30T10:00"');
  });

  it('exits 3 with --fail-on when a finding reaches that level, 0 otherwise', () => {
    expect(runs.failOnEscalation!.code).toBe(3);
    expect(runs.failOnEscalationB201!.code, runs.failOnEscalationB201!.stderr).toBe(0);
    expect(runs.failOnEscalationB201!.stdout).toContain('预警');
  });

  it('applies per-domain overrides from the configuration folder', () => {
    expect(runs.organCommitteeOff!.code).toBe(0);
    expect(lines(runs.organCommitteeOff!)).toEqual([]);
  });

  it('creates the database on a first run and says there is nothing to check yet', () => {
    expect(runs.noDb!.code).toBe(0);
    expect(runs.noDb!.stdout).toContain('共检查 0 个支部，均未发现问题。');
    expect(runs.noDb!.stderr).toContain('已新建数据库');
    expect(runs.noDb!.stderr).toContain('请先导入组织与会议记录');
    expect(existsSync(join(t.dir, 'missing.db'))).toBe(true);
  });
});

describe('orglife check after a late record', () => {
  it('no longer reports the lapse once the meeting is recorded', async () => {
    const late = await tempStore();
    try {
      await seedCity(late.store);
      await insertMeetings(late.store, [meeting('B101-late-cm', 'B101', 'committee', '2026-10-31T16:00')]);
      const r = await orglife(['check', '--json', '--at', NOW, '--org', 'B101'], { db: late.spec });
      expect(r.code).toBe(0);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain('共检查 1 个支部，均未发现问题');
    } finally {
      await late.cleanup();
    }
  });
});
