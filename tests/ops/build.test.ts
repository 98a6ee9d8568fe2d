import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../..');
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
  }, 120_000);
});
