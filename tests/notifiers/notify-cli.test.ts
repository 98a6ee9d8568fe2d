import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpStandin, type HttpStandin } from '../helpers/http-standin.js';
import { startSmtpServer, type SmtpStandin } from '../helpers/smtp.js';

const BIN = resolve(import.meta.dirname, '../../bin/orglife.js');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run `orglife notify test …` as a child process (async: the SMTP server lives in this process). */
function orglife(args: string[], env: Record<string, string>): Promise<Run> {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^(SMTP_URL|ORGLIFE_|ALIBABA_|TENCENTCLOUD_)/.test(k)),
  ) as Record<string, string>;
  return new Promise((done) => {
    execFile(process.execPath, [BIN, ...args], { env: { ...clean, LOG_LEVEL: 'silent', ...env }, timeout: 30_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      done({ code, stdout, stderr });
    });
  });
}

describe('orglife notify test', () => {
  let smtp: SmtpStandin;
  let standin: HttpStandin;
  let dir: string;
  let configFile: string;

  beforeAll(async () => {
    smtp = await startSmtpServer({ rejectRecipient: (a) => (a.startsWith('gone@') ? { code: 550, message: 'No such user' } : null) });
    standin = await startHttpStandin();
    dir = mkdtempSync(join(tmpdir(), 'orglife-notify-'));
    configFile = join(dir, 'orglife.yaml');
    writeFileSync(
      configFile,
      `channels:\n  sms_provider: http_sms\n  http_sms:\n    enabled: true\n    url: ${standin.url}/sms/send\n`,
    );
  });
  afterAll(async () => {
    await smtp.close();
    await standin.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends a Chinese test email through SMTP_URL and prints the message id', async () => {
    const run = await orglife(['notify', 'test', '--channel', 'email', '--to', 'admin@example.cn'], { SMTP_URL: smtp.url, ORGLIFE_CONFIG: configFile });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const [mail] = await smtp.waitForMessages(1);
    expect(mail!.subject).toBe('【组织生活预警】通道测试消息');
    expect(mail!.text).toContain('电子邮件');
    expect(mail!.html).toContain('<strong>电子邮件</strong>');
    expect(run.stdout).toContain('测试消息已发送');
    expect(run.stdout).toContain(mail!.messageId!);
  });

  it('exits 1 with a Chinese "permanent" explanation when the server rejects the recipient', async () => {
    const run = await orglife(['notify', 'test', '--channel', 'email', '--to', 'gone@example.cn'], { SMTP_URL: smtp.url, ORGLIFE_CONFIG: configFile });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('发送失败');
    expect(run.stderr).toContain('永久性错误');
    expect(run.stderr).toContain('550');
    expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('exits 75 with a Chinese "temporary" explanation when the SMTP server is unreachable', async () => {
    const gone = await startSmtpServer();
    await gone.close();
    const run = await orglife(['notify', 'test', '--channel', 'email', '--to', 'admin@example.cn'], { SMTP_URL: gone.url, ORGLIFE_CONFIG: configFile });
    expect(run.code).toBe(75);
    expect(run.stderr).toContain('临时性错误');
  });

  it('sends through the SMS provider for --channel sms and masks the phone number in its output', async () => {
    const run = await orglife(['notify', 'test', '--channel', 'sms', '--to', '13812345678'], { ORGLIFE_CONFIG: configFile });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('138****5678');
    expect(run.stdout).not.toContain('13812345678');
    expect(run.stdout).toContain('msg-1');
    const [req] = standin.requestsTo('http_sms');
    expect(req!.json.template).toBe('test');
    expect(req!.json.params.name).toBe('HTTP 短信网关');
  });

  it('sends through the official Aliyun SDK as loaded by Node itself (not only under vitest)', async () => {
    const aliyunConfig = join(dir, 'aliyun.yaml');
    writeFileSync(
      aliyunConfig,
      [
        'channels:',
        '  aliyun_sms:',
        '    enabled: true',
        '    sign_name: 某市委组织部',
        '    templates: { reminder: SMS_1, warning: SMS_2, escalation: SMS_3, test: SMS_9 }',
        `    endpoint: "${standin.host}"`,
        '    protocol: http',
        '',
      ].join('\n'),
    );
    const keys = { ALIBABA_CLOUD_ACCESS_KEY_ID: 'id', ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'secret-value' };
    const run = await orglife(['notify', 'test', '--channel', 'aliyun_sms', '--to', '13912345678'], { ORGLIFE_CONFIG: aliyunConfig, ...keys });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('biz-1');
    const [req] = standin.requestsTo('aliyun');
    expect(req!.query.TemplateCode).toBe('SMS_9');
    expect(JSON.parse(req!.query.TemplateParam!).name).toBe('阿里云短信');
  });

  it('says in Chinese how to enable a channel that is off', async () => {
    const run = await orglife(['notify', 'test', '--channel', 'wecom', '--to', 'city'], { ORGLIFE_CONFIG: configFile });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('未启用');
    expect(run.stderr).toContain('channels.wecom.enabled');
  });
});
