/** The CLI's bounded asynchronous file writer: every file written, at most `limit` in flight, the first failure thrown. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { fileWriter } from '../../src/cli/file-writer.js';

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

it('writes every file, never more than the limit in flight', async () => {
  dir = mkdtempSync(join(tmpdir(), 'orglife-fw-'));
  const w = fileWriter(3);
  for (let i = 0; i < 50; i++) await w.write(join(dir, `${i}.txt`), `报告 ${i}`);
  await w.flush();
  for (let i = 0; i < 50; i++) expect(readFileSync(join(dir, `${i}.txt`), 'utf8')).toBe(`报告 ${i}`);
});

it('throws the first failed write (a missing folder) at the next write or at flush', async () => {
  dir = mkdtempSync(join(tmpdir(), 'orglife-fw-'));
  const w = fileWriter(2);
  await w.write(join(dir, 'no-such-folder', 'a.txt'), 'x');
  await expect(w.flush()).rejects.toThrow(/ENOENT/);
});

it('does not keep the process alive when the caller stops before flush()', async () => {
  dir = mkdtempSync(join(tmpdir(), 'orglife-fw-'));
  const script = join(dir, 'quit.mjs');
  const module = JSON.stringify(new URL('../../src/cli/file-writer.ts', import.meta.url).href);
  writeFileSync(script, `const { fileWriter } = await import(${module});\nconst w = fileWriter();\nawait w.write(${JSON.stringify(join(dir, 'a.txt'))}, 'x');\nawait new Promise((r) => setTimeout(r, 200));\nconsole.log('end');\n`);
  const started = Date.now();
  const out = execFileSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8', timeout: 4_000 });
  expect(out.trim()).toBe('end');
  expect(Date.now() - started).toBeLessThan(4_000);
  expect(readFileSync(join(dir, 'a.txt'), 'utf8')).toBe('x');
});

it('writes bytes as given (their buffer handed to the writer thread)', async () => {
  dir = mkdtempSync(join(tmpdir(), 'orglife-fw-'));
  const w = fileWriter(2);
  for (let i = 0; i < 5; i++) await w.write(join(dir, `${i}.html`), new TextEncoder().encode(`<p>报告 ${i}</p>`));
  await w.flush();
  for (let i = 0; i < 5; i++) expect(readFileSync(join(dir, `${i}.html`), 'utf8')).toBe(`<p>报告 ${i}</p>`);
});

it('writes a file given in parts: pieces of about the given size, the first replacing the file and the rest appended', async () => {
  dir = mkdtempSync(join(tmpdir(), 'orglife-fw-'));
  const w = fileWriter(2);
  const parts = Array.from({ length: 100 }, (_, i) => `第${i}行\n`);
  writeFileSync(join(dir, 'big.html'), 'old text that must go');
  await w.writeParts(join(dir, 'big.html'), parts, 64);
  await w.writeParts(join(dir, 'empty.html'), []);
  await w.writeParts(join(dir, 'one.html'), ['只有一段']);
  await w.flush();
  expect(readFileSync(join(dir, 'big.html'), 'utf8')).toBe(parts.join(''));
  expect(readFileSync(join(dir, 'empty.html'), 'utf8')).toBe('');
  expect(readFileSync(join(dir, 'one.html'), 'utf8')).toBe('只有一段');
});
