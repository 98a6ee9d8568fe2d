/**
 * The typed registry of channels: one factory per ChannelName (a missing one is a compile error),
 * and `createNotifiers`, which builds the enabled ones from config plus environment.
 */
import type { Logger } from 'pino';
import { ConfigError, type ConfigIssue } from '../config/load.js';
import type { Env } from '../config/env.js';
import { AliyunSmsNotifier } from './aliyun-sms/notifier.js';
import { physicalChannel, type ChannelsConfig } from './config.js';
import { DingtalkNotifier, type DingtalkRobotKeys } from './dingtalk/notifier.js';
import { EmailNotifier, smtpTarget } from './email/notifier.js';
import { HttpSmsNotifier } from './http-sms/notifier.js';
import { TencentSmsNotifier } from './tencent-sms/notifier.js';
import { CHANNEL_NAMES, type ChannelName, type LogicalChannel, type Notifier } from './types.js';
import { WecomNotifier } from './wecom/notifier.js';

/** What a factory gets besides its config block. */
interface FactoryContext {
  env: Env;
  log: Logger | undefined;
  now: (() => number) | undefined;
  /** The value of env var `name` (named at config key `key`); records an issue and returns '' when unset. */
  secret(key: string, name: string): string;
  /** Record a problem with this channel's setup at config key `key`. */
  problem(key: string, message: string): void;
}

interface ChannelFactory<K extends ChannelName> {
  /** Whether the channel is on, given its config and the environment. */
  enabled(cfg: ChannelsConfig[K], env: Env): boolean;
  create(cfg: ChannelsConfig[K], ctx: FactoryContext): Notifier;
}

const FACTORIES: { [K in ChannelName]: ChannelFactory<K> } = {
  email: {
    enabled: (cfg, env) => cfg.enabled === true || (cfg.enabled === 'auto' && smtpTarget(cfg, env.smtpUrl) !== null),
    create(cfg, ctx) {
      const target = smtpTarget(cfg, ctx.env.smtpUrl);
      if (!target) ctx.problem('enabled', '已启用但未设置 SMTP_URL 或 channels.email.host / enabled, but neither SMTP_URL nor channels.email.host is set');
      return new EmailNotifier(cfg, target ?? { host: '127.0.0.1', port: cfg.port, secure: false }, ctx.log);
    },
  },
  aliyun_sms: {
    enabled: (cfg) => cfg.enabled,
    create: (cfg, ctx) =>
      new AliyunSmsNotifier(
        cfg,
        {
          accessKeyId: ctx.secret('access_key_id_env', cfg.access_key_id_env),
          accessKeySecret: ctx.secret('access_key_secret_env', cfg.access_key_secret_env),
        },
        ctx.log,
      ),
  },
  tencent_sms: {
    enabled: (cfg) => cfg.enabled,
    create: (cfg, ctx) =>
      new TencentSmsNotifier(
        cfg,
        { secretId: ctx.secret('secret_id_env', cfg.secret_id_env), secretKey: ctx.secret('secret_key_env', cfg.secret_key_env) },
        ctx.log,
      ),
  },
  http_sms: {
    enabled: (cfg) => cfg.enabled,
    create: (cfg, ctx) =>
      new HttpSmsNotifier({ ...cfg, url: cfg.url ?? '' }, cfg.token_env ? ctx.secret('token_env', cfg.token_env) : undefined, ctx.log),
  },
  wecom: {
    enabled: (cfg) => cfg.enabled,
    create(cfg, ctx) {
      const keys = new Map<string, string>();
      for (const [name, r] of Object.entries(cfg.robots)) keys.set(name, ctx.secret(`robots.${name}.key_env`, r.key_env));
      return new WecomNotifier(cfg, keys, ctx.log);
    },
  },
  dingtalk: {
    enabled: (cfg) => cfg.enabled,
    create(cfg, ctx) {
      const robots = new Map<string, DingtalkRobotKeys>();
      for (const [name, r] of Object.entries(cfg.robots)) {
        robots.set(name, {
          accessToken: ctx.secret(`robots.${name}.access_token_env`, r.access_token_env),
          secret: ctx.secret(`robots.${name}.secret_env`, r.secret_env),
        });
      }
      return new DingtalkNotifier(cfg, robots, { log: ctx.log, ...(ctx.now ? { now: ctx.now } : {}) });
    },
  },
};

/** The enabled notifiers of a process. */
export interface Notifiers {
  /** Channels actually built, in CHANNEL_NAMES order. */
  readonly enabled: ChannelName[];
  /** The notifier of a concrete channel, or undefined when it is disabled. */
  get(channel: ChannelName): Notifier | undefined;
  /** The notifier a logical route goes to ('sms' → channels.sms_provider), or undefined when disabled. */
  route(logical: LogicalChannel): Notifier | undefined;
  /** Close every notifier (the SMTP pool, sockets). */
  close(): Promise<void>;
}

export interface CreateNotifiersOptions {
  log?: Logger;
  /** Build only these channels (e.g. `orglife notify test` checks one channel, not the others' secrets). */
  only?: readonly ChannelName[];
  /** Clock for signed webhooks (tests). */
  now?: () => number;
}

/** Whether a channel is enabled by config and environment (without building it). */
export function isChannelEnabled(channels: ChannelsConfig, env: Env, channel: ChannelName): boolean {
  return (FACTORIES[channel] as ChannelFactory<ChannelName>).enabled(channels[channel] as never, env);
}

/**
 * Build the enabled notifiers. Throws ConfigError listing every enabled channel whose
 * environment variable is missing (so the daemon refuses to start half-configured).
 */
export function createNotifiers(channels: ChannelsConfig, env: Env, opts: CreateNotifiersOptions = {}): Notifiers {
  const built = new Map<ChannelName, Notifier>();
  const issues: ConfigIssue[] = [];
  for (const channel of CHANNEL_NAMES) {
    if (opts.only && !opts.only.includes(channel)) continue;
    if (!isChannelEnabled(channels, env, channel)) continue;
    const base = `channels.${channel}`;
    const ctx: FactoryContext = {
      env,
      log: opts.log,
      now: opts.now,
      secret(key, name) {
        const v = env.get(name);
        if (!v) issues.push({ file: '(environment)', line: null, path: `${base}.${key}`, message: `环境变量 ${name} 未设置 / environment variable ${name} is not set` });
        return v ?? '';
      },
      problem(key, message) {
        issues.push({ file: '(environment)', line: null, path: `${base}.${key}`, message });
      },
    };
    built.set(channel, (FACTORIES[channel] as ChannelFactory<ChannelName>).create(channels[channel] as never, ctx));
  }
  if (issues.length) {
    void Promise.all([...built.values()].map((n) => n.close()));
    throw new ConfigError(issues);
  }
  return {
    enabled: [...built.keys()],
    get: (channel) => built.get(channel),
    route: (logical) => built.get(physicalChannel(channels, logical)),
    async close() {
      await Promise.all([...built.values()].map((n) => n.close()));
    },
  };
}
