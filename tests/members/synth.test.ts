/** The synthetic city with rosters and sign-ins (opt-in): files the importer accepts whole, member rules on them. */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { join } from 'node:path';
import { writeCityFiles } from '../../src/synth/write.js';
import { countByLevel } from '../../src/synth/index.js';
import { importFiles } from '../../src/import/index.js';
import { runCheck } from '../../src/evaluation/check.js';
import { config } from '../rules/build.js';
import { tempStore, type TempStore } from '../helpers/store.js';
import { NOW } from '../import/helpers.js';

let t: TempStore;
beforeEach(async () => {
  t = await tempStore();
});
afterEach(async () => t.cleanup());

it('writes rosters and sign-ins only when asked, and they import and check cleanly', async () => {
  const plain = writeCityFiles({ branches: 5, out: join(t.dir, 'plain') });
  expect(plain.memberFiles).toBeUndefined();
  const info = writeCityFiles({ branches: 12, out: join(t.dir, 'city'), members: true, partRows: 2000 });
  expect(info.memberFiles!.members).toBeGreaterThan(12);
  expect(info.memberFiles!.attendance.length).toBeGreaterThan(1);
  const again = writeCityFiles({ branches: 12, out: join(t.dir, 'again'), members: true, partRows: 2000 });
  expect(again.memberFiles!.signIns).toBe(info.memberFiles!.signIns); // deterministic
  await importFiles(t.store, [info.orgsFile, ...info.meetingFiles, info.memberFiles!.roster, ...info.memberFiles!.attendance], { now: NOW });
  const stored = await t.store.members.counts();
  expect(stored).toMatchObject({ members: info.memberFiles!.members, signIns: info.memberFiles!.signIns });
  const findings = await runCheck(t.store, config(), Date.parse('2026-11-28T01:00:00Z'));
  // The generator's expectations include the member rules: the same count per rule and per level.
  const byRule: Record<string, number> = {};
  for (const f of findings) byRule[f.rule] = (byRule[f.rule] ?? 0) + 1;
  expect(byRule).toEqual(info.expectedByRule);
  expect(info.expectedByRule['member-absence']).toBeGreaterThan(0);
  expect(countByLevel(findings)).toEqual(info.expected);
  // Sign-ins match the reported attendance, so no mismatch.
  expect(findings.filter((f) => f.rule === 'attendance-mismatch').map((f) => f.message)).toEqual([]);
  // Rotation reaches every member of a branch that keeps meeting: a warned member's whole branch has
  // stopped (the generator's lax branches stop holding meetings), so all its current members are warned.
  const warned = new Map<string, Set<string>>();
  for (const f of findings) if (f.rule === 'member-absence' && f.level === 'warning') (warned.get(f.org) ?? warned.set(f.org, new Set()).get(f.org)!).add(f.member!);
  const roster = await t.store.members.rosterCounts('2026-11-28');
  for (const [org, members] of warned) expect(members.size, org).toBeGreaterThanOrEqual(roster.get(org)! - 1);
});
