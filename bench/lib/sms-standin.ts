/**
 * A lean SMS provider stand-in in its own process (the real provider is not on our CPU either):
 * answers the generic gateway, Aliyun and Tencent the way tests/helpers/http-standin.ts does, but
 * records nothing except a count, so 100,000 requests cost it no memory. An optional delay makes it
 * answer like a real provider across the network (~30 ms).
 *
 *   const s = await startSmsStandin({ delayMs: 30 }); s.host, s.url; await s.count(); s.stop();
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';

export interface SmsStandin {
  /** 127.0.0.1:PORT (SDK endpoint). */
  host: string;
  /** http://127.0.0.1:PORT/sms/send (generic gateway url). */
  url: string;
  proc: ChildProcess;
  /** Requests answered so far. */
  count(): Promise<number>;
  stop(): void;
}

const FLAG = '--sms-standin';

export async function startSmsStandin(opts: { delayMs?: number } = {}): Promise<SmsStandin> {
  const proc = fork(import.meta.filename, [FLAG, String(opts.delayMs ?? 0)], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    proc.once('message', (m: { port: number }) => resolve(m.port));
    proc.once('exit', (code) => reject(new Error(`SMS stand-in exited with ${code}`)));
  });
  return {
    host: `127.0.0.1:${port}`,
    url: `http://127.0.0.1:${port}/sms/send`,
    proc,
    count: () =>
      new Promise((resolve) => {
        proc.once('message', (m: { count: number }) => resolve(m.count));
        proc.send('count');
      }),
    stop: () => proc.disconnect(),
  };
}

if (process.argv[2] === FLAG) {
  const delayMs = Number(process.argv[3] ?? 0);
  let count = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const n = ++count;
      const body = req.headers['x-tc-action']
        ? `{"Response":{"SendStatusSet":[{"SerialNo":"serial-${n}","PhoneNumber":"","Fee":1,"SessionContext":"","Code":"Ok","Message":"send success","IsoCode":"CN"}],"RequestId":"req-${n}"}}`
        : req.headers['x-acs-action']
          ? `{"Code":"OK","Message":"OK","BizId":"biz-${n}","RequestId":"req-${n}"}`
          : `{"id":"msg-${n}"}`;
      const answer = () => {
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
        res.end(body);
      };
      if (delayMs > 0) setTimeout(answer, delayMs);
      else answer();
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => process.send!({ port: (server.address() as { port: number }).port }));
  process.on('message', () => process.send!({ count }));
  process.on('disconnect', () => process.exit(0));
}
