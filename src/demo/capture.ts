/**
 * The demo's stand-ins for the outside world, on loopback only: an SMTP server that writes every
 * message it receives as a .eml file, and an HTTP server playing the SMS gateway (the http_sms
 * channel) that appends each message to sms.log with the phone number masked. Nothing leaves the
 * machine, and no real number ends up in a file.
 */
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { maskPhones } from '../log.js';

/** The SMTP capture: SMTP_URL for the email channel, and what it wrote. */
export interface MailCapture {
  url: string;
  dir: string;
  /** Files written, in arrival order. */
  files: string[];
  close(): Promise<void>;
}

/** Start an SMTP server on 127.0.0.1 (free port) writing NNNN-recipient.eml files into `dir`. */
export async function startMailCapture(dir: string): Promise<MailCapture> {
  mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const to = session.envelope.rcptTo.map((r) => r.address).join(',');
        const name = `${String(files.length + 1).padStart(4, '0')}-${to.replace(/[^A-Za-z0-9@._-]+/g, '_').slice(0, 80)}.eml`;
        writeFileSync(join(dir, name), Buffer.concat(chunks));
        files.push(name);
        cb();
      });
    },
  });
  server.on('error', () => undefined); // a client dropping its connection is not the demo's problem
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return { url: `smtp://127.0.0.1:${port}`, dir, files, close: () => new Promise((r) => server.close(() => r())) };
}

/** The SMS stand-in: the http_sms URL, and how many messages it logged. */
export interface SmsCapture {
  url: string;
  file: string;
  count(): number;
  close(): Promise<void>;
}

/**
 * Start an HTTP server on 127.0.0.1 answering like an SMS gateway ({id}) and appending one line per
 * message to `file`: time, masked number, template, parameters and text (masked as well).
 */
export async function startSmsCapture(file: string, clock: () => number): Promise<SmsCapture> {
  writeFileSync(file, '');
  let n = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body: { phone?: string; template?: string; params?: Record<string, string>; text?: string } = {};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as typeof body;
      } catch {
        res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"bad json"}');
        return;
      }
      n++;
      const line = [
        new Date(clock()).toISOString(),
        body.phone ?? '-',
        `template=${body.template ?? '-'}`,
        `params=${JSON.stringify(body.params ?? {})}`,
        `text=${(body.text ?? '').replace(/\s+/g, ' ').trim()}`,
      ].join('\t');
      appendFileSync(file, `${maskPhones(line)}\n`);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: `demo-${n}` }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/sms/send`,
    file,
    count: () => n,
    close: () => new Promise((r) => server.close(() => r())),
  };
}
