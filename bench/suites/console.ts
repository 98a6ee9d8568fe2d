/**
 * Console speed: the ranking page, the alert list and a branch page of the web console, served by
 * a running `orglife daemon` over the imported city after one evaluation and the last month's
 * reports, each requested 20 times by a signed-in user (median and worst).
 */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { addUser } from '../../src/app/accounts.js';
import { readEnv } from '../../src/config/env.js';
import { loadConfig } from '../../src/config/load.js';
import { parseTimestamp, periodOf, previousPeriod } from '../../src/domain/calendar.js';
import { TICK_HANDLERS } from '../../src/jobs/kinds.js';
import { createLogger } from '../../src/log.js';
import { createNotifiers } from '../../src/notifiers/registry.js';
import { buildReports } from '../../src/reports/gather.js';
import { saveReports } from '../../src/reports/generate.js';
import { openStore } from '../../src/store/open.js';
import { info } from '../lib/figures.js';
import type { BenchContext, BenchSuite, Figure, StepResult } from '../lib/types.js';

const REQUESTS = 20;
const PAGES = ['ranking', 'alerts', 'branch'] as const;
const PASSWORD = 'bench-password-123';

const suite: BenchSuite = {
  id: 'console',
  title: 'web console pages on a running daemon',
  order: 60,
  needs: ['city', 'db'],
  method: `
**Measured:** on a copy of the imported city, one evaluation (\`evaluate\` tick, no channels) and the last
completed month's reports are stored; \`orglife daemon\` is started on it (real Redis, HTTP on a free port)
and a county admin signs in through the login form. Then each page is requested ${REQUESTS} times in a row
(after one untimed request that warms the ranking cache): \`/console/ranking\` (first page of the board),
\`/console/alerts\` (first page of open alerts with its total), \`/console/orgs/<branch>\` (a branch page with
its timeline). Median and worst wall time per request, client side, over loopback.

**Floor:** the same daemon's login page (a server-rendered page that reads no data), ${REQUESTS} requests,
median: what any page costs on this machine at this load (HTTP, session-less rendering, loopback).

**Target:** each page's median < 300 ms at 20,000 branches.`,
  steps: [{ id: 'pages', title: 'console pages, 20 requests each', run: pages }],
  figures(o, { size }) {
    const p = o.pages;
    if (!p) return [];
    const out: Figure[] = [];
    for (const page of PAGES) {
      const median = p.metrics[`${page}MedianMs`]!;
      const target = size >= 20_000 ? 300 : undefined;
      out.push({
        label: `${page} page, median of ${REQUESTS}`,
        value: median,
        unit: 'ms',
        ...(p.metrics.floorMedianMs !== undefined ? { floor: { label: 'login page (no data), median', value: p.metrics.floorMedianMs } } : {}),
        ...(target ? { target: `< ${target} ms`, verdict: median < target ? 'PASS' : 'MISS' } : { verdict: 'INFO' }),
        detail: `worst ${Math.round(p.metrics[`${page}MaxMs`]!)} ms`,
      });
    }
    out.push(info('alerts in the database', p.metrics.alerts!, ''));
    return out;
  },
};
export default suite;

async function pages(ctx: BenchContext): Promise<StepResult> {
  const dbPath = join(ctx.scratchDir, 'console.db');
  copyFileSync(ctx.dbPath!, dbPath);
  const now = parseTimestamp(ctx.now)!;
  const log = createLogger({ level: 'silent' });
  const { config } = loadConfig(join(ctx.repoRoot, 'config'));
  const env = readEnv({});
  const store = await openStore(dbPath);
  let branch: string;
  let alerts: number;
  try {
    const notifiers = createNotifiers(config.channels, env, { log });
    await TICK_HANDLERS.evaluate!({ store, config, env, notifiers, log, now, kind: 'evaluate' });
    await notifiers.close();
    const month = previousPeriod(periodOf('month', now));
    const built = await buildReports(store, config, month, now);
    await saveReports(store, built.reports, built.summaries, now);
    const root = (await store.orgs.list(now)).find((o) => !o.parent)!.code;
    // The branch with the most alerts: its page is the heaviest.
    const perOrg = new Map<string, number>();
    for (const a of await store.alerts.list()) perOrg.set(a.org, (perOrg.get(a.org) ?? 0) + 1);
    branch = [...perOrg].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1))[0]![0];
    alerts = Object.values(await store.alerts.countByState()).reduce((s, n) => s + n, 0);
    await addUser(store, { username: 'bench', org: root, role: 'admin', password: PASSWORD }, 'bench', Date.now());
  } finally {
    await store.close();
  }

  const prefix = `bench-console-${process.pid}`;
  const cfgDir = join(ctx.scratchDir, 'config');
  mkdirSync(cfgDir);
  copyFileSync(join(ctx.repoRoot, 'config/default.yaml'), join(cfgDir, 'default.yaml'));
  copyFileSync(join(ctx.repoRoot, 'config/holidays.yaml'), join(cfgDir, 'holidays.yaml'));
  writeFileSync(join(cfgDir, 'zz-bench.yaml'), 'http:\n  rate_limit_per_minute: 100000\n');
  const child = spawn(process.execPath, [join(ctx.repoRoot, 'bin/orglife.js'), 'daemon'], {
    env: { ...process.env, ORGLIFE_DB: dbPath, ORGLIFE_CONFIG: cfgDir, ORGLIFE_HTTP_PORT: '0', ORGLIFE_QUEUE_PREFIX: prefix, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      let err = '';
      const timer = setTimeout(() => reject(new Error(`daemon did not listen within 120 s: ${err.slice(-2000)}`)), 120_000);
      child.stderr!.on('data', (b: Buffer) => {
        err += b.toString();
        const m = /"msg":"HTTP API listening"/.test(err) ? /"port":(\d+)/.exec(err.slice(err.indexOf('HTTP API listening') - 300)) : null;
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      });
      child.once('exit', (code) => reject(new Error(`daemon exited ${code}: ${err.slice(-2000)}`)));
    });
    const base = `http://127.0.0.1:${port}`;
    const cookie = await signIn(base);
    const urls: Record<(typeof PAGES)[number], string> = {
      ranking: `${base}/console/ranking`,
      alerts: `${base}/console/alerts`,
      branch: `${base}/console/orgs/${encodeURIComponent(branch)}`,
    };
    const metrics: Record<string, number> = { alerts };
    // The floor: a page of the same server that reads nothing (no cookie: the login form).
    await timed(`${base}/console/login`, '');
    const floor: number[] = [];
    for (let i = 0; i < REQUESTS; i++) floor.push(await timed(`${base}/console/login`, ''));
    floor.sort((a, b) => a - b);
    metrics.floorMedianMs = (floor[REQUESTS / 2 - 1]! + floor[REQUESTS / 2]!) / 2;
    for (const page of PAGES) {
      await timed(urls[page], cookie); // warm-up (the ranking board parses the stored reports once)
      const ms: number[] = [];
      for (let i = 0; i < REQUESTS; i++) ms.push(await timed(urls[page], cookie));
      ms.sort((a, b) => a - b);
      metrics[`${page}MedianMs`] = (ms[REQUESTS / 2 - 1]! + ms[REQUESTS / 2]!) / 2;
      metrics[`${page}MaxMs`] = ms.at(-1)!;
    }
    return { metrics, notes: [`branch page of ${branch} (the branch with the most alerts)`] };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    const redis = new Redis(env.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
    redis.disconnect();
  }
}

async function signIn(base: string): Promise<string> {
  const form = await fetch(`${base}/console/login`);
  const html = await form.text();
  const csrf = /name="_csrf" value="([^"]+)"/.exec(html)![1]!;
  const loginCookie = form.headers.getSetCookie().find((c) => c.startsWith('orglife_login_csrf='))!.split(';')[0]!;
  const res = await fetch(`${base}/console/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie: loginCookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: csrf, username: 'bench', password: PASSWORD }),
  });
  const session = res.headers.getSetCookie().find((c) => c.startsWith('orglife_session='));
  if (res.status !== 303 || !session) throw new Error(`sign-in failed: ${res.status}`);
  return session.split(';')[0]!;
}

async function timed(url: string, cookie: string): Promise<number> {
  const t0 = performance.now();
  const res = await fetch(url, { headers: { cookie } });
  await res.text();
  if (res.status !== 200) throw new Error(`${url}: ${res.status}`);
  return performance.now() - t0;
}
