/**
 * One pooled keep-alive connection agent per protocol, shared by every HTTP channel in the process
 * (http_sms, wecom, dingtalk through ./http.ts, and the Tencent SDK through its httpProfile.agent).
 * The webhook channels used `fetch`, whose per-request machinery (undici, WHATWG streams, abort
 * signals) cost several times a plain node:http request: SMS dispatch ran at a fifth of what BullMQ
 * allows. Idle sockets close after 4 s, below the 5 s idle timeout most servers use, so a reused
 * socket is rarely one the server has just closed.
 * (The Aliyun SDK's transport, httpx, already keeps one module-level keep-alive agent of its own and
 * its client takes none from outside.)
 */
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';

const IDLE_MS = 4_000;

let http: HttpAgent | undefined;
let https: HttpsAgent | undefined;

/** The shared keep-alive agent for `protocol` ('http' | 'https', with or without the colon). */
export function keepAliveAgent(protocol: string): HttpAgent {
  if (protocol.replace(/:$/, '') === 'https') return (https ??= new HttpsAgent({ keepAlive: true, timeout: IDLE_MS, scheduling: 'lifo' }));
  return (http ??= new HttpAgent({ keepAlive: true, timeout: IDLE_MS, scheduling: 'lifo' }));
}
