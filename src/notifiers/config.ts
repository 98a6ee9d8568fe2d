/**
 * Config of the notifier channels (`channels:`) and of routing (`routing:`). Each channel's schema
 * lives beside its notifier; this file composes them for src/config/schema.ts.
 * Secrets never appear here: channel blocks only NAME the environment variables that hold them.
 */
import { z } from 'zod';
import { LEVELS, type Level } from '../domain/types.js';
import { aliyunSmsSchema } from './aliyun-sms/schema.js';
import { dingtalkSchema } from './dingtalk/schema.js';
import { emailSchema } from './email/schema.js';
import { httpSmsSchema } from './http-sms/schema.js';
import { tencentSmsSchema } from './tencent-sms/schema.js';
import { LOGICAL_CHANNELS, SMS_PROVIDERS, type ChannelName, type LogicalChannel } from './types.js';
import { wecomSchema } from './wecom/schema.js';

export const channelsSchema = z
  .object({
    sms_provider: z.enum(SMS_PROVIDERS).default('aliyun_sms').describe('which provider the logical "sms" route uses'),
    email: emailSchema,
    aliyun_sms: aliyunSmsSchema,
    tencent_sms: tencentSmsSchema,
    http_sms: httpSmsSchema,
    wecom: wecomSchema,
    dingtalk: dingtalkSchema,
  })
  .strict()
  .prefault({});

export type ChannelsConfig = z.infer<typeof channelsSchema>;

export { RECIPIENT_ROLES, type RecipientRole } from '../domain/channels.js';
import { RECIPIENT_ROLES, type RecipientRole } from '../domain/channels.js';

const route = (defaults: LogicalChannel[], who: string) =>
  z
    .array(z.enum(LOGICAL_CHANNELS))
    .max(LOGICAL_CHANNELS.length)
    .refine((l) => new Set(l).size === l.length, 'a channel is listed twice')
    .default(() => [...defaults])
    .describe(`channels for ${who}, in fallback order (sms, email, wecom, dingtalk)`);

const levelRoutes = (level: Level, d: Record<RecipientRole, LogicalChannel[]>) =>
  z
    .object({
      secretary: route(d.secretary, `the branch secretary at level ${level}`),
      clerk: route(d.clerk, `the Party-affairs worker at level ${level}`),
      committee: route(d.committee, `the parent committee's contacts at level ${level}`),
    })
    .strict()
    .prefault({});

/** Default routes per level and role. */
export const DEFAULT_ROUTES: Record<Level, Record<RecipientRole, LogicalChannel[]>> = {
  reminder: { secretary: ['sms', 'email'], clerk: ['email'], committee: [] },
  warning: { secretary: ['sms', 'email'], clerk: ['sms', 'email'], committee: [] },
  escalation: { secretary: ['sms', 'email'], clerk: ['sms', 'email'], committee: ['email', 'wecom', 'dingtalk'] },
};

export const routingSchema = z
  .object({
    ...(Object.fromEntries(LEVELS.map((l) => [l, levelRoutes(l, DEFAULT_ROUTES[l])])) as {
      [L in Level]: ReturnType<typeof levelRoutes>;
    }),
    report: route(['email'], "health-check reports (people get the first usable of sms/email, an SMS pointing to the email; wecom/dingtalk listed here also post a short notice with score, grade and a link under http.public_url to the robots of the committee concerned)"),
    copy_deputy: z
      .boolean()
      .default(false)
      .describe("the branch's deputy (副书记 / 组织委员, org columns deputy*) always receives the secretary's messages too; without it the deputy receives them only while the secretary is on leave (orglife leave)"),
  })
  .strict()
  .prefault({});

export type RoutingConfig = z.infer<typeof routingSchema>;

/** The concrete channel a logical route goes to: 'sms' → channels.sms_provider. */
export function physicalChannel(channels: Pick<ChannelsConfig, 'sms_provider'>, logical: LogicalChannel): ChannelName {
  return logical === 'sms' ? channels.sms_provider : logical;
}

/** Names of the robots of `channel` that serve committee `committeeCode` (listed, or "*"). */
export function robotsFor(channels: ChannelsConfig, channel: 'wecom' | 'dingtalk', committeeCode: string): string[] {
  return Object.entries(channels[channel].robots)
    .filter(([, r]) => r.committees.includes(committeeCode) || r.committees.includes('*'))
    .map(([name]) => name);
}

/**
 * The longest one send can take on any enabled channel, from the configured timeouts: a delivery
 * claim must outlive it, or another daemon takes the claim over while the first is still sending
 * and the message goes out twice. SMTP counts connect + greeting + the idle socket timeout (nodemailer's
 * connectionTimeout and greetingTimeout are timeout_ms, socketTimeout timeout_ms × 2; the socket
 * timeout restarts on activity, so a server that trickles bytes can outlast it: an estimate, not a
 * hard bound); the Aliyun SDK connect + read; Tencent and the generic HTTP
 * clients bound the whole exchange by timeout_ms.
 */
export function longestSendMs(channels: ChannelsConfig): number {
  const bounds: number[] = [];
  if (channels.email.enabled !== false) bounds.push(channels.email.timeout_ms * 4);
  if (channels.aliyun_sms.enabled) bounds.push(channels.aliyun_sms.timeout_ms * 2);
  if (channels.tencent_sms.enabled) bounds.push(Math.ceil(channels.tencent_sms.timeout_ms / 1000) * 1000);
  if (channels.http_sms.enabled) bounds.push(channels.http_sms.timeout_ms);
  if (channels.wecom.enabled) bounds.push(channels.wecom.timeout_ms);
  if (channels.dingtalk.enabled) bounds.push(channels.dingtalk.timeout_ms);
  return Math.max(0, ...bounds);
}

/** The default delivery-claim lease: 90 s, or longer when a channel's send can take longer (see longestSendMs). */
export const MIN_CLAIM_LEASE_MS = 90_000;
export function defaultClaimLeaseMs(channels: ChannelsConfig): number {
  return Math.max(MIN_CLAIM_LEASE_MS, longestSendMs(channels) + 30_000);
}
