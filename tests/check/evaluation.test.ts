import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDb, type TempDb } from '../helpers/db.js';
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
import { branchMeetingsBetween, branchesByIds, allBranchIds } from '../../src/store/sqlite/facts.js';
import { NOW, seedCity } from './seed.js';

const now = parseTimestamp(NOW)!;
const key = (f: Finding) => `${f.org} ${f.rule} ${f.level} ${f.period}`;
let t: TempDb;

beforeAll(() => {
  t = tempDb();
  seedCity(t.db);
});
afterAll(() => t.cleanup());

describe('runCheck on a real SQLite file', () => {
  it('finds exactly the seeded lapses, with record ids as meeting ids', () => {
    const found = runCheck(t.db, shippedConfig(), now);
    expect(found.map(key)).toEqual([
      'B101 committee-monthly warning 2026-10',
      'B201 assembly-quorum warning 2026-Q4',
      'B2A1 group-monthly warning 2026-10',
      'B2A1 term-expiry reminder 2027-03-01',
    ]);
    expect(found.find((f) => f.rule === 'assembly-quorum')!.meetingIds).toEqual(['B201-q4-as2']);
  });

  it('loads enough of the history: the same findings as evaluating every stored meeting', () => {
    const config = shippedConfig();
    let compared = 0;
    for (const when of [now, parseTimestamp('2026-01-02T10:00')!, parseTimestamp('2025-07-03T00:00')!]) {
      const all = branchesByIds(t.db, allBranchIds(t.db)).flatMap((b) =>
        evaluateBranch(b, branchMeetingsBetween(t.db, b.id, 0, when), rulesFor(config, b.domain), when),
      );
      const viaWindow = runCheck(t.db, config, when);
      expect(viaWindow.map(key)).toEqual(all.map(key));
      expect(viaWindow.map((f) => f.message)).toEqual(all.map((f) => f.message));
      compared += all.length;
    }
    expect(compared).toBeGreaterThan(4);
  });

  it('limits the check to a branch, or to every branch under a committee and its sub-committees', () => {
    const config = shippedConfig();
    expect(new Set(runCheck(t.db, config, now, { org: 'C2' }).map((f) => f.org))).toEqual(new Set(['B201', 'B2A1']));
    expect(runCheck(t.db, config, now, { org: 'B101' }).map(key)).toEqual(['B101 committee-monthly warning 2026-10']);
    expect(runCheck(t.db, config, now, { org: 'B102' })).toEqual([]);
  });

  it('rejects an unknown organization code', () => {
    expect(() => runCheck(t.db, shippedConfig(), now, { org: 'NOPE' })).toThrow(UnknownOrgError);
  });

  it('re-evaluates an older period when asked, loading its meetings from the store', () => {
    const config = shippedConfig();
    const also = new Map([
      ['B102', [{ rule: 'committee-monthly' as const, period: '2026-05' }]],
      ['B101', [{ rule: 'committee-monthly' as const, period: '2026-05' }]],
    ]);
    const found = runCheck(t.db, config, now, { alsoEvaluate: also }).filter((f) => f.org === 'B101' || f.org === 'B102');
    expect(found.map(key)).toEqual(['B101 committee-monthly warning 2026-10', 'B102 committee-monthly warning 2026-05']);
  });

  it('hands on every evaluated branch chunk by chunk, clean ones included, in id order', () => {
    const seen: BranchFindings[][] = [];
    const stats = forEachBranchFindings(t.db, shippedConfig(), now, (c) => seen.push(c), { chunkSize: 3 });
    expect(seen.map((c) => c.length)).toEqual([3, 1]);
    expect(seen.flat().map((b) => b.branch.code)).toEqual(['B101', 'B102', 'B201', 'B2A1']);
    expect(stats).toEqual({ branches: 4, branchesWithFindings: 3, findings: { reminder: 1, warning: 3, escalation: 0 } });
  });

  it('gives the same chunks, in the same order, when worker threads evaluate them', async () => {
    const config = shippedConfig();
    const serial: BranchFindings[][] = [];
    forEachBranchFindings(t.db, config, now, (c) => serial.push(c), { chunkSize: 1 });
    const parallel: BranchFindings[][] = [];
    const stats = await forEachBranchFindingsParallel(t.db, t.path, config, now, (c) => parallel.push(c), {
      chunkSize: 1,
      workers: 2,
      minBranches: 0,
      evaluateHere: false,
    });
    expect(parallel).toEqual(serial);
    expect(stats.findings).toEqual({ reminder: 1, warning: 3, escalation: 0 });
  });
});
