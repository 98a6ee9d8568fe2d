/**
 * A TCP gate in front of a provider stand-in, for the kill -9 test. Open: bytes pass both ways.
 * Closed: requests from clients are HELD (not forwarded), so the provider never sees them and has
 * not accepted them; when the client dies (SIGKILL), its held bytes are discarded. `admit(n)` lets
 * exactly n held HTTP requests through (one per connection: HTTP/1.1 clients do not pipeline);
 * reopening forwards everything. This makes "killed mid-dispatch" deterministic: we know exactly
 * which messages the provider accepted before the kill. Answers (provider → client) always pass.
 */
import { createServer, connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface Gate {
  /** http://127.0.0.1:PORT — point the notifier here instead of at the stand-in. */
  url: string;
  port: number;
  /** Hold every further client → provider byte. */
  close(): void;
  /** Forward held and further bytes. */
  open(): void;
  /**
   * Drop every current connection with its held bytes, then open. Use after killing the client:
   * its sockets' 'close' may not have been processed yet, and open() would forward a dead process's request.
   */
  dropAllAndOpen(): void;
  /** While closed: forward n complete held requests (one per connection); returns how many went. */
  admit(n: number): number;
  /** Client connections currently holding bytes (requests in flight that the provider has not seen). */
  holding(): number;
  shutdown(): Promise<void>;
}

/** Start a gate forwarding to 127.0.0.1:targetPort; it starts open. */
export async function startGate(targetPort: number): Promise<Gate> {
  let isOpen = true;
  const pipes = new Set<{ client: Socket; upstream: Socket; held: Buffer[] }>();
  const server = createServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1');
    const pipe = { client, upstream, held: [] as Buffer[] };
    pipes.add(pipe);
    client.on('data', (b: Buffer) => {
      if (isOpen) upstream.write(b);
      else pipe.held.push(b);
    });
    upstream.on('data', (b: Buffer) => client.write(b));
    const end = () => {
      pipes.delete(pipe);
      pipe.held = [];
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end);
    upstream.on('close', end);
    client.on('error', end);
    upstream.on('error', end);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close() {
      isOpen = false;
    },
    open() {
      isOpen = true;
      for (const p of pipes) for (const b of p.held.splice(0)) p.upstream.write(b);
    },
    dropAllAndOpen() {
      for (const p of [...pipes]) {
        p.held = [];
        pipes.delete(p);
        p.client.destroy();
        p.upstream.destroy();
      }
      isOpen = true;
    },
    admit(n) {
      let sent = 0;
      for (const p of pipes) {
        if (sent >= n) break;
        const buf = Buffer.concat(p.held);
        if (!isCompleteRequest(buf)) continue;
        p.held = [];
        p.upstream.write(buf);
        sent++;
      }
      return sent;
    },
    holding: () => [...pipes].filter((p) => isCompleteRequest(Buffer.concat(p.held))).length,
    shutdown: () =>
      new Promise<void>((r) => {
        for (const p of pipes) {
          p.client.destroy();
          p.upstream.destroy();
        }
        server.close(() => r());
      }),
  };
}

/** Whether `buf` holds one whole HTTP/1.1 request (headers and a Content-Length body). */
function isCompleteRequest(buf: Buffer): boolean {
  const end = buf.indexOf('\r\n\r\n');
  if (end < 0) return false;
  const m = /\r\ncontent-length:\s*(\d+)/i.exec(buf.subarray(0, end).toString('latin1'));
  return buf.length >= end + 4 + (m ? Number(m[1]) : 0);
}
