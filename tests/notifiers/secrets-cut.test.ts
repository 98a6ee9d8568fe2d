/**
 * A provider that echoes a secret anywhere in a long error text: the message is masked before it is
 * cut to length, so no head of the secret survives wherever the cut falls; and the Aliyun AccessKey
 * ID (and Tencent SecretId), which name the account, are masked as well.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNotifiers, type Notifiers } from '../../src/notifiers/registry.js';
import type { OutgoingMessage } from '../../src/notifiers/types.js';
import { startHttpStandin, type HttpStandin } from '../helpers/http-standin.js';
import { captureLog, channels, envOf, rejection } from './setup.js';

const TOKEN = 'Qz7gQwTKNvq9Xk2Lm4Np6Rs8';
const WECOM_KEY = 'Wx3wZcmKYv5Hj7Kl9Mn1Pq3';
const KEY_ID = 'LTAI5tQzAcKxYd8Rw';
const KEY_SECRET = 'AlySxcVq2Fg4Hj6';
const SMS: OutgoingMessage = {
  to: '13812345678',
  subject: '预警',
  text: '第一党支部有 1 项工作逾期',
  sms: { template: 'warning', params: { name: '第一党支部', count: '1', level: '预警', deadline: '2026-03-31' } },
};

/** True if any 6-character piece of `secret` appears in `text`. */
function leaks(text: string, secret: string): string | null {
  for (let i = 0; i + 6 <= secret.length; i++) if (text.includes(secret.slice(i, i + 6))) return secret.slice(i, i + 6);
  return null;
}

describe('provider error text is masked before it is cut', () => {
  let standin: HttpStandin;
  let notifiers: Notifiers;
  const logs = captureLog();
  let pad = 0;

  beforeAll(async () => {
    standin = await startHttpStandin();
    const echo = (secret: string) => `${'e'.repeat(pad)}${secret} and more text after it ${'t'.repeat(300)}`;
    standin.reply('http_sms', () => ({ status: 401, text: echo(TOKEN) }));
    standin.reply('wecom', () => ({ json: { errcode: 93000, errmsg: echo(WECOM_KEY) } }));
    standin.reply('aliyun', () => ({ status: 400, json: { Code: 'InvalidAccessKeyId.NotFound', Message: `Specified access key is not found: ${echo(KEY_ID)}` } }));
    const config = channels({
      aliyun_sms: { enabled: true, sign_name: '签名', templates: { reminder: 'S1', warning: 'S2', escalation: 'S3' }, endpoint: standin.host, protocol: 'http' },
      http_sms: { enabled: true, url: `${standin.url}/sms`, token_env: 'GATEWAY_TOKEN' },
      wecom: { enabled: true, base_url: `${standin.url}/cgi-bin/webhook/send`, robots: { city: { key_env: 'WECOM_KEY' } } },
    });
    notifiers = createNotifiers(
      config,
      envOf({ GATEWAY_TOKEN: TOKEN, WECOM_KEY, ALIBABA_CLOUD_ACCESS_KEY_ID: KEY_ID, ALIBABA_CLOUD_ACCESS_KEY_SECRET: KEY_SECRET }),
      { log: logs.log },
    );
  });
  afterAll(async () => {
    await notifiers.close();
    await standin.close();
  });

  it('leaves no piece of the token in the error, wherever the provider puts it', async () => {
    for (pad = 140; pad <= 440; pad += 11) {
      for (const [channel, msg, secret] of [
        ['http_sms', SMS, TOKEN],
        ['wecom', { to: 'city', subject: '主题', text: '正文' }, WECOM_KEY],
        ['aliyun_sms', SMS, KEY_ID],
      ] as const) {
        const err = await rejection(notifiers.get(channel)!.send(msg));
        expect(leaks(err.message, secret), `${channel} at ${pad}: ${err.message}`).toBeNull();
        expect(err.message.length).toBeLessThanOrEqual(400);
        logs.log.warn({ channel, err: err.message }, 'delivery failed');
      }
    }
    // The log holds what the delivery worker would write, masked the same way.
    for (const s of [TOKEN, WECOM_KEY, KEY_ID, KEY_SECRET]) expect(leaks(logs.text(), s)).toBeNull();
    expect(logs.text()).toContain('<secret>');
  });
});
