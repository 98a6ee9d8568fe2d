/**
 * The named operations of the port under concurrency: several handles on one database (separate
 * connections, as separate daemons on separate hosts would have) racing for the same tick, the
 * same delivery, the same period's reports and the same phone's SMS budget. Runs on the store
 * tempStore() gives: SQLite (its write lock) and, with ORGLIFE_TEST_STORE=postgres, PostgreSQL
 * (advisory transaction locks, compare-and-set).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Org } from '../../src/domain/types.js';
import { openStore } from '../../src/store/open.js';
import type { Store } from '../../src/store/port.js';
import type { AlertRow } from '../../src/store/types/alerts.js';
import { tempStore, type TempStore } from '../helpers/store.js';

const NOW = Date.UTC(2026, 10, 20, 2, 0);
const DAY = '2026-11-20';
const PHONE = '13800000001';
const CAP = 3;

function org(code: string, over: Partial<Org> = {}): Org {
  return {
    code, name: `组织${code}`, kind: 'branch', parent: 'C1', domain: 'organ', members: 10, groups: 0,
    secretary: '张三', secretaryPhone: PHONE, secretaryEmail: 'zs@example.cn', clerk: null, clerkPhone: null, clerkEmail: null,
    electedOn: null, termYears: null, establishedOn: '2000-01-01', ...over,
  };
}

function newAlert(org: string, period: string): Omit<AlertRow, 'id'> {
  return {
    org, rule: 'committee-monthly', period, subject: '', state: 'open', level: 'reminder', ruleLevel: 'reminder', dueAt: NOW, message: '请按时召开',
    openedAt: NOW, updatedAt: NOW, resolvedAt: null, lastNotifiedAt: NOW, notifications: 1, repeats: 0,
    ackPlan: null, ackBy: null, ackDeadline: null, ackWho: null, ackAt: null,
  };
}

describe('named operations under concurrency (several handles on one database)', () => {
  let t: TempStore;
  let handles: Store[];
  beforeEach(async () => {
    t = await tempStore();
    const s = await t.store.imports.begin();
    await s.beginFile('orgs');
    await s.upsert('orgs', [org('C1', { kind: 'committee', parent: null, domain: null }), ...Array.from({ length: 8 }, (_, i) => org(`B${i + 1}`))], Array.from({ length: 9 }, (_, i) => i + 2), NOW);
    await s.commit();
    handles = [t.store, ...(await Promise.all(Array.from({ length: 3 }, () => openStore(t.spec))))];
  });
  afterEach(async () => {
    for (const h of handles.slice(1)) await h.close();
    await t.cleanup();
  });

  it('a tick is claimed by exactly one of several racing daemons', async () => {
    const claims = await Promise.all(
      handles.flatMap((h, i) => [0, 1].map((k) => h.runs.claimTick({ kind: 'evaluate', tickAt: NOW, jobId: `j${i}${k}`, instanceId: `d${i}${k}`, now: NOW, leaseMs: 60_000 }))),
    );
    expect(claims.filter((c) => c.outcome === 'claimed')).toHaveLength(1);
    const winner = (await t.store.runs.getTick('evaluate', NOW))!.claimedBy;
    await t.store.runs.finishTick('evaluate', NOW, 'done', NOW + 1);
    const again = await Promise.all(handles.map((h, i) => h.runs.claimTick({ kind: 'evaluate', tickAt: NOW, jobId: 'x', instanceId: `d${i}`, now: NOW + 120_000, leaseMs: 60_000 })));
    expect(again.every((c) => c.outcome === 'done')).toBe(true);
    expect(winner).toMatch(/^d\d\d$/);
  });

  it('alerts of one identity are opened once by racing reconciles; the SMS cap holds across racing planners; a delivery is claimed once', async () => {
    // Eight racing reconciles, each opening the alerts of every branch it does not see open yet.
    const reconcileOnce = (h: Store) =>
      h.alerts.reconcile({ orgs: null, identities: [], now: NOW }, (load) => {
        const open = new Set(load.open.map((a) => a.org));
        const inserts = Array.from({ length: 8 }, (_, i) => `B${i + 1}`)
          .filter((o) => !open.has(o))
          .map((o) => ({ row: newAlert(o, '2026-11'), event: { kind: 'opened' as const, level: 'reminder' as const, fromLevel: null, reason: 'new' as const }, notify: true }));
        return { changes: { inserts, updates: [] }, result: inserts.length };
      });
    const opened = await Promise.all([...handles, ...handles].map(reconcileOnce));
    expect(opened.reduce((a, b) => a + b, 0)).toBe(8);
    expect((await t.store.alerts.countByState()).open).toBe(8);

    // Racing planners (as for chunks of different committees), each planning its own two branches' rows
    // as one SMS digest per branch to the same phone while its count (read under the sms-day lock) is
    // below the cap: without the lock each would read 0 and all eight would be planned.
    const planOnce = (h: Store, i: number) =>
      h.outbox.plan({ sendDay: DAY, now: NOW, phonesOf: () => [PHONE] }, (load) => {
        let count = load.smsCounts.get(PHONE) ?? 0;
        const plans = [];
        const notes = new Map<number, string>();
        const mine = new Set([`B${i + 1}`, `B${i + 5}`]);
        for (const e of load.entries.filter((x) => mine.has(x.item.org))) {
          notes.set(e.item.eventId, 'planned');
          if (count >= CAP) continue;
          count++;
          const contacts = { phone: PHONE, email: null, robot: null };
          const model = { recipientName: '张三', robot: false, at: NOW, own: [{ code: e.item.org, name: e.item.org, items: [e.item] }], committees: [], emailCopy: false };
          plans.push({
            digest: { key: `k${e.item.eventId}`, recipientKey: `p:${PHONE}:${e.item.org}`, recipientName: '张三', contacts, route: ['sms' as const], level: 'reminder' as const, model,
              items: [{ eventId: e.item.eventId, alertId: e.item.alertId, org: e.item.org, committee: 'C1', level: 'reminder' as const, role: 'secretary' as const }] },
            sends: [{ logical: 'sms' as const, channel: 'http_sms' as const, recipient: PHONE }],
            keys: [`d${e.item.eventId}`],
          });
        }
        return { write: { plans, notes, notBefore: NOW, sendDay: DAY }, result: plans.length };
      });
    await Promise.all(handles.map(planOnce));
    expect(await t.store.deliveries.smsCounts([PHONE], DAY)).toEqual(new Map([[PHONE, CAP]]));

    // Every handle claims every pending delivery at once: each delivery has exactly one winner.
    const pending = await t.store.deliveries.pending();
    expect(pending).toHaveLength(CAP);
    const claims = await Promise.all(pending.flatMap((p) => handles.map((h, i) => h.deliveries.claim(p.id, `w${i}`, NOW, 60_000).then((c) => ({ id: p.id, c })))));
    for (const p of pending) expect(claims.filter((x) => x.id === p.id && x.c.outcome === 'send'), `delivery ${p.id}`).toHaveLength(1);

    // The winners' sent-marks in one turn (one statement on PostgreSQL): each records one attempt.
    const won = claims.filter((x) => x.c.outcome === 'send');
    await Promise.all(
      won.map((x) =>
        t.store.deliveries.markSent(
          { deliveryId: x.id, channel: 'http_sms', recipient: PHONE, startedAt: NOW, durationMs: 3, providerMessageId: `m${x.id}`, error: null, errorCode: null, permanent: false },
          NOW + 1,
        ),
      ),
    );
    // Claimed again in one turn, twice each by one handle under two owners, and an unknown id: nothing to send.
    const again = await Promise.all([
      ...pending.flatMap((p) => ['a', 'b'].map((o) => t.store.deliveries.claim(p.id, o, NOW + 120_000, 60_000))),
      t.store.deliveries.claim(987_654, 'a', NOW, 60_000),
    ]);
    expect(again).toEqual([...pending.flatMap(() => [{ outcome: 'done', status: 'sent' }, { outcome: 'done', status: 'sent' }]), { outcome: 'done', status: 'missing' }]);
    const list = await t.store.deliveries.list();
    for (const p of pending) expect(list.find((d) => d.id === p.id), `delivery ${p.id}`).toMatchObject({ status: 'sent', attempts: 1, providerMessageId: `m${p.id}`, claimedBy: null });
  });

  it("a period's reports are stored by exactly one of several racing generators", async () => {
    const gen = (h: Store, i: number) =>
      h.reports.storeAndPlan(
        {
          period: '2026-10',
          built: { reports: [{ org: 'B1', period: '2026-10', kind: 'branch', score: 90 + i, grade: 'A', stars: 5, rank: 1, committeeRank: 1, data: { by: i } }], rectifications: [] },
          sendDay: DAY,
          notBefore: NOW,
          now: NOW + i,
          phonesOf: () => [],
        },
        (load) => ({ sends: [], notes: new Map(load.todo.map((r) => [r.id, 'nobody'])), result: load.todo.length }),
      );
    const results = await Promise.all(handles.map(gen));
    expect(results.filter((r) => r.stored)).toHaveLength(1);
    // The mail of the period was planned once, by whichever ran first.
    expect(results.reduce((n, r) => n + r.result, 0)).toBe(1);
    const winner = results.findIndex((r) => r.stored);
    expect(await t.store.reports.stored('B1', '2026-10', 'branch')).toEqual({ by: winner });
  });
});
