/** Schema pieces shared by the channel configs. */
import { z } from 'zod';
import { SMS_PARAM_MAX_CHARS, SMS_TEMPLATE_KEYS, type SmsTemplateKey } from './sms-params.js';

/** The NAME of an environment variable (secrets live in the environment, config only names them). */
export const envVarName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected the NAME of an environment variable, for example WECOM_KEY_CITY (never the secret itself)');

export const timeoutMs = z.number().int().min(100).max(120_000).default(10_000).describe('request timeout in milliseconds');
/** Messages per robot per 60 s: group robots refuse more (WeCom and DingTalk document 20 a minute). */
export const robotPerMinute = z.number().int().min(1).max(600);

export const paramMaxChars = z
  .number().int().min(1).max(500).default(SMS_PARAM_MAX_CHARS)
  .describe('longest template variable in characters; longer values are cut with "…"');

export const protocol = z.enum(['https', 'http']).default('https').describe('https, or http for a local stand-in');

/** Robot names: used as `to` of robot messages, so keep them simple. */
export const robotName = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'robot names use letters, digits, "-" and "_"');

export const committeeCodes = z
  .array(z.string().min(1))
  .default([])
  .describe('committee codes whose escalations this robot receives; "*" for every committee');

/** A strict object with one optional string per SMS template key (provider template codes). */
export function templateCodes(describe: string) {
  const shape = Object.fromEntries(SMS_TEMPLATE_KEYS.map((k) => [k, z.string().min(1).optional()])) as Record<
    SmsTemplateKey,
    z.ZodOptional<z.ZodString>
  >;
  return z.object(shape).strict().default({}).describe(describe);
}

/** The template keys an enabled SMS channel must map: the alert levels (report and test are optional). */
export const REQUIRED_TEMPLATES = ['reminder', 'warning', 'escalation'] as const;

/** Add an issue at `path` (relative to the channel block) for a key an enabled channel needs. */
export function requireWhenEnabled(ctx: z.RefinementCtx, path: (string | number)[], what: string): void {
  ctx.addIssue({ code: 'custom', path, message: `启用此通道时必填 / required when the channel is enabled: ${what}` });
}

/**
 * A provider URL that must carry no secret: secrets come from environment variables only, so a
 * webhook key, access token or password written into the URL is an error naming the setting.
 */
export function secretFreeUrl(envHint: string) {
  return z.url({ protocol: /^https?$/ }).superRefine((value, ctx) => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      return;
    }
    const secretParam = [...url.searchParams.keys()].find((k) => /^(key|access_token|token|secret|sign|password|passwd|apikey|api_key)$/i.test(k));
    if (url.username || url.password || secretParam) {
      ctx.addIssue({
        code: 'custom',
        message: `网址中不能写入密钥（${secretParam ? `?${secretParam}=…` : '用户名/密码'}）：请放入环境变量并用 ${envHint} 指定 / no secret in the URL (${secretParam ? `?${secretParam}=…` : 'user:password@'}): put it in an environment variable named by ${envHint}`,
      });
    }
  });
}
