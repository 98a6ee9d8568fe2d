import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/load.js';
import { configSchema } from '../../src/config/schema.js';
import { defaultClaimLeaseMs, longestSendMs, robotsFor } from '../../src/notifiers/config.js';
import { channels } from './setup.js';

const FIXTURES = resolve(import.meta.dirname, '../fixtures/notifiers');

function issuesOf(fixture: string) {
  try {
    loadConfig(resolve(FIXTURES, fixture));
  } catch (e) {
    if (e instanceof ConfigError) return e.issues;
    throw e;
  }
  throw new Error(`${fixture} loaded without errors`);
}

describe('channel and routing config', () => {
  it('names the key path and line when Aliyun SMS is enabled without a sign name', () => {
    const issues = issuesOf('aliyun-enabled-without-sign-name.bad.yaml');
    expect(issues).toHaveLength(1);
    expect(issues[0]!.path).toBe('channels.aliyun_sms.sign_name');
    expect(issues[0]!.line).toBe(3);
    expect(issues[0]!.message).toContain('required when the channel is enabled');
  });

  it('rejects a secret written where the name of an environment variable belongs', () => {
    const issues = issuesOf('wecom-key-instead-of-env-var-name.bad.yaml');
    expect(issues.map((i) => i.path)).toEqual(['channels.wecom.robots.city.key_env']);
    expect(issues[0]!.message).toContain('NAME of an environment variable');
  });

  it('rejects a Tencent template parameter that is not a variable of that template', () => {
    const issues = issuesOf('tencent-template-param-not-in-contract.bad.yaml');
    expect(issues.map((i) => i.path)).toEqual(['channels.tencent_sms.templates.reminder.params.1']);
  });

  it('rejects a route listing a channel twice or an unknown channel, reporting both', () => {
    const issues = issuesOf('routing-channel-twice-and-unknown.bad.yaml');
    expect(issues.map((i) => i.path).sort()).toEqual(['routing.warning.clerk.0', 'routing.warning.secretary']);
  });

  it('rejects unknown keys such as a password in the email block, listing the allowed keys', () => {
    const issues = issuesOf('email-unknown-key-password.bad.yaml');
    expect(issues[0]!.path).toBe('channels.email.password');
    expect(issues[0]!.message).toContain('allowed: enabled, from, host');
  });

  it('defaults to no channel but email-when-SMTP_URL, Aliyun as the SMS provider, and the documented routes', () => {
    const { channels: c, routing } = configSchema.parse({});
    expect(c.email.enabled).toBe('auto');
    expect([c.aliyun_sms, c.tencent_sms, c.http_sms, c.wecom, c.dingtalk].map((b) => b.enabled)).toEqual([false, false, false, false, false]);
    expect(c.sms_provider).toBe('aliyun_sms');
    expect(routing).toEqual({
      reminder: { secretary: ['sms', 'email'], clerk: ['email'], committee: [] },
      warning: { secretary: ['sms', 'email'], clerk: ['sms', 'email'], committee: [] },
      escalation: { secretary: ['sms', 'email'], clerk: ['sms', 'email'], committee: ['email', 'wecom', 'dingtalk'] },
      report: ['email'],
      copy_deputy: false, // the deputy only stands in during a secretary's leave
    });
  });

  it('does not share default route arrays between parses', () => {
    const a = configSchema.parse({});
    a.routing.reminder.secretary.push('wecom');
    expect(configSchema.parse({}).routing.reminder.secretary).toEqual(['sms', 'email']);
  });

  it('finds the robots that serve a committee, "*" serving every committee', () => {
    const c = channels({
      wecom: { robots: { town: { key_env: 'K1', committees: ['C01'] }, city: { key_env: 'K2', committees: ['*'] }, other: { key_env: 'K3', committees: ['C02'] } } },
    });
    expect(robotsFor(c, 'wecom', 'C01')).toEqual(['town', 'city']);
    expect(robotsFor(c, 'dingtalk', 'C01')).toEqual([]);
  });
});

describe('delivery claim lease', () => {
  it('is 90 s when every enabled channel answers well within it', () => {
    const c = channels({ email: { enabled: false }, http_sms: { enabled: true, url: 'http://127.0.0.1:9/sms', token_env: 'T', templates: { escalation: 'E' } } });
    expect(longestSendMs(c)).toBe(10_000);
    expect(defaultClaimLeaseMs(c)).toBe(90_000);
  });

  it('outlives the slowest send: SMTP connect + greeting + idle socket, plus 30 s', () => {
    // Default email (auto): 30 s timeouts → up to 120 s for one send, longer than the old fixed 90 s lease.
    expect(longestSendMs(channels())).toBe(120_000);
    expect(defaultClaimLeaseMs(channels())).toBe(150_000);
    const slow = channels({ email: { timeout_ms: 60_000 }, wecom: { enabled: true, timeout_ms: 120_000, robots: { county: { key_env: 'WECOM_KEY', committees: ['*'] } } } });
    expect(longestSendMs(slow)).toBe(240_000);
    expect(defaultClaimLeaseMs(slow)).toBe(270_000);
  });
});
