import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNotifiers, type Notifiers } from '../../src/notifiers/registry.js';
import type { OutgoingMessage } from '../../src/notifiers/types.js';
import { startHttpStandin, type HttpStandin } from '../helpers/http-standin.js';
import { startSmtpServer, type SmtpStandin } from '../helpers/smtp.js';
import { captureLog, channels, envOf, rejection } from './setup.js';

// Distinctive values, so a leak anywhere is unmistakable.
const SECRETS = {
  SMTP_PASS: 'smtp-pass-S3CRET',
  ALIBABA_CLOUD_ACCESS_KEY_ID: 'LTAI-id-1',
  ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'aliyun-S3CRET-value',
  TENCENTCLOUD_SECRET_ID: 'AKID-id-1',
  TENCENTCLOUD_SECRET_KEY: 'tencent-S3CRET-value',
  GATEWAY_TOKEN: 'gateway-S3CRET-token',
  WECOM_KEY: 'wecom-S3CRET-key',
  DT_TOKEN: 'dingtalk-S3CRET-token',
  DT_SECRET: 'SECdingtalk-S3CRET+/=',
};
const SECRET_VALUES = Object.entries(SECRETS)
  .filter(([k]) => !k.endsWith('_ID'))
  .map(([, v]) => v);

function expectNoSecret(text: string): void {
  for (const s of SECRET_VALUES) {
    expect(text).not.toContain(s);
    expect(text).not.toContain(encodeURIComponent(s));
  }
}

const SMS: OutgoingMessage = {
  to: '13812345678',
  subject: '预警',
  text: '第一党支部有 1 项工作逾期',
  sms: { template: 'warning', params: { name: '第一党支部', count: '1', level: '预警', deadline: '2026-03-31' } },
};

describe('secrets stay out of config, errors and logs', () => {
  let smtp: SmtpStandin;
  let standin: HttpStandin;
  let notifiers: Notifiers;
  const logs = captureLog();
  let config: ReturnType<typeof channels>;

  beforeAll(async () => {
    smtp = await startSmtpServer({ auth: { user: 'orglife', pass: 'a-different-password' } });
    standin = await startHttpStandin();
    // Worst case: every provider echoes the request (URL, headers, body) and the channel's own secret
    // at the very start of its error message.
    const echo = (r: { path: string; query: Record<string, string>; headers: unknown; body: string }, own: string) =>
      `${own} ${r.path}?${new URLSearchParams(r.query)} ${JSON.stringify(r.headers)} ${r.body}`;
    standin.reply('aliyun', (r) => ({ status: 400, json: { Code: 'SignatureDoesNotMatch', Message: echo(r, SECRETS.ALIBABA_CLOUD_ACCESS_KEY_SECRET) } }));
    standin.reply('tencent', (r) => ({
      json: { Response: { Error: { Code: 'AuthFailure.SignatureFailure', Message: echo(r, SECRETS.TENCENTCLOUD_SECRET_KEY) }, RequestId: 'x' } },
    }));
    standin.reply('http_sms', (r) => ({ status: 401, text: echo(r, SECRETS.GATEWAY_TOKEN).slice(0, 150) }));
    standin.reply('wecom', (r) => ({ json: { errcode: 93000, errmsg: echo(r, SECRETS.WECOM_KEY) } }));
    standin.reply('dingtalk', (r) => ({ json: { errcode: 310000, errmsg: echo(r, SECRETS.DT_SECRET) } }));
    config = channels({
      aliyun_sms: { enabled: true, sign_name: '签名', templates: { reminder: 'S1', warning: 'S2', escalation: 'S3' }, endpoint: standin.host, protocol: 'http' },
      tencent_sms: {
        enabled: true, sdk_app_id: '1400000001', sign_name: '签名',
        templates: { reminder: { id: '1' }, warning: { id: '2' }, escalation: { id: '3' } }, endpoint: standin.host, protocol: 'http',
      },
      http_sms: { enabled: true, url: `${standin.url}/sms`, token_env: 'GATEWAY_TOKEN' },
      wecom: { enabled: true, base_url: `${standin.url}/cgi-bin/webhook/send`, robots: { city: { key_env: 'WECOM_KEY' } } },
      dingtalk: { enabled: true, base_url: `${standin.url}/robot/send`, robots: { county: { access_token_env: 'DT_TOKEN', secret_env: 'DT_SECRET' } } },
    });
    notifiers = createNotifiers(config, envOf({ ...SECRETS, SMTP_URL: `smtp://orglife:${SECRETS.SMTP_PASS}@127.0.0.1:${smtp.port}` }), { log: logs.log });
  });
  afterAll(async () => {
    await notifiers.close();
    await smtp.close();
    await standin.close();
  });

  it('keeps secrets out of the parsed config, which only names environment variables', () => {
    expectNoSecret(JSON.stringify(config));
    expect(config.wecom.robots.city!.key_env).toBe('WECOM_KEY');
  });

  it('keeps secrets out of the notifier objects as printed or serialised', () => {
    for (const ch of notifiers.enabled) {
      const n = notifiers.get(ch)!;
      expectNoSecret(inspect(n, { depth: 5 }));
      expectNoSecret(JSON.stringify(n));
    }
    expect(notifiers.enabled).toEqual(['email', 'aliyun_sms', 'tencent_sms', 'http_sms', 'wecom', 'dingtalk']);
  });

  it('keeps secrets out of every channel\'s errors even when the provider echoes them back', async () => {
    const sends: [string, OutgoingMessage][] = [
      ['email', { to: 'a@example.cn', subject: '主题', text: '正文' }],
      ['aliyun_sms', SMS],
      ['tencent_sms', SMS],
      ['http_sms', SMS],
      ['wecom', { to: 'city', subject: '主题', text: '正文' }],
      ['dingtalk', { to: 'county', subject: '主题', text: '正文' }],
    ];
    for (const [channel, msg] of sends) {
      const err = await rejection(notifiers.get(channel as never)!.send(msg));
      expect(err.permanent, channel).toBe(true);
      expectNoSecret(err.message);
      expectNoSecret(String(err));
      expectNoSecret(inspect(err, { depth: 5 }));
      expectNoSecret(JSON.stringify(err));
      expect(err.message).not.toContain('13812345678');
    }
  });

  it('keeps secrets and full phone numbers out of the log', async () => {
    standin.replyOnce('http_sms', { json: { id: 'gw-1' } });
    standin.replyOnce('wecom', { json: { errcode: 0, errmsg: 'ok' } });
    await notifiers.get('http_sms')!.send(SMS);
    await notifiers.get('wecom')!.send({ to: 'city', subject: '主题', text: '正文' });
    logs.log.debug({ config }, 'channels loaded');
    const text = logs.text();
    expect(text).toContain('channels loaded');
    expect(text).toContain('138****5678');
    expectNoSecret(text);
    expect(text).not.toContain('13812345678');
  });
});
