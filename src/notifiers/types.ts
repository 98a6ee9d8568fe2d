/**
 * The notifier contract: one small interface every channel implements. Notifiers send one
 * message and say whether a failure is worth retrying; retries and backoff live in BullMQ.
 */
import type { SmsContent } from './sms-params.js';

export { CHANNEL_NAMES, LOGICAL_CHANNELS, SMS_PROVIDERS, type ChannelName, type LogicalChannel, type SmsProvider } from '../domain/channels.js';
import type { ChannelName } from '../domain/channels.js';

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
  /** Files attached to an email (other channels ignore them). */
  attachments?: MailAttachment[];
}

/** A file attached to an email. The content may be made only when the message is sent (an XLSX of a big committee). */
export interface MailAttachment {
  filename: string;
  contentType: string;
  content: Buffer | (() => Promise<Buffer>);
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
