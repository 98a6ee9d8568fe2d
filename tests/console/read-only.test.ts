/**
 * The read-only console (`orglife console`): over a store opened read-only, people sign in (the
 * session and the sign-in counts live in memory), pages render, lockout still holds, actions are
 * refused, and nothing is written to the database. On the store tempStore() gives.
 */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildConsoleServer } from '../../src/console/server.js';
import { withMemoryAccounts } from '../../src/console/memory-accounts.js';
import { openStore } from '../../src/store/open.js';
import type { Store } from '../../src/store/port.js';
import { shippedConfig } from '../helpers/config.js';
import type { TempStore } from '../helpers/store.js';
import { BIN } from '../ops/setup.js';
import { countyStore, NOW, PASSWORD, quietLog, signIn } from './setup.js';

let t: TempStore;
let ro: Store;
let app: FastifyInstance;
beforeAll(async () => {
  const config = shippedConfig();
  t = await countyStore(config);
  ro = await openStore(t.spec, { readonly: true, migrate: false, mustExist: true });
  app = await buildConsoleServer({ store: withMemoryAccounts(ro), config, log: quietLog, clock: () => NOW, readOnly: true });
}, 120_000);
afterAll(async () => {
  await app?.close();
  await ro?.close();
  await t?.cleanup();
});

const dbState = async () => JSON.stringify([
  (await t.store.accounts.auditPage({ orgs: null, limit: 100, offset: 0 })).rows,
  await t.store.accounts.users(),
  await t.store.alerts.countByState(),
]);

describe('orglife console (read-only)', () => {
  it('signs in and serves pages with the session in memory; refuses actions; writes nothing', async () => {
    const before = await dbState();
    const s = await signIn(app, 'county');
    for (const url of ['/console/overview', '/console/ranking', '/console/alerts', '/console/orgs/B101', '/console/audit']) {
      expect((await app.inject({ method: 'GET', url, headers: { cookie: s.cookie } })).statusCode, url).toBe(200);
    }
    // The preview's dry run reads the read-only database and writes nothing to it.
    const preview = await app.inject({ method: 'GET', url: '/console/preview?run=1&at=2026-12-01T09:00', headers: { cookie: s.cookie } });
    expect(preview.statusCode).toBe(200);
    expect(preview.body).toContain('条待发消息');
    const audit = await app.inject({ method: 'GET', url: '/console/audit', headers: { cookie: s.cookie } });
    expect(audit.body).toContain('登录'); // this sign-in, from memory
    const [a] = (await t.store.alerts.list({ open: true })).filter((x) => x.state === 'open');
    const ack = await app.inject({ method: 'POST', url: `/console/alerts/${a!.id}/ack`, headers: { cookie: s.cookie }, payload: { plan: '整改', by: '2026-12-15', _csrf: s.csrf } });
    expect(ack.statusCode).toBe(403);
    expect(ack.body).toContain('只读控制台');
    const out = await app.inject({ method: 'POST', url: '/console/logout', headers: { cookie: s.cookie }, payload: { _csrf: s.csrf } });
    expect(out.statusCode).toBe(303);
    expect((await app.inject({ method: 'GET', url: '/console/overview', headers: { cookie: s.cookie } })).statusCode).toBe(303);
    expect(await t.store.accounts.pruneSessions(Number.MAX_SAFE_INTEGER)).toBe(0); // no session was stored
    expect(await dbState()).toBe(before);
  });

  it('still locks an account after five wrong passwords, without writing the count', async () => {
    const form = await app.inject({ method: 'GET', url: '/console/login' });
    const token = /name="_csrf" value="([^"]+)"/.exec(form.body)![1]!;
    const cookie = `orglife_login_csrf=${form.cookies.find((c) => c.name === 'orglife_login_csrf')!.value}`;
    const attempt = (password: string) => app.inject({ method: 'POST', url: '/console/login', headers: { cookie }, remoteAddress: '10.0.0.7', payload: { _csrf: token, username: 'viewer', password } });
    for (let i = 0; i < 4; i++) expect((await attempt('wrong-password')).statusCode).toBe(401);
    expect((await attempt('wrong-password')).statusCode).toBe(423);
    expect((await attempt(PASSWORD)).statusCode).toBe(423);
    expect(await t.store.accounts.userByName('viewer')).toMatchObject({ failedLogins: 0, lockedUntil: null });
  });

  it('runs as `orglife console` on that database', async () => {
    const child = spawn(process.execPath, [BIN, 'console', '--port', '0', '--host', '127.0.0.1'], { env: { ...process.env, ORGLIFE_DB: t.spec, LOG_LEVEL: 'silent' }, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        let err = '';
        const timer = setTimeout(() => reject(new Error(`no address: ${out} ${err}`)), 60_000);
        child.stdout!.on('data', (b: Buffer) => {
          out += b.toString();
          const m = /(http:\/\/\S+\/console)/.exec(out);
          if (m) (clearTimeout(timer), resolve(m[1]!));
        });
        child.stderr!.on('data', (b: Buffer) => (err += b.toString()));
        child.once('exit', (code) => reject(new Error(`exited ${code}: ${err}`)));
      });
      const res = await fetch(`${url}/login`);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('<button type="submit">登录</button>');
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  }, 90_000);
});
