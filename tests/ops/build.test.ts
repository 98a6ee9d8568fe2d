import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { CONFIG_DIR } from '../helpers/config.js';

const exec = promisify(execFile);
/** Each step bounded on its own (a hung compiler says which step hung), the whole test by its timeout. */
const run = (file: string, args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv }) => exec(file, args, { ...opts, timeout: 240_000 });
const ROOT = resolve(import.meta.dirname, '../..');
/** A helper thread's step, bounded: a thread that never answers fails the test naming the step, not by the test's timeout. */
const within = <T>(p: Promise<T>, ms: number, what: string) =>
  Promise.race([p, new Promise<never>((_, fail) => setTimeout(() => fail(new Error(`${what}: no answer within ${ms / 1000} s`)), ms).unref())]);
/**
 * The thread's end, as the daemon waits for it (src/evaluation/parallel.ts, src/reports/live-thread.ts):
 * it ends by itself, or is terminated after a grace — a lingering thread never holds the process (nor
 * this test) up. CI once waited out the test's 300 s here.
 */
const ended = async (w: Worker, graceMs = 10_000) => {
  const exited = new Promise((r) => w.once('exit', r));
  if ((await Promise.race([exited, new Promise((r) => setTimeout(() => r('late'), graceMs).unref())])) === 'late') await w.terminate();
};
const out = mkdtempSync(join(tmpdir(), 'orglife-build-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

// What the Docker image runs: the compiled dist/ (npm run build = tsc + copying the migrations).
describe('the compiled build', () => {
  it('compiles, and the compiled CLI prints its help and creates a database with every migration', async () => {
    const dist = join(out, 'dist');
    // The installed packages, as the image has them beside dist/ (resolution walks up from dist/).
    symlinkSync(join(ROOT, 'node_modules'), join(out, 'node_modules'), 'dir');
    await run(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.build.json'), '--outDir', dist], { cwd: ROOT });
    await run(process.execPath, [join(ROOT, 'scripts/copy-build-assets.mjs'), dist], { cwd: ROOT });
    expect(existsSync(join(dist, 'store/sqlite/migrations/meta/_journal.json'))).toBe(true);
    expect(existsSync(join(dist, 'store/postgres/migrations/meta/_journal.json'))).toBe(true);

    const help = await run(process.execPath, [join(dist, 'cli/main.js'), '--help'], { cwd: out });
    expect(help.stdout).toContain('daemon');
    expect(help.stdout).toContain('demo');

    const db = join(out, 'data', 'orglife.db');
    const migrate = await run(process.execPath, [join(dist, 'cli/main.js'), 'db', 'migrate'], { cwd: out, env: { ...process.env, ORGLIFE_DB: db } });
    expect(migrate.stdout).toMatch(/迁移|migrat/);
    expect(existsSync(db)).toBe(true);

    // The bundle bin/orglife.js runs (scripts/bundle.mjs): same commands, and paths relative to the
    // compiled files (migrations) still resolve, so it creates a database too.
    await run(process.execPath, [join(ROOT, 'scripts/bundle.mjs'), dist], { cwd: ROOT });
    const bundled = join(dist, 'bundle/main.js');
    const help2 = await run(process.execPath, [bundled, '--help'], { cwd: out });
    expect(help2.stdout).toBe(help.stdout);
    const db2 = join(out, 'data', 'bundled.db');
    const migrate2 = await run(process.execPath, [bundled, 'db', 'migrate'], { cwd: out, env: { ...process.env, ORGLIFE_DB: db2 } });
    expect(migrate2.stdout).toMatch(/迁移|migrat/);
    expect(existsSync(db2)).toBe(true);

    // The parallel check's helper thread, bundled too (the bundle's check starts this one): it opens
    // the store, says it is ready and evaluates a chunk.
    const worker = new Worker(pathToFileURL(join(dist, 'bundle/worker.js')), {
      workerData: { spec: db2, config: loadConfig(CONFIG_DIR).config, now: Date.parse('2026-11-28T02:00:00Z') },
    });
    const replies: unknown[] = [];
    await within(new Promise<void>((done, fail) => {
      worker.on('error', fail);
      worker.on('message', (m: { ready?: true; seq?: number }) => {
        replies.push(m);
        if (m.ready) worker.postMessage({ seq: 0, ids: [] });
        else {
          worker.postMessage({ stop: true });
          done();
        }
      });
    }), 60_000, 'the bundled check helper (ready, one chunk)');
    await ended(worker);
    expect(replies).toEqual([{ ready: true }, { seq: 0, chunk: [] }]);

    // The evaluate tick's live-figures helper, bundled too: it opens the store, runs the pass (no
    // branches in this database) and replies once.
    const live = new Worker(pathToFileURL(join(dist, 'bundle/live-worker.js')), {
      workerData: { spec: db2, config: loadConfig(CONFIG_DIR).config, now: Date.parse('2026-11-28T02:00:00Z'), busyTimeoutMs: 5000 },
    });
    const liveReply = await within(
      new Promise<unknown>((done, fail) => {
        live.on('error', fail);
        live.once('message', done);
      }),
      60_000,
      'the bundled live-figures helper',
    );
    await ended(live);
    expect(liveReply).toEqual({ result: { period: '2026-11', written: 0, removed: 0, ms: expect.any(Number) } });
  }, 300_000); // a full tsc compile and an esbuild bundle: ~30 s quiet, past 120 s on a loaded 2-core CI machine
});
