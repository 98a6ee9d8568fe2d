/**
 * A real SMTP server (smtp-server, loopback) that can HOLD its answer to DATA: while held, a
 * message has been transmitted but not accepted, so the sender's job is in flight for as long as
 * the test wants. `release()` accepts everything held and everything after. A held message whose
 * client went away (a daemon killed with SIGKILL) is never accepted: the sender never heard 250,
 * and a real server would not have stored it either.
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface HeldSmtp {
  url: string;
  /** Recipients of the messages accepted (answered 250), in order. */
  accepted: string[];
  /** Messages transmitted and waiting for an answer (of clients still connected). */
  held(): number;
  /** Start holding new messages. */
  hold(): void;
  /** Accept every held message of a connected client and stop holding. */
  release(): void;
  close(): Promise<void>;
}

/** Start the server (not holding). */
export async function startHeldSmtp(): Promise<HeldSmtp> {
  const accepted: string[] = [];
  let holding = false;
  const waiting: Array<{ session: string; accept: () => void }> = [];
  const closed = new Set<string>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onClose(session) {
      closed.add(session.id);
    },
    onData(stream, session, cb) {
      stream.on('data', () => undefined);
      stream.on('end', () => {
        const accept = () => {
          if (closed.has(session.id)) return;
          accepted.push(...session.envelope.rcptTo.map((r) => r.address));
          cb();
        };
        if (holding) waiting.push({ session: session.id, accept });
        else accept();
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    accepted,
    held: () => waiting.filter((w) => !closed.has(w.session)).length,
    hold() {
      holding = true;
    },
    release() {
      holding = false;
      for (const w of waiting.splice(0)) w.accept();
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
