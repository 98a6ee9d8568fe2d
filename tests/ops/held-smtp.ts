/**
 * A real SMTP server (smtp-server, loopback) that can HOLD its answer to DATA: while held, a
 * message has been transmitted but not accepted, so the sender's job is in flight for as long as
 * the test wants. `release()` accepts everything held and everything after.
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface HeldSmtp {
  url: string;
  /** Recipients of the messages accepted (answered 250), in order. */
  accepted: string[];
  /** Messages transmitted and waiting for an answer. */
  held(): number;
  /** Start holding new messages. */
  hold(): void;
  /** Accept every held message and stop holding. */
  release(): void;
  close(): Promise<void>;
}

/** Start the server (not holding). */
export async function startHeldSmtp(): Promise<HeldSmtp> {
  const accepted: string[] = [];
  let holding = false;
  const waiting: Array<() => void> = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, cb) {
      stream.on('data', () => undefined);
      stream.on('end', () => {
        const accept = () => {
          accepted.push(...session.envelope.rcptTo.map((r) => r.address));
          cb();
        };
        if (holding) waiting.push(accept);
        else accept();
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    accepted,
    held: () => waiting.length,
    hold() {
      holding = true;
    },
    release() {
      holding = false;
      for (const accept of waiting.splice(0)) accept();
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
