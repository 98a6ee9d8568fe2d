import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort, SHARED_REDIS_URL } from '../helpers/redis.js';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/orglife.js');

/** Run `orglife demo ARGS` from the repository root; resolves with exit code and output. */
function demo(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [BIN, 'demo', ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.on('exit', (code) => done({ code, stdout, stderr }));
  });
}

let out: string;
afterEach(() => rmSync(out, { recursive: true, force: true }));

describe('orglife demo', () => {
  it('runs a small city end to end: mail as .eml files, a masked SMS log, reports and a Chinese summary', async () => {
    out = mkdtempSync(join(tmpdir(), 'orglife-demo-'));
    const r = await demo(['--branches', '24', '--out', out], { REDIS_URL: SHARED_REDIS_URL });
    // Warnings and errors reach the reader as plain lines (src/cli/commands/demo.ts plainWarnings), errors as 错误：….
    expect(r.stderr).not.toMatch(/^错误：/m);
    expect(r.stderr).not.toMatch(/"level":/);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('演示完成');
    expect(r.stdout).toMatch(/24 个党支部/);

    const mails = readdirSync(join(out, 'mail')).filter((f) => f.endsWith('.eml'));
    expect(mails.length).toBeGreaterThan(0);
    expect(readFileSync(join(out, 'mail', mails[0]!), 'utf8')).toMatch(/^Subject: /m);

    const sms = readFileSync(join(out, 'sms.log'), 'utf8').trim().split('\n');
    expect(sms.length).toBeGreaterThan(0);
    expect(sms[0]).toMatch(/\t1\d\d\*\*\*\*\d{4}\ttemplate=/);
    expect(sms.join('\n')).not.toMatch(/(?<!\d)1[3-9]\d{9}(?!\d)/);

    expect(readdirSync(join(out, 'reports', 'branches'))).toHaveLength(24);
    expect(readFileSync(join(out, 'reports', 'index.html'), 'utf8')).toContain('体检报告');
    expect(existsSync(join(out, 'reports', 'ranking-2026-10.xlsx'))).toBe(true);
    expect(existsSync(join(out, 'demo.db'))).toBe(true);
  }, 120_000);

  it('says how to start Redis and exits non-zero when Redis does not answer', async () => {
    out = mkdtempSync(join(tmpdir(), 'orglife-demo-'));
    const r = await demo(['--branches', '5', '--out', out], { REDIS_URL: `redis://127.0.0.1:${await freePort()}` });
    expect(r.code).toBe(69);
    expect(r.stderr).toContain('无法连接 Redis');
    expect(r.stderr).toContain('redis-server --daemonize yes');
    expect(r.stderr).toContain('docker run -d -p 6379:6379 redis:7');
    expect(existsSync(join(out, 'demo.db'))).toBe(false);
  }, 60_000);
});
