import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { closePg, LOCKS, maskPgUrl, migratePg, openPg, isPostgresUrl } from '../../src/store/postgres/db.js';
import { openStore } from '../../src/store/open.js';
import { createPgDatabase, type TempPgDatabase } from '../helpers/pg.js';

const made: TempPgDatabase[] = [];
afterAll(async () => {
  for (const d of made) await d.drop();
});

describe('opening the PostgreSQL store', () => {
  it('migrates an empty database once even when several processes open it at the same moment', async () => {
    delete process.env.ORGLIFE_TEST_PG_TEMPLATE; // an empty database, not the run's migrated copy
    const d = await createPgDatabase('open');
    made.push(d);
    const dbs = await Promise.all([openPg(d.url, { max: 2 }), openPg(d.url, { max: 2 }), openPg(d.url, { max: 2 })]);
    try {
      const applied = await dbs[0]!.$client.query('SELECT count(*) AS n FROM drizzle.__drizzle_migrations');
      expect(applied.rows[0].n).toBeGreaterThan(0);
      expect(await migratePg(dbs[1]!)).toBe(0);
      // int8 columns come back as JavaScript numbers, the way SQLite's do.
      const r = await dbs[2]!.$client.query('SELECT 1700000000000::bigint AS t, count(*) AS n FROM orgs');
      expect(r.rows[0]).toEqual({ t: 1700000000000, n: 0 });
    } finally {
      for (const db of dbs) await closePg(db);
    }
  });

  it('opens a database that has the newest migration without the migrate lock (one statement per command)', async () => {
    const d = await createPgDatabase('uptodate');
    made.push(d);
    const db = await openPg(d.url, { max: 2 });
    // Another process holds the migrate lock (say a daemon migrating another database): a database
    // already up to date does not wait for it.
    const holder = new pg.Client({ connectionString: d.url });
    await holder.connect();
    try {
      await holder.query('SELECT pg_advisory_lock($1)', [LOCKS.migrate]);
      const started = Date.now();
      const outcome = await Promise.race([migratePg(db), new Promise<string>((r) => setTimeout(() => r('waited'), 5_000))]);
      expect(outcome).toBe(0);
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      await holder.end();
      await closePg(db);
    }
  });

  it('opens a pool of the connections asked for (orglife check: fewer than the daemon)', async () => {
    const d = await createPgDatabase('conns');
    made.push(d);
    const count = async () => {
      const c = new pg.Client({ connectionString: d.url });
      await c.connect();
      try {
        const r = await c.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'orglife'");
        return r.rows[0].n as number;
      } finally {
        await c.end();
      }
    };
    for (const [connections, most] of [[2, 2], [undefined, 10]] as const) {
      const store = await openStore(d.url, { connections });
      try {
        await Promise.all(Array.from({ length: 8 }, () => store.facts.allBranchIds()));
        const n = await count();
        expect(n).toBeLessThanOrEqual(most);
        if (connections === undefined) expect(n).toBeGreaterThan(2);
      } finally {
        await store.close();
      }
    }
  });

  it("opens through openStore without loading Node's fetch implementation (pg's Cloudflare probe)", () => {
    // In a fresh process: node-postgres probes for Cloudflare Workers when it loads; on Node 20 the probe
    // constructs a Response, which loads undici (~40 ms of every command's start-up).
    const d = process.env.ORGLIFE_TEST_PG_TEMPLATE ?? 'postgres';
    const url = new URL('postgres://postgres@127.0.0.1:5432/');
    url.pathname = `/${d}`;
    const open = fileURLToPath(new URL('../../src/store/open.ts', import.meta.url));
    const script = `const { openStore } = await import(${JSON.stringify(open)});
      const store = await openStore(${JSON.stringify(url.toString())}, { readonly: true, migrate: false });
      await store.close();
      console.log(JSON.stringify({ undici: process.moduleLoadList.some((m) => m.includes('undici')), userAgent: navigator.userAgent }));`;
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 });
    expect(JSON.parse(out.trim().split('\n').at(-1)!)).toEqual({ undici: false, userAgent: `Node.js/${process.versions.node.split('.')[0]}` });
  });

  it('fails in bounded time with a clear error when the server does not answer', async () => {
    await expect(openPg('postgres://postgres@127.0.0.1:1/none')).rejects.toThrow(/ECONNREFUSED|connect/);
  });

  it('masks the password of a URL and tells URLs from paths', () => {
    expect(maskPgUrl('postgres://app:s3cret@db.example:5432/orglife')).toBe('postgres://app:***@db.example:5432/orglife');
    expect(maskPgUrl('postgres://db.example/orglife')).toBe('postgres://db.example/orglife');
    expect(isPostgresUrl('postgresql://x/y')).toBe(true);
    expect(isPostgresUrl('./data/orglife.db')).toBe(false);
  });
});
