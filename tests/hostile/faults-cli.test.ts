/**
 * Faults of the machine through the real CLI: a read-only database, an unwritable data folder, a
 * database locked by another process, an HTTP port already taken. Each ends in one bilingual line
 * and the documented exit code, never a stack trace. Root ignores file modes, so the read-only cases
 * run the command as uid 65534 (setpriv).
 */
import { execFile } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const BIN = resolve(import.meta.dirname, '../../bin/orglife.js');
const ORGS = resolve(import.meta.dirname, '../fixtures/import/orgs.csv');
const root = mkdtempSync(join(tmpdir(), 'orglife-faults-'));
chmodSync(root, 0o755);
afterAll(() => rmSync(root, { recursive: true, force: true }));

interface Out { code: number; stdout: string; stderr: string }
function cli(args: string[], env: Record<string, string>, asNobody = false): Promise<Out> {
  const cmd = asNobody ? 'setpriv' : process.execPath;
  const argv = asNobody ? ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, BIN, ...args] : [BIN, ...args];
  return new Promise((done) => {
    execFile(cmd, argv, { env: { ...process.env, LOG_LEVEL: 'silent', HOME: root, ...env }, timeout: 90_000 }, (err, stdout, stderr) => {
      done({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

function expectOneLine(out: Out, code: number, pattern: RegExp): void {
  expect(out.code, out.stderr).toBe(code);
  const text = out.stderr.trim();
  expect(text).toMatch(pattern);
  expect(text).toMatch(/[\u4e00-\u9fff]/);
  expect(text).not.toMatch(/\n\s+at |SqliteError|Error: /);
  expect(text.split('\n')).toHaveLength(1);
}

describe('database faults', () => {
  let roDir: string;
  let roDb: string;
  beforeAll(async () => {
    roDir = join(root, 'ro');
    mkdirSync(roDir);
    roDb = join(roDir, 'orglife.db');
    expect((await cli(['import', ORGS], { ORGLIFE_DB: roDb })).code).toBe(0);
    for (const f of ['orglife.db', 'orglife.db-wal', 'orglife.db-shm']) {
      try { chmodSync(join(roDir, f), 0o444); } catch { /* absent after a checkpoint */ }
    }
    chmodSync(roDir, 0o555);
  }, 120_000);

  it.each([
    ['import', ['import', ORGS]],
    ['check', ['check']],
    ['alerts list', ['alerts', 'list']],
  ])('a read-only database file: %s says so in one line, exit 73', async (_name, args) => {
    expectOneLine(await cli(args, { ORGLIFE_DB: roDb }, true), 73, /orglife\.db/);
  }, 120_000);

  it('an unwritable data folder: import says so in one line, exit 73', async () => {
    const dir = join(root, 'locked-folder');
    mkdirSync(dir);
    chmodSync(dir, 0o555);
    expectOneLine(await cli(['import', ORGS], { ORGLIFE_DB: join(dir, 'data', 'orglife.db') }, true), 73, /locked-folder/);
  }, 120_000);

  it('a missing data folder under an unwritable parent: check says so in one line, exit 73', async () => {
    const parent = join(root, 'nobody-parent');
    mkdirSync(parent);
    chownSync(parent, 0, 0);
    chmodSync(parent, 0o555);
    expectOneLine(await cli(['check'], { ORGLIFE_DB: join(parent, 'missing', 'orglife.db') }, true), 73, /nobody-parent/);
  }, 120_000);

  it('a database locked by another process: import waits, then says so in one line, exit 75', async () => {
    const db = join(root, 'busy.db');
    expect((await cli(['import', ORGS], { ORGLIFE_DB: db })).code).toBe(0);
    const holder = new Database(db);
    holder.exec('BEGIN EXCLUSIVE');
    try {
      expectOneLine(await cli(['import', ORGS], { ORGLIFE_DB: db }), 75, /锁定|locked|busy/);
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
  }, 120_000);
});

describe('a port in use', () => {
  let server: Server;
  let port: number;
  beforeAll(async () => {
    server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    port = (server.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('the daemon says so in one line, exit 76, no EADDRINUSE stack', async () => {
    const out = await cli(['daemon'], { ORGLIFE_DB: join(root, 'port.db'), ORGLIFE_HTTP_PORT: String(port), ORGLIFE_QUEUE_PREFIX: `hardening-port-${process.pid}` });
    expect(out.code, out.stderr).toBe(76);
    const last = out.stderr.trim().split('\n').at(-1)!;
    expect(last).toMatch(new RegExp(`端口 ${port}.*port ${port}`));
    expect(out.stderr).not.toMatch(/\n\s+at |EADDRINUSE:/);
  }, 120_000);
});

describe('Redis unreachable', () => {
  it('daemon --once gives up after redis.connect_timeout_seconds with one bilingual line and exit 69', async () => {
    const cfg = join(root, 'cfg-redis');
    mkdirSync(cfg);
    const shipped = resolve(import.meta.dirname, '../../config');
    for (const f of ['default.yaml', 'holidays.yaml']) copyFileSync(join(shipped, f), join(cfg, f));
    writeFileSync(join(cfg, 'local.yaml'), 'redis:\n  connect_timeout_seconds: 3\n');
    const started = Date.now();
    const out = await cli(['daemon', '--once'], { ORGLIFE_DB: join(root, 'redis.db'), ORGLIFE_CONFIG: cfg, REDIS_URL: 'redis://127.0.0.1:1' });
    expect(Date.now() - started).toBeLessThan(60_000);
    expectOneLine(out, 69, /Redis.*3 秒.*3 s/);
  }, 120_000);
});
