/**
 * DingTalk (钉钉) group robots with signed webhooks: every request carries `timestamp` and
 * `sign` = base64(HMAC-SHA256(secret, `${timestamp}\n${secret}`)), URL-encoded.
 * `to` is a robot name from config; token and secret come from the environment.
 */
import { createHmac } from 'node:crypto';
import type { Logger } from 'pino';
import { NotifierError } from '../errors.js';
import { postJson } from '../http.js';
import { truncateUtf8 } from '../text.js';
import type { Notifier, OutgoingMessage, SendResult } from '../types.js';
import type { DingtalkConfig } from './schema.js';

/** Well under DingTalk's 20,000-byte message limit, leaving room for the JSON around the text. */
export const DINGTALK_MAX_BYTES = 18_000;

/** errcodes a later retry can fix: "sending too fast" and system busy. */
const TEMPORARY = new Set([130101, 410100, -1]);

/** The sign query parameter for `timestamp` (ms since epoch), before URL-encoding. */
export function dingtalkSign(timestamp: number, secret: string): string {
  return createHmac('sha256', secret).update(`${timestamp}\n${secret}`, 'utf8').digest('base64');
}

/** Credentials of one robot. */
export interface DingtalkRobotKeys {
  accessToken: string;
  secret: string;
}

/** Posts to named DingTalk robots. `now` is injectable so tests can check the signature's time. */
export class DingtalkNotifier implements Notifier {
  readonly channel = 'dingtalk' as const;
  readonly #cfg: DingtalkConfig;
  readonly #robots: Map<string, DingtalkRobotKeys>;
  readonly #now: () => number;
  readonly #log: Logger | undefined;

  constructor(cfg: DingtalkConfig, robots: Map<string, DingtalkRobotKeys>, opts: { now?: () => number; log?: Logger } = {}) {
    this.#cfg = cfg;
    this.#robots = robots;
    this.#now = opts.now ?? Date.now;
    this.#log = opts.log;
  }

  async send(msg: OutgoingMessage): Promise<SendResult> {
    const robot = this.#robots.get(msg.to);
    if (!robot) {
      throw new NotifierError('dingtalk', `未知的钉钉机器人 / unknown DingTalk robot "${msg.to}" (channels.dingtalk.robots)`, {
        permanent: true,
        code: 'unknown_robot',
      });
    }
    const secrets = [robot.accessToken, robot.secret];
    const timestamp = this.#now();
    const sign = encodeURIComponent(dingtalkSign(timestamp, robot.secret));
    const url = `${this.#cfg.base_url}?access_token=${encodeURIComponent(robot.accessToken)}&timestamp=${timestamp}&sign=${sign}`;
    const body =
      this.#cfg.msgtype === 'markdown'
        ? { msgtype: 'markdown', markdown: { title: msg.subject, text: truncateUtf8(`### ${msg.subject}\n\n${msg.text}`, DINGTALK_MAX_BYTES) } }
        : { msgtype: 'text', text: { content: truncateUtf8(`${msg.subject}\n${msg.text}`, DINGTALK_MAX_BYTES) } };
    const res = await postJson('dingtalk', url, body, { timeoutMs: this.#cfg.timeout_ms, secrets: [...secrets, sign] });
    const answer = res.json as { errcode?: number; errmsg?: string } | undefined;
    if (res.status >= 200 && res.status < 300 && answer?.errcode === 0) {
      this.#log?.debug({ channel: this.channel, robot: msg.to }, 'robot message sent');
      return { providerMessageId: null };
    }
    if (res.status >= 500 || (res.status >= 200 && res.status < 300 && answer === undefined)) {
      throw new NotifierError('dingtalk', `钉钉暂时不可用，稍后重试 / DingTalk answered HTTP ${res.status}`, { permanent: false, code: `http_${res.status}`, secrets });
    }
    const errcode = answer?.errcode ?? -2;
    const permanent = !TEMPORARY.has(errcode) && res.status !== 429;
    const zh =
      errcode === 310000 ? '钉钉机器人签名、关键词或 IP 校验失败' : errcode === 300001 ? '钉钉机器人 access_token 无效' : permanent ? '钉钉拒绝发送' : '钉钉发送过于频繁，稍后重试';
    throw new NotifierError('dingtalk', `${zh} / DingTalk errcode ${errcode}: ${answer?.errmsg ?? res.snippet}`, {
      permanent,
      code: String(errcode),
      secrets,
    });
  }

  async close(): Promise<void> {}
}
