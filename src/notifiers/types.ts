/**
 * The notifier contract: one small interface every channel implements. Notifiers send one
 * message and say whether a failure is worth retrying; retries and backoff live in BullMQ.
 */
import type { SmsContent } from './sms-params.js';

/** The concrete channels (each has one implementation and one config block under `channels:`). */
export const CHANNEL_NAMES = ['email', 'aliyun_sms', 'tencent_sms', 'http_sms', 'wecom', 'dingtalk'] as const;
export type ChannelName = (typeof CHANNEL_NAMES)[number];

/** The channels routing speaks of; 'sms' means whichever provider `channels.sms_provider` names. */
export const LOGICAL_CHANNELS = ['sms', 'email', 'wecom', 'dingtalk'] as const;
export type LogicalChannel = (typeof LOGICAL_CHANNELS)[number];

/** The SMS providers `channels.sms_provider` may pick. */
export const SMS_PROVIDERS = ['aliyun_sms', 'tencent_sms', 'http_sms'] as const;
export type SmsProvider = (typeof SMS_PROVIDERS)[number];

/** Chinese channel names for people (CLI output, reports). */
export const CHANNEL_NAMES_ZH: Record<ChannelName, string> = {
  email: '电子邮件',
  aliyun_sms: '阿里云短信',
  tencent_sms: '腾讯云短信',
  http_sms: 'HTTP 短信网关',
  wecom: '企业微信群机器人',
  dingtalk: '钉钉群机器人',
};

/** One message to one recipient. */
export interface OutgoingMessage {
  /** Email address, mobile number (11 digits, +86 allowed) or robot name, depending on the channel. */
  to: string;
  /** Chinese subject: the email subject and the first line of robot messages. */
  subject: string;
  /** Plain-text body. */
  text: string;
  /** HTML body (email only). */
  html?: string;
  /** Template SMS content; required by aliyun_sms and tencent_sms, sent along by http_sms. */
  sms?: SmsContent;
}

/** What a successful send returns: the provider's id, for tracing (null when it gives none). */
export interface SendResult {
  providerMessageId: string | null;
}

/** A channel able to send messages. `send` rejects only with NotifierError. */
export interface Notifier {
  readonly channel: ChannelName;
  send(msg: OutgoingMessage): Promise<SendResult>;
  /** Release connections (SMTP pool, keep-alive sockets). */
  close(): Promise<void>;
}

export type { SmsContent, SmsParams, SmsTemplateKey } from './sms-params.js';
