import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempStore, type TempStore } from '../helpers/store.js';
import { startHttpStandin, type HttpStandin } from '../helpers/http-standin.js';
import { SHARED_REDIS_URL, cleanupPrefix, uniquePrefix } from '../helpers/redis.js';
import { startSmtpServer, type SmtpStandin } from '../helpers/smtp.js';
import { seedCity } from './seed.js';

const BIN = resolve(import.meta.dirname, '../../bin/orglife.js');

describe('orglife daemon (command line)', () => {
  let tdb: TempStore;
  let prefix: string;
  let smtp: SmtpStandin;
  let sms: HttpStandin;
  let configFile: string;

  const run = (args: string[]) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
      const child = spawn(process.execPath, [BIN, 'daemon', ...args], {
        env: { ...process.env, ORGLIFE_DB: tdb.spec, ORGLIFE_CONFIG: configFile, REDIS_URL: SHARED_REDIS_URL, ORGLIFE_QUEUE_PREFIX: prefix, SMTP_URL: smtp.url, LOG_LEVEL: 'warn' },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
      child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
      child.on('close', (code) => done({ code, stdout, stderr }));
    });

  beforeEach(async () => {
    tdb = await tempStore();
    prefix = uniquePrefix('cli');
    smtp = await startSmtpServer();
    sms = await startHttpStandin();
    configFile = join(tdb.dir, 'orglife.yaml');
    // A calendar that covers the cycle's next 60 days, so the daemon has nothing to warn about on stderr.
    writeFileSync(configFile, `calendar:\n  holidays: ["2027-01-01"]\nchannels:\n  sms_provider: http_sms\n  http_sms: { enabled: true, url: "${sms.url}/sms/send" }\n`);
  });
  afterEach(async () => {
    await cleanupPrefix(SHARED_REDIS_URL, prefix);
    await Promise.all([smtp.close(), sms.close()]);
    await tdb.cleanup();
  });

  it('runs one cycle as of --at, delivers what is due, prints a Chinese summary and exits 0', async () => {
    await seedCity(tdb.store, [{ code: 'B01', secretaryPhone: '13800000001', secretaryEmail: 'sec1@example.cn' }]);
    const r = await run(['--once', '--at', '2026-11-02T08:30']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('周期完成 / cycle done: evaluate @ 2026-11-02 08:30');
    expect(r.stdout).toMatch(/已发送 \/ sent 2，失败 \/ failed 0，未完成 \/ unfinished 0/);
    expect(sms.requestsTo('http_sms')).toHaveLength(1);
    expect(smtp.messages).toHaveLength(1);
  }, 60_000);

  it('refuses --at without --once, saying why, and changes nothing', async () => {
    const r = await run(['--at', '2026-11-02T08:30']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--at 只能与 --once 一起使用 / --at requires --once');
    expect(await tdb.store.runs.recentRuns(10)).toEqual([]);
  }, 60_000);
});
