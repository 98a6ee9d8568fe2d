/** Config of the generic HTTP SMS gateway (`channels.http_sms`), for providers without an SDK here. */
import { z } from 'zod';
import { envVarName, paramMaxChars, requireWhenEnabled, templateCodes, timeoutMs, secretFreeUrl } from '../schema-parts.js';

export const httpSmsSchema = z
  .object({
    enabled: z.boolean().default(false).describe('send SMS by POSTing JSON {phone, template, params, text} to `url`'),
    url: secretFreeUrl('token_env').optional().describe('gateway endpoint, e.g. https://sms.example.gov.cn/api/send'),
    token_env: envVarName.optional().describe('env var holding a bearer token (sent as Authorization: Bearer …)'),
    id_field: z.string().min(1).default('id').describe('dotted path of the message id in the JSON answer, e.g. data.id'),
    templates: templateCodes('gateway template id per key; the key itself is sent when absent'),
    param_max_chars: paramMaxChars,
    timeout_ms: timeoutMs,
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.enabled && !c.url) requireWhenEnabled(ctx, ['url'], 'url');
  })
  .prefault({});

export type HttpSmsConfig = z.infer<typeof httpSmsSchema>;
