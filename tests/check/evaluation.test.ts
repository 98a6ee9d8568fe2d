import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempStore, type TempStore } from '../helpers/store.js';
import { shippedConfig } from '../helpers/config.js';
import { parseTimestamp } from '../../src/domain/calendar.js';
import type { Finding } from '../../src/domain/types.js';
import { rulesFor } from '../../src/config/load.js';
import { evaluateBranch } from '../../src/rules/index.js';
import {
  forEachBranchFindings,
  forEachBranchFindingsParallel,
  runCheck,
  UnknownOrgError,
  type BranchFindings,
} from '../../src/evaluation/index.js';
import { NOW, seedCity } from './seed.js';

const now = parseTimestamp(NOW)!;
const key = (f: Finding) => `${f.org} ${f.rule} ${f.level} ${f.period}`;
let t: TempStore;

beforeAll(async () => {
  t = await tempStore();
  await seedCity(t.store);
}, 60_000);
afterAll(async () => t.cleanup());

describe('runCheck on a real store', () => {
  it('finds exactly the seeded lapses, with record ids as meeting ids', async () => {
    const found = await runCheck(t.store, shippedConfig(), now);
    expect(found.map(key)).toEqual([
      'B101 committee-monthly warning 2026-10',
      'B201 assembly-quorum warning 2026-Q4',
      'B2A1 group-monthly warning 2026-10',
      'B2A1 term-expiry reminder 2027-03-01',
    ]);
    expect(found.find((f) => f.rule === 'assembly-quorum')!.meetingIds).toEqual(['B201-q4-as2']);
  });

  it('loads enough of the history: the same findings as evaluating every stored meeting', async () => {
    const config = shippedConfig();
    let compared = 0;
    for (const when of [now, parseTimestamp('2026-01-02T10:00')!, parseTimestamp('2025-07-03T00:00')!]) {
      const all: Finding[] = [];
      for (const b of await t.store.facts.branchesByIds(await t.store.facts.allBranchIds())) {
        all.push(...evaluateBranch(b, await t.store.facts.branchMeetingsBetween(b.id, 0, when), rulesFor(config, b.domain), when));
      }
      const viaWindow = await runCheck(t.store, config, when);
      expect(viaWindow.map(key)).toEqual(all.map(key));
      expect(viaWindow.map((f) => f.message)).toEqual(all.map((f) => f.message));
      compared += all.length;
    }
    expect(compared).toBeGreaterThan(4);
  });

  it('limits the check to a branch, or to every branch under a committee and its sub-committees', async () => {
    const config = shippedConfig();
    expect(new Set((await runCheck(t.store, config, now, { org: 'C2' })).map((f) => f.org))).toEqual(new Set(['B201', 'B2A1']));
    expect((await runCheck(t.store, config, now, { org: 'B101' })).map(key)).toEqual(['B101 committee-monthly warning 2026-10']);
    expect(await runCheck(t.store, config, now, { org: 'B102' })).toEqual([]);
  });

  it('rejects an unknown organization code', async () => {
    await expect(runCheck(t.store, shippedConfig(), now, { org: 'NOPE' })).rejects.toThrow(UnknownOrgError);
  });

  it('re-evaluates an older period when asked, loading its meetings from the store', async () => {
    const config = shippedConfig();
    const also = new Map([
      ['B102', [{ rule: 'committee-monthly' as const, period: '2026-05' }]],
      ['B101', [{ rule: 'committee-monthly' as const, period: '2026-05' }]],
    ]);
    const found = (await runCheck(t.store, config, now, { alsoEvaluate: also })).filter((f) => f.org === 'B101' || f.org === 'B102');
    expect(found.map(key)).toEqual(['B101 committee-monthly warning 2026-10', 'B102 committee-monthly warning 2026-05']);
  });

  it('hands on every evaluated branch chunk by chunk, clean ones included, in id order', async () => {
    const seen: BranchFindings[][] = [];
    const stats = await forEachBranchFindings(t.store, shippedConfig(), now, (c) => void seen.push(c), { chunkSize: 3 });
    expect(seen.map((c) => c.length)).toEqual([3, 1]);
    expect(seen.flat().map((b) => b.branch.code)).toEqual(['B101', 'B102', 'B201', 'B2A1']);
    expect(stats).toEqual({ branches: 4, branchesWithFindings: 3, findings: { reminder: 1, warning: 3, escalation: 0 } });
  });

  it('gives the same chunks, in the same order, when worker threads evaluate them', async () => {
    const config = shippedConfig();
    const serial: BranchFindings[][] = [];
    await forEachBranchFindings(t.store, config, now, (c) => void serial.push(c), { chunkSize: 1 });
    const parallel: BranchFindings[][] = [];
    const stats = await forEachBranchFindingsParallel(t.store, config, now, (c) => void parallel.push(c), {
      chunkSize: 1,
      workers: 2,
      minBranches: 0,
      evaluateHere: false,
    });
    expect(parallel).toEqual(serial);
    expect(stats.findings).toEqual({ reminder: 1, warning: 3, escalation: 0 });
  });
});
