/**
 * WeCom (企业微信) group robots. `to` is a robot name from config; its webhook key is a secret
 * from the environment. Text is cut to the robot's byte limit on a UTF-8 boundary.
 */
import type { Logger } from 'pino';
import { NotifierError } from '../errors.js';
import { postJson } from '../http.js';
import { truncateUtf8 } from '../text.js';
import type { Notifier, OutgoingMessage, SendResult } from '../types.js';
import type { WecomConfig } from './schema.js';

/** WeCom's limits on the content field, in UTF-8 bytes. */
export const WECOM_MAX_BYTES = { text: 2048, markdown: 4096 } as const;

/** errcodes a later retry can fix: rate limit (about 20 messages a minute per robot) and system busy. */
const TEMPORARY = new Set([45009, 45033, -1]);

/** The content field of a robot message: subject line, then the body, within the byte limit. */
export function wecomContent(msg: Pick<OutgoingMessage, 'subject' | 'text'>, msgtype: 'text' | 'markdown'): string {
  const full = msgtype === 'markdown' ? `**${msg.subject}**\n${msg.text}` : `${msg.subject}\n${msg.text}`;
  return truncateUtf8(full, WECOM_MAX_BYTES[msgtype]);
}

/** Posts to named WeCom robots. */
export class WecomNotifier implements Notifier {
  readonly channel = 'wecom' as const;
  readonly #cfg: WecomConfig;
  readonly #keys: Map<string, string>;
  readonly #log: Logger | undefined;

  /** `keys`: robot name → webhook key (read from the env vars the config names). */
  constructor(cfg: WecomConfig, keys: Map<string, string>, log?: Logger) {
    this.#cfg = cfg;
    this.#keys = keys;
    this.#log = log;
  }

  async send(msg: OutgoingMessage): Promise<SendResult> {
    const key = this.#keys.get(msg.to);
    if (!key) {
      throw new NotifierError('wecom', `未知的企业微信机器人 / unknown WeCom robot "${msg.to}" (channels.wecom.robots)`, {
        permanent: true,
        code: 'unknown_robot',
      });
    }
    const secrets = [key];
    const type = this.#cfg.msgtype;
    const url = `${this.#cfg.base_url}?key=${encodeURIComponent(key)}`;
    const res = await postJson('wecom', url, { msgtype: type, [type]: { content: wecomContent(msg, type) } }, { timeoutMs: this.#cfg.timeout_ms, secrets });
    const answer = res.json as { errcode?: number; errmsg?: string } | undefined;
    if (res.status >= 200 && res.status < 300 && answer?.errcode === 0) {
      this.#log?.debug({ channel: this.channel, robot: msg.to }, 'robot message sent');
      return { providerMessageId: null };
    }
    if (res.status >= 500 || (res.status >= 200 && res.status < 300 && answer === undefined)) {
      throw new NotifierError('wecom', `企业微信暂时不可用，稍后重试 / WeCom answered HTTP ${res.status}`, { permanent: false, code: `http_${res.status}`, secrets });
    }
    const errcode = answer?.errcode ?? -2;
    const permanent = !TEMPORARY.has(errcode) && res.status !== 429;
    const zh = errcode === 45009 ? '企业微信机器人发送过于频繁，稍后重试' : errcode === 93000 ? '企业微信机器人 key 无效' : permanent ? '企业微信拒绝发送' : '企业微信暂时不可用，稍后重试';
    throw new NotifierError('wecom', `${zh} / WeCom errcode ${errcode}: ${answer?.errmsg ?? res.snippet}`, {
      permanent,
      code: String(errcode),
      secrets,
    });
  }

  async close(): Promise<void> {}
}
