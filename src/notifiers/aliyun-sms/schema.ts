/** Config of Aliyun SMS (`channels.aliyun_sms`). Keys come from the environment variables it names. */
import { z } from 'zod';
import { envVarName, paramMaxChars, protocol, REQUIRED_TEMPLATES, requireWhenEnabled, templateCodes, timeoutMs } from '../schema-parts.js';

export const aliyunSmsSchema = z
  .object({
    enabled: z.boolean().default(false).describe('send SMS through Aliyun (阿里云短信服务)'),
    sign_name: z.string().min(1).optional().describe('approved SMS signature (短信签名), e.g. 某某市委组织部'),
    templates: templateCodes('approved template code per key, e.g. reminder: SMS_123456789'),
    access_key_id_env: envVarName.default('ALIBABA_CLOUD_ACCESS_KEY_ID').describe('env var holding the AccessKey ID'),
    access_key_secret_env: envVarName.default('ALIBABA_CLOUD_ACCESS_KEY_SECRET').describe('env var holding the AccessKey secret'),
    endpoint: z.string().min(1).default('dysmsapi.aliyuncs.com').describe('API host[:port]'),
    protocol,
    param_max_chars: paramMaxChars,
    timeout_ms: timeoutMs,
  })
  .strict()
  .superRefine((c, ctx) => {
    if (!c.enabled) return;
    if (!c.sign_name) requireWhenEnabled(ctx, ['sign_name'], 'sign_name (短信签名)');
    for (const k of REQUIRED_TEMPLATES) if (!c.templates[k]) requireWhenEnabled(ctx, ['templates', k], `templates.${k} (模板 CODE)`);
  })
  .prefault({});

export type AliyunSmsConfig = z.infer<typeof aliyunSmsSchema>;
