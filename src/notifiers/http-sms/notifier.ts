/**
 * A generic HTTP SMS gateway: POST JSON {phone, template, params, text} with an optional bearer
 * token. 2xx → id from the configured JSON field; 4xx → permanent (except 408/429); 5xx → temporary.
 */
import type { Logger } from 'pino';
import { NotifierError } from '../errors.js';
import { jsonField, postJson } from '../http.js';
import { mainlandMobile } from '../phone.js';
import { prepareSmsParams } from '../sms-params.js';
import type { Notifier, OutgoingMessage, SendResult } from '../types.js';
import type { HttpSmsConfig } from './schema.js';

/** Sends SMS through a configured HTTP gateway. */
export class HttpSmsNotifier implements Notifier {
  readonly channel = 'http_sms' as const;
  readonly #cfg: HttpSmsConfig & { url: string };
  readonly #token: string | undefined;
  readonly #log: Logger | undefined;

  constructor(cfg: HttpSmsConfig & { url: string }, token: string | undefined, log?: Logger) {
    this.#cfg = cfg;
    this.#token = token;
    this.#log = log;
  }

  async send(msg: OutgoingMessage): Promise<SendResult> {
    const phone = mainlandMobile('http_sms', msg.to);
    const body = {
      phone,
      template: msg.sms ? (this.#cfg.templates[msg.sms.template] ?? msg.sms.template) : null,
      params: msg.sms ? prepareSmsParams('http_sms', msg.sms, this.#cfg.param_max_chars) : {},
      text: msg.text,
    };
    const secrets = this.#token ? [this.#token] : [];
    const res = await postJson('http_sms', this.#cfg.url, body, {
      headers: this.#token ? { authorization: `Bearer ${this.#token}` } : {},
      timeoutMs: this.#cfg.timeout_ms,
      secrets,
    });
    if (res.status >= 200 && res.status < 300) {
      const id = jsonField(res.json, this.#cfg.id_field);
      this.#log?.debug({ channel: this.channel, to: phone, id }, 'sms sent');
      return { providerMessageId: id === undefined || id === null ? null : String(id) };
    }
    const permanent = res.status < 500 && res.status !== 408 && res.status !== 429;
    const zh = permanent ? (res.status === 401 || res.status === 403 ? '短信网关认证失败' : '短信网关拒绝请求') : '短信网关暂时不可用，稍后重试';
    throw new NotifierError('http_sms', `${zh} / SMS gateway answered HTTP ${res.status}: ${res.snippet}`, {
      permanent,
      code: `http_${res.status}`,
      secrets,
    });
  }

  async close(): Promise<void> {}
}
