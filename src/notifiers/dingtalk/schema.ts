/** Config of DingTalk group robots (`channels.dingtalk`): named robots with signed webhooks. */
import { z } from 'zod';
import { committeeCodes, envVarName, requireWhenEnabled, robotName, robotPerMinute, timeoutMs, secretFreeUrl } from '../schema-parts.js';

const robot = z
  .object({
    access_token_env: envVarName.describe('env var holding the access_token of the robot webhook'),
    secret_env: envVarName.describe('env var holding the signing secret (加签, SEC…)'),
    committees: committeeCodes,
    per_minute: robotPerMinute.optional().describe('this robot\'s own limit (default: the channel\'s per_minute)'),
  })
  .strict();

export const dingtalkSchema = z
  .object({
    enabled: z.boolean().default(false).describe('post to DingTalk (钉钉) group robots'),
    base_url: secretFreeUrl('robots.<name>.access_token_env').default('https://oapi.dingtalk.com/robot/send').describe('webhook endpoint'),
    msgtype: z.enum(['markdown', 'text']).default('markdown').describe('markdown or text'),
    robots: z
      .record(robotName, robot)
      .default({})
      .describe('robots by name: { county: { access_token_env: DINGTALK_TOKEN, secret_env: DINGTALK_SECRET, committees: ["*"] } }'),
    per_minute: robotPerMinute.default(20).describe('at most this many messages per robot in any 60 seconds (WeCom and DingTalk group robots accept 20; more are refused), across every daemon'),
    timeout_ms: timeoutMs,
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.enabled && Object.keys(c.robots).length === 0) requireWhenEnabled(ctx, ['robots'], 'robots (至少一个机器人)');
  })
  .prefault({});

export type DingtalkConfig = z.infer<typeof dingtalkSchema>;
