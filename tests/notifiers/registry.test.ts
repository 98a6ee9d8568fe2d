import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/load.js';
import { createNotifiers } from '../../src/notifiers/registry.js';
import { channels, envOf } from './setup.js';

const ALIYUN = { enabled: true, sign_name: '签名', templates: { reminder: 'SMS_1', warning: 'SMS_2', escalation: 'SMS_3' } };
const ALIYUN_KEYS = { ALIBABA_CLOUD_ACCESS_KEY_ID: 'id', ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'secret-aliyun' };

describe('notifier registry', () => {
  it('builds nothing with the default config and an empty environment', async () => {
    const n = createNotifiers(channels(), envOf());
    expect(n.enabled).toEqual([]);
    expect(n.get('email')).toBeUndefined();
    await n.close();
  });

  it('turns email on when SMTP_URL is set', async () => {
    const n = createNotifiers(channels(), envOf({ SMTP_URL: 'smtp://127.0.0.1:2525' }));
    expect(n.enabled).toEqual(['email']);
    expect(n.route('email')?.channel).toBe('email');
    await n.close();
  });

  it('keeps email off when disabled explicitly, even with SMTP_URL', async () => {
    const n = createNotifiers(channels({ email: { enabled: false } }), envOf({ SMTP_URL: 'smtp://127.0.0.1:2525' }));
    expect(n.enabled).toEqual([]);
    await n.close();
  });

  it('builds only the enabled channels and routes "sms" to the configured provider', async () => {
    const cfg = channels({
      sms_provider: 'aliyun_sms',
      aliyun_sms: ALIYUN,
      wecom: { enabled: false, robots: { city: { key_env: 'WECOM_KEY' } } },
      dingtalk: { enabled: true, robots: { county: { access_token_env: 'DT_TOKEN', secret_env: 'DT_SECRET' } } },
    });
    const n = createNotifiers(cfg, envOf({ ...ALIYUN_KEYS, DT_TOKEN: 't', DT_SECRET: 's' }));
    expect(n.enabled).toEqual(['aliyun_sms', 'dingtalk']);
    expect(n.route('sms')?.channel).toBe('aliyun_sms');
    expect(n.route('wecom')).toBeUndefined();
    expect(n.get('tencent_sms')).toBeUndefined();
    await n.close();
  });

  it('reports every missing environment variable of the enabled channels at once, by config key', () => {
    const cfg = channels({
      aliyun_sms: ALIYUN,
      wecom: { enabled: true, robots: { city: { key_env: 'WECOM_KEY_CITY' } } },
      email: { enabled: true },
    });
    let err: unknown;
    try {
      createNotifiers(cfg, envOf({ ALIBABA_CLOUD_ACCESS_KEY_ID: 'id' }));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const issues = (err as ConfigError).issues;
    expect(issues.map((i) => i.path)).toEqual([
      'channels.email.enabled',
      'channels.aliyun_sms.access_key_secret_env',
      'channels.wecom.robots.city.key_env',
    ]);
    expect(issues[1]!.message).toContain('ALIBABA_CLOUD_ACCESS_KEY_SECRET');
    expect(issues[2]!.message).toContain('WECOM_KEY_CITY');
  });

  it('builds only the requested channels with `only`, ignoring the others\' missing secrets', async () => {
    const cfg = channels({ aliyun_sms: ALIYUN });
    const n = createNotifiers(cfg, envOf({ SMTP_URL: 'smtp://127.0.0.1:2525' }), { only: ['email'] });
    expect(n.enabled).toEqual(['email']);
    await n.close();
  });
});
