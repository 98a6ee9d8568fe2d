/**
 * Adversarial corpus, configuration side: hostile or careless local.yaml files over the shipped
 * config folder, checked in-process like `orglife config check` does. Each must be refused with
 * bilingual issues naming file and line, never a stack trace or a crash (alias bombs included).
 * Then, through the real CLI: a bad cron refused by `config check` with file:line and by the daemon
 * with exit code 2; a channel enabled without its secret reported by `config check`; warnings for a
 * cron that never fires and for a holiday calendar that ends too soon.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { checkConfig } from '../../src/config/load.js';
import { cronCanFire, parseCron } from '../../src/config/cron.js';
import { CONFIG_DIR } from '../helpers/config.js';

const run = promisify(execFile);
const BIN = resolve(import.meta.dirname, '../../bin/orglife.js');
const root = mkdtempSync(join(tmpdir(), 'orglife-hostile-config-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const NOW = Date.parse('2026-06-01T09:00:00+08:00'); // the shipped calendar covers the next 60 days

let n = 0;
function folder(local: string): string {
  const dir = join(root, `c${n++}`);
  mkdirSync(dir);
  copyFileSync(join(CONFIG_DIR, 'default.yaml'), join(dir, 'default.yaml'));
  copyFileSync(join(CONFIG_DIR, 'holidays.yaml'), join(dir, 'holidays.yaml'));
  writeFileSync(join(dir, 'local.yaml'), local);
  return dir;
}

const bomb = (levels: number) => {
  let y = 'a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n';
  for (let i = 1; i <= levels; i++) y += `a${i}: &a${i} [${Array.from({ length: 10 }, () => `*a${i - 1}`).join(', ')}]\n`;
  return y;
};

const cases: [string, string, RegExp][] = [
  ['cron minute 61, hour 25', 'schedules:\n  evaluate: "61 25 * * *"\n', /分钟|minute/],
  ['cron hour 24', 'schedules:\n  evaluate: "0 24 * * *"\n', /小时|hour/],
  ['cron day 32', 'schedules:\n  report_monthly: "0 9 32 * *"\n', /日|day/],
  ['cron day 0', 'schedules:\n  report_monthly: "0 9 0 * *"\n', /范围|range/],
  ['cron month 13', 'schedules:\n  report_yearly: "0 9 2 13 *"\n', /月|month/],
  ['cron weekday 8', 'schedules:\n  evaluate: "0 9 * * 8"\n', /星期|week/],
  ['cron of 4 fields', 'schedules:\n  evaluate: "0 9 * *"\n', /5 段|5-field/],
  ['cron of 6 fields', 'schedules:\n  evaluate: "0 0 9 * * *"\n', /5 段|5-field/],
  ['cron reversed range', 'schedules:\n  evaluate: "0 20-8 * * *"\n', /颠倒|reversed/],
  ['cron step 0', 'schedules:\n  evaluate: "*/0 * * * *"\n', /步长|step/],
  ['cron garbage', 'schedules:\n  evaluate: "every morning"\n', /5 段|5-field|无效|invalid/],
  ['cron unknown name', 'schedules:\n  evaluate: "0 9 * * funday"\n', /无效|invalid/],
  ['cron a number', 'schedules:\n  evaluate: 830\n', /类型|expected/],
  ['alias bomb (10^6 nodes)', bomb(6), /别名|alias/],
  ['alias bomb (10^9 nodes)', bomb(9), /别名|alias/],
  ['impossible holiday 2026-02-30', 'calendar:\n  holidays: [2026-02-30]\n', /日期|date/],
  ['impossible workday 2026-13-01', 'calendar:\n  workdays: ["2026-13-01"]\n', /日期|date/],
  ['holiday not a date', 'calendar:\n  holidays: [春节]\n', /日期|date|YYYY/],
  ['WeCom key inline in the URL', 'channels:\n  wecom:\n    base_url: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx"\n', /密钥|secret/],
  ['DingTalk token inline in the URL', 'channels:\n  dingtalk:\n    base_url: "https://oapi.dingtalk.com/robot/send?access_token=abc123"\n', /密钥|secret/],
  ['gateway password in the URL', 'channels:\n  http_sms:\n    url: "https://user:pw@sms.example.gov.cn/api/send"\n', /密钥|secret/],
  ['password in email.host', 'channels:\n  email:\n    host: "orglife:S3cret@smtp.example.gov.cn"\n', /SMTP_URL/],
  ['email.host a URL', 'channels:\n  email:\n    host: "smtp://smtp.example.gov.cn"\n', /SMTP_URL/],
  ['unknown top-level key', 'schedule:\n  evaluate: "30 8 * * *"\n', /未知|unknown/],
  ['unknown rule key', 'rules:\n  committee-monthly:\n    min_cuont: 2\n', /未知|unknown/],
  ['unknown rule id', 'rules:\n  committee-weekly:\n    enabled: true\n', /未知|unknown/],
  ['negative grace days', 'rules:\n  committee-monthly:\n    grace_days: -1\n', /过小|too small|>=|least/],
  ['min_count a string', 'rules:\n  committee-monthly:\n    min_count: many\n', /类型|expected/],
  ['threshold above 1', 'rules:\n  attendance-low:\n    threshold: 7\n', /过大|too big|<=/],
  ['quiet hours 25:00', 'delivery:\n  quiet_hours:\n    start: "25:00"\n', /HH:MM/],
  ['sms cap 1000', 'delivery:\n  sms_daily_cap: 1000\n', /过大|too big|<=/],
  ['port 70000', 'http:\n  port: 70000\n', /过大|too big|<=/],
  ['body limit 1', 'http:\n  body_limit_bytes: 1\n', /过小|too small|>=/],
  ['a list instead of a mapping', '- a\n- b\n', /mapping|映射|expected/],
  ['a scalar document', 'hello\n', /mapping|映射|expected/],
  ['YAML syntax error', 'rules: [\n', /YAML/],
  ['duplicate keys', 'http:\n  port: 1\n  port: 2\n', /YAML/],
  ['tab indentation', 'http:\n\tport: 1\n', /YAML/],
  ['unknown domain override', 'domains:\n  moon:\n    rules: {}\n', /未知|unknown|invalid/],
  ['routing to an unknown channel', 'routing:\n  warning:\n    secretary: [pigeon]\n', /取值|invalid|expected/],
  ['a huge unknown key', `http:\n  ${'k'.repeat(200_000)}: 1\n`, /未知|unknown|YAML/],
  ['deep nesting', `rules: ${'['.repeat(5000)}${']'.repeat(5000)}\n`, /./],
];

describe(`the config corpus (${cases.length} hostile files)`, () => {
  it.each(cases.map(([name, yaml, reason], i) => [i, name, yaml, reason] as const))('#%i %s', (_i, _name, yaml, reason) => {
    const dir = folder(yaml);
    const { issues } = checkConfig(dir, NOW);
    expect(issues.length).toBeGreaterThan(0);
    const text = issues.map((i) => `${i.file}:${i.line ?? ''}: ${i.path}: ${i.message}`).join('\n');
    expect(text).toMatch(reason);
    expect(text).not.toMatch(/\n\s+at |ReferenceError|RangeError|TypeError/);
    expect(text.length).toBeLessThan(20_000);
    for (const i of issues) {
      expect(i.file).toContain(dir);
      expect(i.message).toMatch(/[\u4e00-\u9fff]/);
      expect(i.message).toMatch(/[a-z]/i);
    }
    // Where the problem is in local.yaml, the line is named.
    if (issues[0]!.file.endsWith('local.yaml') && !/别名|alias/.test(text)) expect(issues[0]!.line).not.toBeNull();
  });
});

describe('cron expressions', () => {
  it('accepts the usual forms and knows which can never fire', () => {
    for (const e of ['30 8 * * *', '0 9 2 1,4,7,10 *', '*/15 8-20 * * 1-5', '0 9 * * mon-fri', '0 0 29 2 *', '0 0 L * *'.replace('L', '28')]) {
      expect('problem' in parseCron(e), e).toBe(false);
    }
    expect(cronCanFire('0 0 31 2 *')).toBe(false);
    expect(cronCanFire('0 0 30,31 2 *')).toBe(false);
    expect(cronCanFire('0 0 31 4,6,9,11 *')).toBe(false);
    expect(cronCanFire('0 0 29 2 *')).toBe(true);
    expect(cronCanFire('0 0 31 2 1')).toBe(true); // either day field: every Monday of February
  });

  it('warns about a schedule that never fires and a holiday calendar that ends too soon, naming file:line', () => {
    const dir = folder('schedules:\n  report_monthly: "0 0 31 2 *"\n');
    const late = checkConfig(dir, Date.parse('2026-12-01T09:00:00+08:00'));
    expect(late.issues).toEqual([]);
    const never = late.warnings.find((w) => w.path === 'schedules.report_monthly')!;
    expect(never.file).toBe(join(dir, 'local.yaml'));
    expect(never.line).toBe(2);
    expect(never.message).toMatch(/永远不会触发.*never fire/);
    const cal = late.warnings.find((w) => w.path === 'calendar.holidays')!;
    expect(cal.file).toBe(join(dir, 'holidays.yaml'));
    expect(cal.message).toMatch(/2026.*2027-01-30.*2027/);
    expect(checkConfig(dir, NOW).warnings.map((w) => w.path)).toEqual(['schedules.report_monthly']);
  });
});

describe('through the CLI', () => {
  const env = (extra: Record<string, string> = {}) => ({ ...process.env, ORGLIFE_DB: join(root, 'cli.db'), LOG_LEVEL: 'silent', REDIS_URL: 'redis://127.0.0.1:6379', ...extra });
  const cli = async (args: string[], extra: Record<string, string> = {}) => {
    try {
      const r = await run(process.execPath, [BIN, ...args], { env: env(extra), timeout: 60_000 });
      return { code: 0, stdout: r.stdout, stderr: r.stderr };
    } catch (e) {
      const err = e as { code: number; stdout: string; stderr: string };
      return { code: err.code, stdout: err.stdout, stderr: err.stderr };
    }
  };

  it('config check refuses 61 25 * * * with file:line and exit 2; the daemon refuses it at start with exit 2, no stack trace', async () => {
    const dir = folder('schedules:\n  evaluate: "61 25 * * *"\n');
    const check = await cli(['config', 'check', dir]);
    expect(check.code).toBe(2);
    expect(check.stderr).toContain(`${join(dir, 'local.yaml')}:2: schedules.evaluate:`);
    expect(check.stderr).toMatch(/分钟.*minute/);
    const daemon = await cli(['daemon', '--once'], { ORGLIFE_CONFIG: dir });
    expect(daemon.code).toBe(2);
    expect(daemon.stderr).toContain('schedules.evaluate');
    expect(daemon.stderr).not.toMatch(/\n\s+at /);
  }, 120_000);

  it('config check reports an enabled channel whose secret is not in the environment, like the daemon would', async () => {
    const dir = folder('channels:\n  wecom:\n    enabled: true\n    robots:\n      county: { key_env: HOSTILE_TEST_WECOM_KEY }\n');
    const check = await cli(['config', 'check', dir]);
    expect(check.code).toBe(2);
    expect(check.stderr).toMatch(/channels\.wecom\.robots\.county.*HOSTILE_TEST_WECOM_KEY/);
    const ok = await cli(['config', 'check', dir], { HOSTILE_TEST_WECOM_KEY: 'k-0123456789' });
    expect(ok.code, ok.stderr).toBe(0);
  }, 120_000);
});

describe('a holiday calendar running out', () => {
  it('is a /readyz warning (not unreadiness) and a metric of the days left', async () => {
    const { checkReadiness } = await import('../../src/api/readiness.js');
    const { metricsRegistry, setHolidayCalendar } = await import('../../src/metrics.js');
    const cal = { holidays: ['2026-10-01'], workdays: ['2026-10-10'] };
    const probes = {
      pingRedis: async () => undefined, pingSqlite: () => undefined, workersRunning: () => true,
      lastEvaluationFinishedAt: () => Date.parse('2026-12-01T08:31:00+08:00'), evaluateCron: () => '30 8 * * *',
      startedAt: Date.parse('2026-12-01T08:00:00+08:00'), now: () => Date.parse('2026-12-01T09:00:00+08:00'), calendar: () => cal,
    };
    const r = await checkReadiness(probes);
    expect(r.ready).toBe(true);
    expect(r.warnings.join('\n')).toMatch(/2026.*2027/);
    expect((await checkReadiness({ ...probes, now: () => Date.parse('2026-06-01T09:00:00+08:00') })).warnings).toEqual([]);
    setHolidayCalendar(() => cal);
    expect(await metricsRegistry.metrics()).toMatch(/orglife_holiday_calendar_days_left -?\d+/);
  });
});
