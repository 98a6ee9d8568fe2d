/**
 * `orglife demo`: a whole working day of the system on a synthetic city, in one command.
 *   1. generate a city (src/synth: a town tree, branches in the eight domains, a year of records
 *      with realistic lapses) and import it into its own database (out/demo.db) through importRecords;
 *   2. run the real daemon cycle as of a fixed time (`daemon --once` semantics, src/jobs/once.ts):
 *      evaluate → alerts (reminders, warnings, escalations) → digests → deliveries, then the monthly
 *      report run (reports stored and mailed);
 *   3. deliver mail to a loopback SMTP capture (.eml files) and SMS to a loopback gateway stand-in
 *      (sms.log, numbers masked), on a private queue prefix removed afterwards;
 *   4. render every report to out/reports and return the figures for the Chinese summary.
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Logger } from 'pino';
import { readEnv, type Env } from '../config/env.js';
import { loadConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { shanghaiDate, shanghaiDateTime, type Period } from '../domain/calendar.js';
import type { Level } from '../domain/types.js';
import { importRecords } from '../import/index.js';
import { runOnce, type OnceReport } from '../jobs/once.js';
import { reportPeriodAt } from '../reports/generate.js';
import { openStore } from '../store/open.js';
import type { Store } from '../store/port.js';
import { generateCity } from '../synth/index.js';
import { startMailCapture, startSmsCapture } from './capture.js';
import { assertRedis, demoPrefix, removePrefix } from './redis.js';
import { renderDemoReports, type RenderedReports } from './reports.js';

/** The demo's fixed "now": Friday 27 November 2026, 09:00 Beijing time (a working day, inside sending hours). */
export const DEMO_AT = '2026-11-27T09:00:00+08:00';

export interface DemoOptions {
  /** Output folder (created; its demo files are replaced). */
  out: string;
  branches: number;
  seed: number;
  /** As-of time of the cycle, epoch ms (default DEMO_AT). */
  at?: number;
  /** Configuration file or folder (rules, routing, quiet hours); channels are replaced by the stand-ins. */
  configPath: string;
  /** The process environment as read by src/config/env.ts (only REDIS_URL is used). */
  env: Env;
  log: Logger;
  /** Progress lines for the person watching (Chinese). */
  print(line: string): void;
  /** Longest wait for deliveries per cycle (default 5 min). */
  waitTimeoutMs?: number;
}

export interface DemoResult {
  out: string;
  at: number;
  dbPath: string;
  city: { committees: number; branches: number; meetings: number; domains: number };
  evaluate: OnceReport;
  report: OnceReport;
  alertsByLevel: Record<Level, number>;
  deliveries: { byChannel: Record<string, { sent: number; failed: number; pending: number }> };
  mail: { dir: string; files: number };
  sms: { file: string; lines: number };
  reports: RenderedReports & { period: Period };
}

/** Run the demo; throws DemoError (with instructions) when Redis does not answer. */
export async function runDemo(o: DemoOptions): Promise<DemoResult> {
  const at = o.at ?? Date.parse(DEMO_AT);
  await assertRedis(o.env.redisUrl);

  const out = resolve(o.out);
  const dbPath = join(out, 'demo.db');
  const mailDir = join(out, 'mail');
  const smsFile = join(out, 'sms.log');
  const reportsDir = join(out, 'reports');
  mkdirSync(out, { recursive: true });
  // A fresh run every time: only the demo's own files are removed, never anything else in `out`.
  for (const p of [dbPath, `${dbPath}-wal`, `${dbPath}-shm`, mailDir, smsFile, reportsDir]) if (existsSync(p)) rmSync(p, { recursive: true, force: true });

  o.print(`① 生成示例城市：${o.branches} 个党支部，两年的组织生活记录（随机种子 ${o.seed}）…`);
  const city = generateCity({ branches: o.branches, seed: o.seed, now: shanghaiDate(at), years: 2 });
  const store = await openStore(dbPath);
  try {
    await importRecords(store, 'orgs', city.orgs as unknown as Record<string, unknown>[], 'demo:orgs', { now: at });
    await importRecords(store, 'meetings', city.meetings as unknown as Record<string, unknown>[], 'demo:meetings', { now: at });
  } catch (e) {
    await store.close();
    throw e;
  }
  const branches = city.orgs.filter((r) => r.kind === 'branch');
  o.print(`   已导入 ${city.orgs.length - branches.length} 个党委、${branches.length} 个支部、${city.meetings.length} 条会议记录 → ${dbPath}`);

  const mail = await startMailCapture(mailDir);
  const sms = await startSmsCapture(smsFile, Date.now);
  const prefix = demoPrefix();
  const env = readEnv({ REDIS_URL: o.env.redisUrl, ORGLIFE_QUEUE_PREFIX: prefix, SMTP_URL: mail.url });
  const config = demoConfig(loadConfig(o.configPath).config, sms.url);
  const base = { config, env, db: store, log: o.log, at, waitTimeoutMs: o.waitTimeoutMs ?? 5 * 60_000 };
  try {
    o.print(`② 以 ${shanghaiDateTime(at)}（北京时间）为准运行每日检查：规则评估 → 预警 → 摘要 → 发送…`);
    const evaluate = await runOnce({ ...base, kind: 'evaluate' });
    o.print('③ 运行月度体检报告任务：计算得分与排名，保存并邮件发送…');
    const report = await runOnce({ ...base, kind: 'report_monthly' });

    const period = reportPeriodAt('month', at);
    o.print(`④ 生成 ${period.label} 体检报告文件…`);
    {
      const reports = await renderDemoReports(store, config, period, at, reportsDir);
      return {
        out,
        at,
        dbPath,
        city: { committees: city.orgs.length - branches.length, branches: branches.length, meetings: city.meetings.length, domains: new Set(branches.map((b) => b.domain)).size },
        evaluate,
        report,
        alertsByLevel: await alertsByLevel(store),
        deliveries: { byChannel: await deliveriesByChannel(store) },
        mail: { dir: mailDir, files: mail.files.length },
        sms: { file: smsFile, lines: sms.count() },
        reports: { ...reports, period },
      };
    }
  } finally {
    await Promise.all([mail.close(), sms.close(), store.close()]);
    await removePrefix(o.env.redisUrl, prefix);
  }
}

/** The configuration with every channel pointed at the loopback stand-ins (nothing leaves the machine). */
export function demoConfig(base: Config, smsUrl: string): Config {
  const c = structuredClone(base);
  c.channels.sms_provider = 'http_sms';
  c.channels.http_sms = { ...c.channels.http_sms, enabled: true, url: smsUrl };
  c.channels.email = { ...c.channels.email, enabled: true };
  c.channels.aliyun_sms.enabled = false;
  c.channels.tencent_sms.enabled = false;
  c.channels.wecom.enabled = false;
  c.channels.dingtalk.enabled = false;
  c.http.enabled = false;
  return c;
}

async function alertsByLevel(store: Store): Promise<Record<Level, number>> {
  const out: Record<Level, number> = { reminder: 0, warning: 0, escalation: 0 };
  for (const a of await store.alerts.list({ open: true })) out[a.level]++;
  return out;
}

async function deliveriesByChannel(store: Store): Promise<Record<string, { sent: number; failed: number; pending: number }>> {
  const out: Record<string, { sent: number; failed: number; pending: number }> = {};
  for (const d of await store.deliveries.list()) {
    const c = (out[d.channel] ??= { sent: 0, failed: 0, pending: 0 });
    if (d.status === 'sent') c.sent++;
    else if (d.status === 'failed') c.failed++;
    else if (d.status === 'pending') c.pending++;
  }
  return out;
}
