/**
 * Config of Tencent Cloud SMS (`channels.tencent_sms`). Tencent templates take an ordered list of
 * parameters ({1}, {2}, …), so each template names the order of our variables.
 */
import { z } from 'zod';
import { envVarName, paramMaxChars, protocol, REQUIRED_TEMPLATES, requireWhenEnabled, timeoutMs } from '../schema-parts.js';
import { SMS_OPTIONAL_PARAMS, SMS_TEMPLATE_KEYS, SMS_TEMPLATE_PARAMS, type SmsTemplateKey } from '../sms-params.js';

const template = (key: SmsTemplateKey) =>
  z
    .object({
      id: z.string().regex(/^\d+$/, 'expected the numeric template ID').describe('approved template ID'),
      params: z
        .array(z.enum([...SMS_TEMPLATE_PARAMS[key], ...(SMS_OPTIONAL_PARAMS[key] ?? [])] as unknown as [string, ...string[]]))
        .default(() => [...SMS_TEMPLATE_PARAMS[key]])
        .describe(`variables in the order of {1}, {2}, …; any of: ${[...SMS_TEMPLATE_PARAMS[key], ...(SMS_OPTIONAL_PARAMS[key] ?? [])].join(', ')}`),
    })
    .strict()
    .optional();

const templates = z
  .object(Object.fromEntries(SMS_TEMPLATE_KEYS.map((k) => [k, template(k)])) as { [K in SmsTemplateKey]: ReturnType<typeof template> })
  .strict()
  .default({})
  .describe('template per key: { id: "1234567", params: [name, count, level, deadline] }');

export const tencentSmsSchema = z
  .object({
    enabled: z.boolean().default(false).describe('send SMS through Tencent Cloud (腾讯云短信)'),
    sdk_app_id: z.string().regex(/^\d+$/, 'expected the numeric SmsSdkAppId, e.g. 1400000000').optional().describe('SmsSdkAppId'),
    sign_name: z.string().min(1).optional().describe('approved SMS signature (短信签名)'),
    region: z.string().min(1).default('ap-guangzhou').describe('API region'),
    templates,
    secret_id_env: envVarName.default('TENCENTCLOUD_SECRET_ID').describe('env var holding the SecretId'),
    secret_key_env: envVarName.default('TENCENTCLOUD_SECRET_KEY').describe('env var holding the SecretKey'),
    endpoint: z.string().min(1).default('sms.tencentcloudapi.com').describe('API host[:port]'),
    protocol,
    param_max_chars: paramMaxChars,
    timeout_ms: timeoutMs,
  })
  .strict()
  .superRefine((c, ctx) => {
    if (!c.enabled) return;
    if (!c.sdk_app_id) requireWhenEnabled(ctx, ['sdk_app_id'], 'sdk_app_id (SmsSdkAppId)');
    if (!c.sign_name) requireWhenEnabled(ctx, ['sign_name'], 'sign_name (短信签名)');
    for (const k of REQUIRED_TEMPLATES) if (!c.templates[k]) requireWhenEnabled(ctx, ['templates', k], `templates.${k} (模板 ID)`);
  })
  .prefault({});

export type TencentSmsConfig = z.infer<typeof tencentSmsSchema>;
