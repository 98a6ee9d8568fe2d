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
import { annotateFindings, type ShownFinding } from '../../src/evaluation/alert-states.js';
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

  it('reads a branch whose open alerts are all of window periods as counts, with the findings of reading every meeting', async () => {
    const config = shippedConfig();
    // B101 and B201: periods their windows judge anyway (and a request evaluateBranch ignores); B102: an older month too.
    const also = new Map([
      ['B101', [{ rule: 'committee-monthly' as const, period: '2026-10' }, { rule: 'assembly-quarterly' as const, period: '2026-Q4' }]],
      ['B201', [{ rule: 'assembly-quorum' as const, period: '2026-Q4' }, { rule: 'term-expiry' as const, period: '2027-03-01' }]],
      ['B102', [{ rule: 'committee-monthly' as const, period: '2026-10' }, { rule: 'committee-monthly' as const, period: '2026-05' }]],
    ]);
    const readInFull: number[] = [];
    let rowReads = 0;
    const facts = new Proxy(t.store.facts, {
      get: (target, prop, receiver) =>
        prop === 'windowMeetings'
          ? (ids: readonly number[], ...rest: [never, never]) => {
              readInFull.push(...ids);
              return target.windowMeetings(ids, ...rest);
            }
          : prop === 'branchesByIds'
            ? (ids: readonly number[]) => {
                rowReads++;
                return target.branchesByIds(ids);
              }
            : Reflect.get(target, prop, receiver),
    });
    const store = new Proxy(t.store, { get: (target, prop, receiver) => (prop === 'facts' ? facts : Reflect.get(target, prop, receiver)) });
    const found = await runCheck(store, config, now, { alsoEvaluate: also });
    const branches = await t.store.facts.branchesByIds(await t.store.facts.allBranchIds());
    expect(readInFull).toEqual(branches.filter((b) => b.code === 'B102').map((b) => b.id));
    expect(rowReads).toBe(1); // one chunk: its branch rows read once, though they chose how to read it
    const all: Finding[] = [];
    for (const b of branches) {
      all.push(...evaluateBranch(b, await t.store.facts.branchMeetingsBetween(b.id, 0, now), rulesFor(config, b.domain), now, also.get(b.code)));
    }
    expect(found.map(key)).toEqual(all.map(key));
    expect(found.map((f) => f.message)).toEqual(all.map((f) => f.message));
    expect(found.map(key)).toContain('B102 committee-monthly warning 2026-05');
    expect(found.map(key)).toContain('B201 assembly-quorum warning 2026-Q4');
  });

  it('hands on every evaluated branch chunk by chunk, clean ones included, in id order', async () => {
    const seen: BranchFindings[][] = [];
    const stats = await forEachBranchFindings(t.store, shippedConfig(), now, (c) => void seen.push(c), { chunkSize: 3 });
    expect(seen.map((c) => c.length)).toEqual([3, 1]);
    expect(seen.flat().map((b) => b.branch.code)).toEqual(['B101', 'B102', 'B201', 'B2A1']);
    expect(stats).toEqual({ branches: 4, branchesWithFindings: 3, findings: { reminder: 1, warning: 3, escalation: 0 } });
  });

  it('reads the next chunks while the handler works on one (three ahead on a server store, one on SQLite), handing them on in order', async () => {
    // A real store; only branchesByIds (read first by every chunk) is counted.
    let started = 0;
    const facts = new Proxy(t.store.facts, {
      get: (target, prop, receiver) =>
        prop === 'branchesByIds'
          ? (ids: readonly number[]) => {
              started++;
              return target.branchesByIds(ids);
            }
          : Reflect.get(target, prop, receiver),
    });
    const store = new Proxy(t.store, { get: (target, prop, receiver) => (prop === 'facts' ? facts : Reflect.get(target, prop, receiver)) });
    const startedBefore: number[] = [];
    const order: string[] = [];
    await forEachBranchFindings(store, shippedConfig(), now, async (c) => {
      startedBefore.push(started);
      await new Promise((r) => setTimeout(r, 20));
      order.push(c[0]!.branch.code);
    }, { chunkSize: 1 });
    expect(order).toEqual(['B101', 'B102', 'B201', 'B2A1']);
    // When chunk k is handed on, chunks up to k + ahead have begun (4 chunks in all).
    expect(startedBefore).toEqual(t.store.kind === 'sqlite' ? [2, 3, 4, 4] : [4, 4, 4, 4]);
  });

  it('awaits an async chunk handler before handing on the next chunk, on this thread and with helpers', async () => {
    for (const workers of [1, 2]) {
      let busy = false;
      const order: string[] = [];
      await forEachBranchFindingsParallel(t.store, shippedConfig(), now, async (c) => {
        expect(busy).toBe(false);
        busy = true;
        await new Promise((r) => setTimeout(r, 20));
        order.push(c[0]!.branch.code);
        busy = false;
      }, { chunkSize: 1, workers, minBranches: 0 });
      expect(order).toEqual(['B101', 'B102', 'B201', 'B2A1']);
    }
  });

  it("with helper threads, this thread's own next chunks are read while it evaluates one (three ahead on a server store, one on SQLite)", async () => {
    // As above, branchesByIds counted on this thread's store (the helper opens its own). A helper under
    // tsx takes far longer to start than this thread's first chunks: those are all this thread's.
    let started = 0;
    const facts = new Proxy(t.store.facts, {
      get: (target, prop, receiver) =>
        prop === 'branchesByIds'
          ? (ids: readonly number[]) => {
              started++;
              return target.branchesByIds(ids);
            }
          : Reflect.get(target, prop, receiver),
    });
    const store = new Proxy(t.store, { get: (target, prop, receiver) => (prop === 'facts' ? facts : Reflect.get(target, prop, receiver)) });
    const startedBefore: number[] = [];
    const order: string[] = [];
    await forEachBranchFindingsParallel(store, shippedConfig(), now, (c) => {
      startedBefore.push(started);
      order.push(c[0]!.branch.code);
    }, { chunkSize: 1, workers: 2, minBranches: 0 });
    expect(order).toEqual(['B101', 'B102', 'B201', 'B2A1']);
    // When the first chunk is handed on: on SQLite the next one has begun; on a server store, the
    // three after it (its own read-ahead refilled once the first was evaluated).
    expect(startedBefore[0]).toBe(t.store.kind === 'sqlite' ? 2 : 4);
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

describe('findings with their standing in the alert store', () => {
  it('marks a finding whose alert is open as told, one without an alert as new, and leaves other orgs alone', async () => {
    const config = shippedConfig();
    const found: ShownFinding[] = await runCheck(t.store, config, now);
    const b101 = found.find((f) => f.org === 'B101')!;
    const opened = await t.store.alerts.reconcile({ orgs: ['B101'], identities: [{ org: 'B101', rule: b101.rule, period: b101.period }], now }, () => ({
      changes: {
        inserts: [{
          row: {
            org: 'B101', rule: b101.rule, period: b101.period, subject: '', state: 'open', level: 'warning', ruleLevel: 'warning', dueAt: b101.dueAt,
            message: b101.message, openedAt: now, updatedAt: now, resolvedAt: null, lastNotifiedAt: null, notifications: 0, repeats: 0,
            ackPlan: null, ackBy: null, ackDeadline: null, ackWho: null, ackAt: null,
          },
          event: { kind: 'opened', level: 'warning', fromLevel: null, reason: 'new' },
          notify: false,
        }],
        updates: [],
      },
      result: 1,
    }));
    expect(opened).toBe(1);
    try {
      await annotateFindings(t.store, config, found);
      expect(found.map((f) => `${f.org} ${f.shown!.state}`)).toEqual(['B101 open', 'B201 new', 'B2A1 new', 'B2A1 new']);
      expect(found[0]!.shown!.alertId).toEqual(expect.any(Number));
      // An org not asked about is not read.
      const standing = await t.store.alerts.standingOf(['B201']);
      expect(standing.alerts).toEqual([]);
      const mine = await t.store.alerts.standingOf(['B101', 'B201']);
      expect(mine.alerts.map((a) => [a.org, a.rule, a.state])).toEqual([['B101', b101.rule, 'open']]);
      expect(mine.warnedAt).toEqual(new Map()); // never delivered
    } finally {
      // Leave the store as the other tests expect it: resolve the alert again.
      await t.store.alerts.amend({ org: 'B101' }, now, ({ alerts }) => ({
        changes: { inserts: [], updates: alerts.map((a) => ({ id: a.id, patch: { state: 'resolved' as const, resolvedAt: now }, event: null, notify: false })) },
        result: null,
      }));
    }
  });
});
