/**
 * A real SMTP server (smtp-server) on 127.0.0.1, random port, no TLS, for tests that send mail.
 * Every message it accepts is parsed with mailparser and kept in `messages`.
 *
 *   const smtp = await startSmtpServer();                 // or { auth: { user, pass } }, { rejectRecipient }
 *   env SMTP_URL = smtp.url                               // smtp://127.0.0.1:PORT (with user:pass if auth given)
 *   const [mail] = await smtp.waitForMessages(1);         // mail.subject, mail.text, mail.html, mail.to, mail.envelope
 *   await smtp.close();
 */
import { simpleParser, type ParsedMail } from 'mailparser';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/** One accepted message: the SMTP envelope plus the parsed mail. */
export interface ReceivedMail {
  envelope: { from: string; to: string[] };
  /** The authenticated user, if the client logged in. */
  user: string | undefined;
  subject: string;
  text: string;
  /** HTML body, or null for text-only mail. */
  html: string | null;
  /** Header From/To as text, e.g. "组织生活预警 <noreply@orglife.local>". */
  from: string;
  to: string;
  messageId: string | undefined;
  parsed: ParsedMail;
  raw: Buffer;
}

export interface SmtpServerOptions {
  /** Require this login (AUTH PLAIN/LOGIN over plain text, allowed for loopback tests). Without it any client is accepted. */
  auth?: { user: string; pass: string };
  /** Return an SMTP reply to reject a recipient, e.g. { code: 550, message: 'No such user' }; null accepts. */
  rejectRecipient?: (address: string) => { code: number; message: string } | null;
}

export interface SmtpStandin {
  port: number;
  /** smtp://[user:pass@]127.0.0.1:PORT, ready for SMTP_URL. */
  url: string;
  /** Messages accepted so far, in arrival order. */
  messages: ReceivedMail[];
  /** Resolve once at least `n` messages arrived (rejects after `timeoutMs`). */
  waitForMessages(n: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  close(): Promise<void>;
}

/** Start the server; close it in afterEach/afterAll. */
export async function startSmtpServer(opts: SmtpServerOptions = {}): Promise<SmtpStandin> {
  const messages: ReceivedMail[] = [];
  const waiters = new Set<() => void>();
  const server = new SMTPServer({
    authOptional: !opts.auth,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onAuth(auth, _session, cb) {
      if (opts.auth && (auth.username !== opts.auth.user || auth.password !== opts.auth.pass)) {
        return cb(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
      }
      cb(null, { user: auth.username });
    },
    onRcptTo(address, _session, cb) {
      const reject = opts.rejectRecipient?.(address.address);
      if (reject) return cb(Object.assign(new Error(reject.message), { responseCode: reject.code }));
      cb();
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        simpleParser(raw)
          .then((parsed) => {
            messages.push({
              envelope: {
                from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
                to: session.envelope.rcptTo.map((r) => r.address),
              },
              user: typeof session.user === 'string' ? session.user : undefined,
              subject: parsed.subject ?? '',
              text: parsed.text ?? '',
              html: parsed.html === false ? null : (parsed.html ?? null),
              from: parsed.from?.text ?? '',
              to: Array.isArray(parsed.to) ? parsed.to.map((a) => a.text).join(', ') : (parsed.to?.text ?? ''),
              messageId: parsed.messageId,
              parsed,
              raw,
            });
            for (const w of waiters) w();
            cb();
          })
          .catch((e: Error) => cb(e));
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  const cred = opts.auth ? `${encodeURIComponent(opts.auth.user)}:${encodeURIComponent(opts.auth.pass)}@` : '';
  return {
    port,
    url: `smtp://${cred}127.0.0.1:${port}`,
    messages,
    waitForMessages(n, timeoutMs = 10_000) {
      if (messages.length >= n) return Promise.resolve(messages.slice());
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`SMTP stand-in: expected ${n} message(s), got ${messages.length} within ${timeoutMs} ms`));
        }, timeoutMs);
        const check = () => {
          if (messages.length < n) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(messages.slice());
        };
        waiters.add(check);
      });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
