/**
 * `orglife preview [--at ISO] [--json]` run as a real process (bin/orglife.js) against the seeded
 * county on the store tempStore() gives (SQLite, or PostgreSQL with ORGLIFE_TEST_STORE=postgres):
 * its Chinese table lists the next cycle's messages (time, channel, recipient masked), the store
 * is unchanged after it and the SMTP stand-in got nothing; --help explains the flags; a bad --at
 * is a bilingual error without a stack trace.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shippedConfig } from '../helpers/config.js';
import { startSmtpServer, type SmtpStandin } from '../helpers/smtp.js';
import type { TempStore } from '../helpers/store.js';
import { countyStore } from './setup.js';

const ROOT = join(import.meta.dirname, '../..');

let t: TempStore;
let smtp: SmtpStandin;
beforeAll(async () => {
  smtp = await startSmtpServer();
  t = await countyStore(shippedConfig());
}, 120_000);
afterAll(async () => {
  await t?.cleanup();
  await smtp?.close();
});

function preview(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { ...process.env, ORGLIFE_DB: t.spec, ORGLIFE_CONFIG: join(ROOT, 'config'), SMTP_URL: smtp.url, LOG_LEVEL: 'silent' };
  return new Promise((done) => {
    execFile(process.execPath, [join(ROOT, 'bin/orglife.js'), 'preview', ...args], { cwd: ROOT, env, timeout: 90_000 }, (err, stdout, stderr) =>
      done({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** What a cycle would change: alerts and their events, deliveries, outbox, cycle runs, the change token. */
async function fingerprint(): Promise<string> {
  const alerts = await t.store.alerts.list();
  return JSON.stringify([
    alerts.map((a) => [a.id, a.state, a.level, a.updatedAt, a.notifications, a.lastNotifiedAt]),
    await Promise.all(alerts.map(async (a) => (await t.store.alerts.history(a.id)).length)),
    (await t.store.deliveries.list()).map((d) => [d.id, d.status, d.attempts]),
    await t.store.outbox.unplannedByCommittee(),
    (await t.store.runs.recentRuns(100)).map((r) => r.id),
    await t.store.reports.changeToken(),
  ]);
}

describe('orglife preview', () => {
  it('lists who the next cycle would send to, on which channel and when, masked, and writes nothing', async () => {
    const before = await fingerprint();
    // Tuesday 1 December, 09:00 Beijing: the three secretaries' open alerts are due for a repeat, by email.
    const r = await preview(['--at', '2026-12-01T09:00']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^截至 2026-12-01 09:00，下一次检查将发送 3 条消息（其中新增 3 条；模拟，未写入、未发送）：\n/);
    for (const head of ['发送时间', '渠道', '收件人', '内容']) expect(r.stdout).toContain(head);
    const lines = r.stdout.split('\n').filter((l) => l.includes('电子邮件'));
    expect(lines).toHaveLength(3);
    for (const [code, name] of [['b101', '<script>alert(1)</script>村党支部书记'], ['b102', '南街村党支部书记'], ['b201', '河口村党支部书记']] as const) {
      const line = lines.find((l) => l.includes(`${name} ${code[0]}***@example.org`));
      expect(line, code).toBeDefined();
      const when = /^\s*(\d{4}-\d\d-\d\d \d\d:\d\d)\s/.exec(line!)?.[1]; // when, Beijing time: not before --at
      expect(when! >= '2026-12-01 09:00' && when! < '2026-12-02').toBe(true);
      expect(line).toMatch(/本次新增/);
    }
    expect(r.stdout).not.toMatch(/b\d01@example\.org/); // no full address
    expect(await fingerprint()).toBe(before);
    expect(smtp.messages).toEqual([]);

    const json = await preview(['--at', '2026-12-01T09:00', '--json']);
    const rows = json.stdout.trim().split('\n').map((l) => JSON.parse(l) as { at: string; channel: string; to: string; planned: boolean; orgs: string[] });
    expect(rows.map((x) => x.to).sort()).toEqual(['b***@example.org', 'b***@example.org', 'b***@example.org']);
    expect(rows.map((x) => x.orgs.join()).sort()).toEqual(['B101', 'B102', 'B201']);
    expect(rows.every((x) => x.channel === 'email' && x.planned && Date.parse(x.at) >= Date.parse('2026-12-01T09:00+08:00'))).toBe(true);
    expect(await fingerprint()).toBe(before);
  }, 180_000);

  it('explains its flags, and refuses a bad --at in Chinese and English without a stack trace', async () => {
    const help = await preview(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('预览下一次检查将发送的消息');
    expect(help.stdout).toMatch(/--at <time>\s+按此时间模拟（ISO 8601，无时区即北京时间）/);
    expect(help.stdout).toMatch(/--json\s+每行输出一个 JSON 对象/);
    expect(help.stdout).toContain('--config <path>');
    const before = await fingerprint();
    for (const at of ['2026-13-45', 'tomorrow']) {
      const bad = await preview(['--at', at]);
      expect(bad.code, at).toBe(1);
      expect(bad.stdout).toBe('');
      expect(bad.stderr).toContain(`无效的时间 --at "${at}"：请使用 ISO 8601 格式`);
      expect(bad.stderr).toContain(' / invalid --at time');
      expect(bad.stderr).not.toMatch(/\n\s+at |Error:/);
    }
    expect(await fingerprint()).toBe(before);
  }, 180_000);
});
