/**
 * Shared set-up of the operations tests: a config folder of our own (the shipped files plus a
 * local.yaml the test rewrites), a town whose branches hold no records, and helpers to read a
 * child daemon's JSON log.
 */
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { importRecords } from '../../src/import/index.js';
import type { Store } from '../../src/store/port.js';
import { CONFIG_DIR } from '../helpers/config.js';

export const BIN = resolve(import.meta.dirname, '../../bin/orglife.js');

/** Friday 27 Nov 2026, 09:00 Beijing time: a working day inside the sending hours. */
export const TICK_AT = Date.parse('2026-11-27T09:00:00+08:00');

/** A config folder: the shipped default.yaml and holidays.yaml plus local.yaml with `local`. */
export function configDir(local: string): { dir: string; write(local: string): void; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'orglife-config-'));
  for (const f of ['default.yaml', 'holidays.yaml']) copyFileSync(join(CONFIG_DIR, f), join(dir, f));
  const write = (text: string) => writeFileSync(join(dir, 'local.yaml'), text);
  write(local);
  return { dir, write, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Deliveries go out at any hour on any day (the child daemons run on the real clock). */
export const ANY_TIME = "delivery:\n  quiet_hours: { start: '00:00', end: '00:00', working_days_only: false }\n  backoff_ms: 100\n";

/** Committee C01 and `n` branches with secretaries' emails and no meetings at all. */
export async function seedTown(store: Store, n: number): Promise<void> {
  await importRecords(
    store,
    'orgs',
    [
      { code: 'C01', name: '城关镇党委', kind: 'committee', parent: '' },
      ...Array.from({ length: n }, (_, i) => ({
        code: `B${String(i + 1).padStart(2, '0')}`,
        name: `第${i + 1}党支部`,
        kind: 'branch',
        parent: 'C01',
        domain: 'community',
        members: 20,
        secretary: `书记${i + 1}`,
        secretary_email: `sec${i + 1}@example.cn`,
        established_on: '2020-01-01',
      })),
    ],
    'tests/ops',
    { now: TICK_AT },
  );
}

/** Parsed JSON lines of a pino log text (non-JSON lines skipped). */
export function logLines(text: string): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      out.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      // a partial line still being written
    }
  }
  return out;
}
