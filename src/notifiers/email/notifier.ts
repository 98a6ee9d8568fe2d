/**
 * Email over SMTP with nodemailer's pooled transport. The URL (with its password) comes from
 * SMTP_URL; without it, `channels.email.host` names an unauthenticated relay.
 */
import { createTransport } from 'nodemailer';
import type { Logger } from 'pino';
import { describeCause, NotifierError } from '../errors.js';
import type { Notifier, OutgoingMessage, SendResult } from '../types.js';
import type { EmailConfig } from './schema.js';

// Deliberately loose: the SMTP server is the authority; this only catches obvious garbage
// (a phone number or a name in the email column) before it costs a connection.
const ADDRESS = /^[^\s@<>()",;]+@[^\s@<>()",;]+\.[^\s@<>()",;]+$/;

/** Where mail goes: the SMTP URL from the environment, else the relay from config, else nowhere. */
export function smtpTarget(cfg: EmailConfig, smtpUrl: string | undefined): { url: string } | { host: string; port: number; secure: boolean } | null {
  if (smtpUrl) return { url: smtpUrl };
  if (cfg.host) return { host: cfg.host, port: cfg.port, secure: cfg.secure };
  return null;
}

/** The password inside an SMTP URL, for redaction. */
function urlSecrets(url: string | undefined): string[] {
  if (!url) return [];
  try {
    const u = new URL(url);
    return [decodeURIComponent(u.password), u.password, url].filter(Boolean);
  } catch {
    return [url];
  }
}

/** An email notifier sending through one pooled SMTP transport. */
export class EmailNotifier implements Notifier {
  readonly channel = 'email' as const;
  readonly #transport: ReturnType<typeof createTransport>;
  readonly #from: string;
  readonly #secrets: string[];
  readonly #log: Logger | undefined;

  constructor(cfg: EmailConfig, target: NonNullable<ReturnType<typeof smtpTarget>>, log?: Logger) {
    this.#from = cfg.from;
    this.#secrets = urlSecrets('url' in target ? target.url : undefined);
    this.#log = log;
    const timeouts = { connectionTimeout: cfg.timeout_ms, greetingTimeout: cfg.timeout_ms, socketTimeout: cfg.timeout_ms * 2 };
    this.#transport = createTransport({ ...target, ...timeouts, pool: true, maxConnections: cfg.max_connections });
  }

  async send(msg: OutgoingMessage): Promise<SendResult> {
    const to = msg.to.trim();
    if (!ADDRESS.test(to)) {
      throw new NotifierError('email', `邮箱地址无效 / invalid email address: "${to.slice(0, 80)}"`, { permanent: true, code: 'invalid_address' });
    }
    try {
      const attachments = msg.attachments?.length
        ? await Promise.all(
            msg.attachments.map(async (a) => ({ filename: a.filename, contentType: a.contentType, content: typeof a.content === 'function' ? await a.content() : a.content })),
          )
        : undefined;
      const info = await this.#transport.sendMail({
        from: this.#from,
        to,
        subject: msg.subject,
        text: msg.text,
        ...(msg.html ? { html: msg.html } : {}),
        ...(attachments ? { attachments } : {}),
      });
      this.#log?.debug({ channel: 'email', to, messageId: info.messageId }, 'email sent');
      return { providerMessageId: info.messageId ?? null };
    } catch (e) {
      throw this.#classify(e);
    }
  }

  /** SMTP 5xx and authentication failures cannot be fixed by retrying; connections and 4xx can. */
  #classify(e: unknown): NotifierError {
    const err = e as { code?: string; responseCode?: number };
    const detail = describeCause(e, this.#secrets);
    const code = err.responseCode ? String(err.responseCode) : err.code;
    if (err.code === 'EAUTH') {
      return new NotifierError('email', `SMTP 认证失败，请检查 SMTP_URL / SMTP authentication failed: ${detail}`, { permanent: true, code, secrets: this.#secrets });
    }
    if (err.responseCode && err.responseCode >= 500) {
      return new NotifierError('email', `邮件被服务器拒绝 / rejected by the mail server: ${detail}`, { permanent: true, code, secrets: this.#secrets });
    }
    if (err.responseCode && err.responseCode >= 400) {
      return new NotifierError('email', `邮件服务器暂时拒绝，稍后重试 / temporarily rejected: ${detail}`, { permanent: false, code, secrets: this.#secrets });
    }
    return new NotifierError('email', `无法连接邮件服务器，稍后重试 / SMTP connection failed: ${detail}`, { permanent: false, code, secrets: this.#secrets });
  }

  async close(): Promise<void> {
    this.#transport.close();
  }
}
