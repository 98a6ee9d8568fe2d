/** The CLI's bounded asynchronous file writer: every file written, at most `limit` in flight, the first failure thrown. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
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
