/** Config of WeCom group robots (`channels.wecom`): named robots, each with the env var of its key. */
import { z } from 'zod';
import { committeeCodes, envVarName, requireWhenEnabled, robotName, robotPerMinute, timeoutMs, secretFreeUrl } from '../schema-parts.js';

const robot = z
  .object({
    key_env: envVarName.describe('env var holding the webhook key (the key=… of the robot URL)'),
    committees: committeeCodes,
    per_minute: robotPerMinute.optional().describe('this robot\'s own limit (default: the channel\'s per_minute)'),
  })
  .strict();

export const wecomSchema = z
  .object({
    enabled: z.boolean().default(false).describe('post to WeCom (企业微信) group robots'),
    base_url: secretFreeUrl('robots.<name>.key_env').default('https://qyapi.weixin.qq.com/cgi-bin/webhook/send').describe('webhook endpoint; ?key= is appended'),
    msgtype: z.enum(['markdown', 'text']).default('markdown').describe('markdown (4096 bytes) or text (2048 bytes)'),
    robots: z.record(robotName, robot).default({}).describe('robots by name: { county: { key_env: WECOM_KEY_COUNTY, committees: [C01] } }'),
    per_minute: robotPerMinute.default(20).describe('at most this many messages per robot in any 60 seconds (WeCom and DingTalk group robots accept 20; more are refused), across every daemon'),
    timeout_ms: timeoutMs,
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.enabled && Object.keys(c.robots).length === 0) requireWhenEnabled(ctx, ['robots'], 'robots (至少一个机器人)');
  })
  .prefault({});

export type WecomConfig = z.infer<typeof wecomSchema>;
