/**
 * `orglife check` on the store tempStore() gives (SQLite, or PostgreSQL through ORGLIFE_DB=postgres://…):
 * the same findings either way. (command.test.ts covers the output in detail, with an alert history,
 * on SQLite; evaluation.test.ts the helper threads, which open the store from its worker spec.)
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { tempStore, type TempStore } from '../helpers/store.js';
import { NOW, orglife, seedCity } from './seed.js';

let t: TempStore;
beforeAll(async () => {
  t = await tempStore();
  await seedCity(t.store);
}, 60_000);
afterAll(async () => t.cleanup());

it('prints the seeded lapses as JSON lines, and the table', async () => {
  const [json, table] = await Promise.all([orglife(['check', '--json', '--at', NOW], { db: t.spec }), orglife(['check', '--at', NOW], { db: t.spec })]);
  expect(table.code, table.stderr).toBe(0);
  expect(table.stdout).toContain('【东街街道党委】（C2）');
  expect(table.stdout).toContain('共 3 个支部存在问题');
  for (const r of [json]) {
    expect(r.code, r.stderr).toBe(0);
    const found = r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { org: string; rule: string; state: string; committeeName: string });
    expect(found.map((f) => `${f.org} ${f.rule} ${f.state}`)).toEqual([
      'B101 committee-monthly new',
      'B201 assembly-quorum new',
      'B2A1 group-monthly new',
      'B2A1 term-expiry new',
    ]);
    expect(found[1]!.committeeName).toBe('东街街道党委');
    expect(r.stderr).toContain('共 3 个支部存在问题');
  }
}, 120_000);
