/**
 * The store port's contract, through openStore() only: what every adapter must do. Runs on the
 * store tempStore() gives (SQLite by default).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Org } from '../../src/domain/types.js';
import type { Store } from '../../src/store/port.js';
import type { AlertRow } from '../../src/store/types/alerts.js';
import type { StoredDelivery } from '../../src/store/types/deliveries.js';
import { openStore } from '../../src/store/open.js';
import { StoreMissingError, StoreSpecError } from '../../src/store/errors.js';
import { tempStore, type TempStore } from '../helpers/store.js';

const NOW = Date.UTC(2026, 10, 20, 2, 0);

function org(code: string, over: Partial<Org> = {}): Org {
  return {
    code, name: `组织${code}`, kind: 'branch', parent: 'C1', domain: 'organ', members: 10, groups: 0,
    secretary: '张三', secretaryPhone: '13800000001', secretaryEmail: 'zs@example.cn', clerk: null, clerkPhone: null, clerkEmail: null,
    electedOn: null, termYears: null, establishedOn: '2000-01-01', ...over,
  };
}

async function seed(store: Store): Promise<void> {
  const s = await store.imports.begin();
  await s.beginFile('orgs');
  const rows = [org('C1', { kind: 'committee', parent: null, domain: null }), org('B1'), org('B2', { secretaryPhone: '13800000002' })];
  const r = await s.upsert('orgs', rows, [2, 3, 4], NOW);
  expect(r.outcomes).toEqual(['inserted', 'inserted', 'inserted']);
  const refs = await s.orgRefs();
  await s.beginFile('meetings');
  await s.upsert('meetings', [{ meeting: { id: 'm1', org: 'B1', type: 'committee', heldAt: NOW - 86_400_000, expected: 10, attended: 9, minutes: true, lecturerRole: null, topic: null }, orgId: refs.get('B1')!.id }], [2], NOW);
  await s.record({ file: 'seed', sha256: 'x', table: 'orgs', rows: 3, inserted: 3, updated: 0, unchanged: 0, importedAt: NOW });
  await s.commit();
}

function newAlert(org: string, rule: AlertRow['rule'], period: string): Omit<AlertRow, 'id'> {
  return {
    org, rule, period, subject: '', state: 'open', level: 'reminder', ruleLevel: 'reminder', dueAt: NOW + 86_400_000, message: '请按时召开',
    openedAt: NOW, updatedAt: NOW, resolvedAt: null, lastNotifiedAt: NOW, notifications: 1, repeats: 0,
    ackPlan: null, ackBy: null, ackDeadline: null, ackWho: null, ackAt: null,
  };
}

describe('store port', () => {
  let t: TempStore;
  beforeEach(async () => {
    t = await tempStore();
    await seed(t.store);
  });
  afterEach(async () => t.cleanup());

  it('opens, pings, describes and names its kind', async () => {
    await t.store.ping();
    expect(['sqlite', 'postgres']).toContain(t.store.kind);
    expect(t.store.describe()).not.toMatch(/:[^/@:]+@/); // no password shown
    expect(await t.store.orgs.count()).toBe(3);
    expect((await t.store.orgs.get('B1', NOW))?.secretary).toBe('张三');
    expect((await t.store.facts.countMeetings())).toBe(1);
  });

  it('an import session rolled back writes nothing; duplicates in one file are conflicts', async () => {
    const s = await t.store.imports.begin();
    await s.beginFile('orgs');
    const r = await s.upsert('orgs', [org('B3'), org('B3', { name: '别的名字' })], [2, 3], NOW);
    expect(r.outcomes).toEqual(['inserted', 'conflict']);
    expect(r.conflictLines[1]).toBe(2);
    await s.rollback();
    expect(await t.store.orgs.get('B3', NOW)).toBeUndefined();
  });

  it('reconcile: load → decide → apply, with events and outbox rows; amend sees the alert', async () => {
    const opened = await t.store.alerts.reconcile({ orgs: ['B1'], identities: [{ org: 'B1', rule: 'committee-monthly', period: '2026-11' }], now: NOW }, (load) => {
      expect(load.open).toEqual([]);
      expect(load.others).toEqual([]);
      return {
        changes: { inserts: [{ row: newAlert('B1', 'committee-monthly', '2026-11'), event: { kind: 'opened', level: 'reminder', fromLevel: null, reason: 'new' }, notify: true }], updates: [] },
        result: 1,
      };
    });
    expect(opened).toBe(1);
    const [a] = await t.store.alerts.activeOf('B1');
    expect(a?.rule).toBe('committee-monthly');
    // A decide that throws writes nothing.
    await expect(
      t.store.alerts.reconcile({ orgs: ['B1'], identities: [], now: NOW }, (load) => {
        expect(load.open.map((x) => x.id)).toEqual([a!.id]);
        throw new Error('no');
      }),
    ).rejects.toThrow('no');
    const acked = await t.store.alerts.amend({ org: 'B1' }, NOW + 1, (load) => {
      expect(load.orgKind).toBe('branch');
      return {
        changes: { inserts: [], updates: load.alerts.map((x) => ({ id: x.id, patch: { state: 'acknowledged' as const, ackAt: NOW + 1 }, event: { kind: 'acknowledged' as const, level: x.level, fromLevel: x.level, reason: 'acknowledged' as const }, notify: false })) },
        result: load.alerts.length,
      };
    });
    expect(acked).toBe(1);
    expect((await t.store.alerts.get(a!.id))?.state).toBe('acknowledged');
    expect((await t.store.alerts.history(a!.id)).map((e) => e.kind)).toEqual(['opened', 'acknowledged']);
    expect(await t.store.alerts.countByState()).toEqual({ open: 0, acknowledged: 1, resolved: 0 });
  });

  it('reconcile writes thousands of changes at once: ids and events in the order decided, one outbox row per notifying change, an alert changed twice keeps both changes', async () => {
    const N = 6100; // more than one write chunk of the PostgreSQL adapter (5,000 rows)
    const periods = Array.from({ length: N }, (_, i) => `p${String(i).padStart(5, '0')}`);
    const opened = { kind: 'opened' as const, level: 'reminder' as const, fromLevel: null, reason: 'new' as const };
    await t.store.alerts.reconcile({ orgs: ['B1'], identities: [], now: NOW }, () => ({
      changes: { inserts: periods.map((p, i) => ({ row: { ...newAlert('B1', 'committee-monthly', p), message: `m${i}` }, event: opened, notify: i % 2 === 0 })), updates: [] },
      result: null,
    }));
    const active = await t.store.alerts.activeOf('B1'); // by id
    expect(active.map((a) => a.period)).toEqual(periods);
    const ids = active.map((a) => a.id);
    expect(new Set(ids).size).toBe(N);
    const plannedBefore = await t.store.outbox.plan({ sendDay: '2026-11-20', now: NOW, phonesOf: () => [] }, (load) => ({
      write: { plans: [], notes: new Map(), notBefore: NOW, sendDay: '2026-11-20' },
      result: load.entries.map((e) => [e.item.alertId, e.item.eventId] as const),
    }));
    expect(plannedBefore.result.map(([a]) => a)).toEqual(ids.filter((_, i) => i % 2 === 0));
    // Raise every alert; the first one is also changed a second time in the same set (a later patch wins).
    const raised = { kind: 'raised' as const, level: 'warning' as const, fromLevel: 'reminder' as const, reason: 'level-raised' as const };
    await t.store.alerts.reconcile({ orgs: ['B1'], identities: [], now: NOW + 5 }, () => ({
      changes: {
        inserts: [],
        updates: ids.flatMap((id, i) => [
          { id, patch: i % 3 === 0 ? { level: 'warning' as const } : { level: 'warning' as const, notifications: 2 }, event: raised, notify: i % 2 === 1 },
          ...(i === 0 ? [{ id, patch: { message: 'changed twice' }, event: null, notify: false }] : []),
          ...(i === 1 ? [{ id, patch: {}, event: null, notify: false }] : []), // nothing to write
        ]),
      },
      result: null,
    }));
    const after = await t.store.alerts.activeOf('B1');
    expect(after.every((a) => a.level === 'warning' && a.updatedAt === NOW + 5)).toBe(true);
    expect(after.map((a) => a.notifications)).toEqual(ids.map((_, i) => (i % 3 === 0 ? 1 : 2)));
    expect(after[0]!.message).toBe('changed twice');
    expect(after[1]!.message).toBe('m1');
    expect((await t.store.alerts.history(ids[0]!)).map((e) => e.kind)).toEqual(['opened', 'raised']);
    const planned = await t.store.outbox.plan({ sendDay: '2026-11-20', now: NOW, phonesOf: () => [] }, (load) => ({
      write: { plans: [], notes: new Map(), notBefore: NOW, sendDay: '2026-11-20' },
      result: load.entries.map((e) => [e.item.alertId, e.item.eventId, e.item.kind] as const),
    }));
    const raisedRows = planned.result.filter(([, , k]) => k === 'raised');
    expect(raisedRows.map(([a]) => a)).toEqual(ids.filter((_, i) => i % 2 === 1));
    // Event ids follow the decided order: every raise after every opening, in alert order.
    const eventIds = planned.result.map(([, e]) => e);
    expect(eventIds).toEqual([...eventIds].sort((x, y) => x - y));
    expect(Math.min(...raisedRows.map(([, e]) => e))).toBeGreaterThan(Math.max(...plannedBefore.result.map(([, e]) => e)));
    // A decided insert that already exists aborts the whole set.
    await expect(
      t.store.alerts.reconcile({ orgs: ['B1'], identities: [], now: NOW + 6 }, () => ({
        changes: { inserts: [{ row: newAlert('B1', 'committee-monthly', 'new-one'), event: opened, notify: true }, { row: newAlert('B1', 'committee-monthly', periods[7]!), event: opened, notify: true }], updates: [] },
        result: null,
      })),
    ).rejects.toThrow(/exists already/);
    expect((await t.store.alerts.activeOf('B1')).length).toBe(N);
  });

  it('outbox plan → claim → sent; a second claim is done; giveUp creates the fallback once', async () => {
    await t.store.alerts.reconcile({ orgs: ['B1'], identities: [], now: NOW }, () => ({
      changes: { inserts: [{ row: newAlert('B1', 'committee-monthly', '2026-11'), event: { kind: 'opened', level: 'reminder', fromLevel: null, reason: 'new' }, notify: true }], updates: [] },
      result: null,
    }));
    const { written } = await t.store.outbox.plan({ sendDay: '2026-11-20', now: NOW, phonesOf: (c) => [...c.values()].flatMap((o) => (o.secretaryPhone ? [o.secretaryPhone] : [])) }, (load) => {
      expect(load.entries).toHaveLength(1);
      expect(load.contacts.get('B1')?.secretaryPhone).toBe('13800000001');
      expect(load.contacts.has('C1')).toBe(true); // the parent too
      expect(load.smsCounts.get('13800000001') ?? 0).toBe(0);
      const item = load.entries[0]!.item;
      const contacts = { phone: '13800000001', email: 'zs@example.cn', robot: null };
      const model = { recipientName: '张三', robot: false, at: NOW, own: [{ code: 'B1', name: '组织B1', items: [item] }], committees: [], emailCopy: true };
      return {
        write: {
          plans: [{
            digest: { key: 'k1', recipientKey: 'p:13800000001', recipientName: '张三', contacts, route: ['sms', 'email'], level: 'reminder', model,
              items: [{ eventId: item.eventId, alertId: item.alertId, org: 'B1', committee: 'C1', level: 'reminder', role: 'secretary' }] },
            sends: [{ logical: 'sms', channel: 'http_sms', recipient: '13800000001' }],
            keys: ['d1'],
          }],
          notes: new Map([[item.eventId, 'planned']]),
          notBefore: NOW,
          sendDay: '2026-11-20',
        },
        result: null,
      };
    });
    expect(written).toEqual({ digests: 1, deliveries: 1 });
    expect(await t.store.deliveries.smsCounts(['13800000001'], '2026-11-20')).toEqual(new Map([['13800000001', 1]]));
    const [p] = await t.store.deliveries.pending();
    const c = await t.store.deliveries.claim(p!.id, 'w1', NOW, 60_000);
    expect(c.outcome).toBe('send');
    const d = (c as { delivery: StoredDelivery }).delivery;
    expect(d.carries.kind).toBe('digest');
    expect(d.route).toEqual(['sms', 'email']);
    expect(await t.store.deliveries.claim(p!.id, 'w2', NOW, 60_000)).toEqual({ outcome: 'busy', until: NOW + 60_000 });
    const attempt = { deliveryId: p!.id, channel: 'http_sms' as const, recipient: '13800000001', startedAt: NOW, durationMs: 5, providerMessageId: null, error: 'bad number', errorCode: 'invalid', permanent: true };
    const policy = {
      notBefore: NOW,
      sendDay: '2026-11-20',
      candidates: (x: StoredDelivery) => [{ dedupKey: 'd2', send: { logical: 'email' as const, channel: 'email' as const, recipient: x.contacts.email! } }],
      pick: (cands: readonly { existing: unknown }[]) => (cands[0]!.existing ? { use: cands[0] as never } : { insert: cands[0] as never }),
    };
    const fb = await t.store.deliveries.giveUp(attempt, NOW, policy);
    expect(fb?.channel).toBe('email');
    const again = await t.store.deliveries.giveUp(attempt, NOW, policy); // idempotent: the existing one
    expect(again?.id).toBe(fb!.id);
    expect((await t.store.deliveries.get(p!.id))?.status).toBe('failed');
    expect(await t.store.deliveries.claim(p!.id, 'w1', NOW, 60_000)).toEqual({ outcome: 'done', status: 'failed' });
    const c2 = await t.store.deliveries.claim(fb!.id, 'w1', NOW, 60_000);
    expect(c2.outcome).toBe('send');
    await t.store.deliveries.markSent({ ...attempt, deliveryId: fb!.id, channel: 'email', recipient: 'zs@example.cn', error: null, errorCode: null, permanent: false, providerMessageId: 'pm1' }, NOW + 5);
    expect((await t.store.deliveries.get(fb!.id))?.providerMessageId).toBe('pm1');
    expect((await t.store.deliveries.list()).map((x) => x.status)).toEqual(['failed', 'sent']);
  });

  it('claims a digest that carries no alert (the go-live backlog summary) for sending; it is never stale', async () => {
    const contacts = { phone: null, email: 'admin@example.cn', robot: null };
    const model = { recipientName: '管理员', robot: false, at: NOW, own: [], committees: [], emailCopy: false };
    await t.store.outbox.plan({ sendDay: '2026-11-20', now: NOW, phonesOf: () => [] }, () => ({
      write: {
        plans: [{
          digest: { key: 'backlog-k', recipientKey: 'backlog:2026-01-01:admin@example.cn', recipientName: '管理员', contacts, route: ['email'], level: 'reminder', model, items: [] },
          sends: [{ logical: 'email', channel: 'email', recipient: 'admin@example.cn' }],
          keys: ['backlog-d'],
        }],
        notes: new Map(),
        notBefore: NOW,
        sendDay: '2026-11-20',
      },
      result: null,
    }));
    const [p] = await t.store.deliveries.pending();
    expect((await t.store.deliveries.claim(p!.id, 'w1', NOW, 60_000)).outcome).toBe('send');
    expect((await t.store.deliveries.get(p!.id))?.status).toBe('pending');
  });

  it('batch claims and sent-marks: claimMany answers each id as claim would, in order; markSentMany records every attempt with its sent mark, or nothing', async () => {
    const contacts = { phone: null, email: 'admin@example.cn', robot: null };
    const model = { recipientName: '管理员', robot: false, at: NOW, own: [], committees: [], emailCopy: false };
    const phones = ['13800000011', '13800000012', '13800000013', '13800000014'];
    await t.store.outbox.plan({ sendDay: '2026-11-20', now: NOW, phonesOf: () => [] }, () => ({
      write: {
        plans: [{
          digest: { key: 'batch-k', recipientKey: 'batch', recipientName: '管理员', contacts, route: ['sms'], level: 'reminder', model, items: [] },
          sends: phones.map((recipient) => ({ logical: 'sms' as const, channel: 'http_sms' as const, recipient })),
          keys: phones.map((x) => `batch-${x}`),
        }],
        notes: new Map(),
        notBefore: NOW,
        sendDay: '2026-11-20',
      },
      result: null,
    }));
    const ids = (await t.store.deliveries.pending()).map((p) => p.id);
    expect(ids).toHaveLength(4);
    const [d1, d2, d3, d4] = ids as [number, number, number, number];
    const ok = (id: number, i: number) => ({ deliveryId: id, channel: 'http_sms' as const, recipient: phones[i]!, startedAt: NOW, durationMs: 3, providerMessageId: `pm-${id}`, error: null, errorCode: null, permanent: false });
    // d3 sent by an earlier job, d4 held by another owner.
    expect((await t.store.deliveries.claim(d3, 'earlier', NOW, 60_000)).outcome).toBe('send');
    await t.store.deliveries.markSent(ok(d3, 2), NOW);
    expect((await t.store.deliveries.claim(d4, 'other', NOW, 60_000)).outcome).toBe('send');

    const missing = Math.max(...ids) + 1000;
    const claims = await t.store.deliveries.claimMany([d1, d2, d3, d4, missing], 'w1', NOW + 1, 30_000);
    expect(claims.map((c) => c.outcome)).toEqual(['send', 'send', 'done', 'busy', 'done']);
    expect(claims[2]).toEqual({ outcome: 'done', status: 'sent' });
    expect(claims[3]).toEqual({ outcome: 'busy', until: NOW + 60_000 });
    expect(claims[4]).toEqual({ outcome: 'done', status: 'missing' });
    const won = claims[0] as { delivery: StoredDelivery };
    expect(won.delivery).toMatchObject({ id: d1, recipient: phones[0], attempts: 0, claimedBy: 'w1' });
    // Claimed: another owner is refused, the same owner claims again.
    expect((await t.store.deliveries.claimMany([d1], 'w2', NOW + 2, 30_000))[0]).toEqual({ outcome: 'busy', until: NOW + 1 + 30_000 });

    // One not found: the whole call fails and records nothing.
    await expect(t.store.deliveries.markSentMany([ok(d1, 0), { ...ok(d2, 1), deliveryId: missing }], NOW + 5)).rejects.toThrow();
    expect((await t.store.deliveries.get(d1))).toMatchObject({ status: 'pending', attempts: 0 });
    await t.store.deliveries.markSentMany([ok(d1, 0), ok(d2, 1)], NOW + 5);
    const byId = new Map((await t.store.deliveries.list()).map((x) => [x.id, x]));
    for (const id of [d1, d2]) expect(byId.get(id)).toMatchObject({ status: 'sent', attempts: 1, sentAt: NOW + 5, providerMessageId: `pm-${id}`, claimedBy: null, claimedUntil: null });
    expect(byId.get(d4)).toMatchObject({ status: 'pending', attempts: 0, claimedBy: 'other' });
    // Done now: a batch claimed again (a redelivered batch job) sends nothing.
    expect((await t.store.deliveries.claimMany([d1, d2, d3], 'w3', NOW + 10, 30_000)).map((c) => c.outcome)).toEqual(['done', 'done', 'done']);
  });

  it('epoch marks: enqueuedIn answers only the ids marked in that epoch; a re-mark moves an id to the new epoch', async () => {
    const contacts = { phone: null, email: 'admin@example.cn', robot: null };
    const model = { recipientName: '管理员', robot: false, at: NOW, own: [], committees: [], emailCopy: false };
    await t.store.outbox.plan({ sendDay: '2026-11-20', now: NOW, phonesOf: () => [] }, () => ({
      write: {
        plans: ['a', 'b', 'c'].map((k) => ({
          digest: { key: `k-${k}`, recipientKey: `r-${k}`, recipientName: '管理员', contacts, route: ['email' as const], level: 'reminder' as const, model, items: [] },
          sends: [{ logical: 'email' as const, channel: 'email' as const, recipient: `${k}@example.cn` }],
          keys: [`d-${k}`],
        })),
        notes: new Map(),
        notBefore: NOW,
        sendDay: '2026-11-20',
      },
      result: null,
    }));
    const ids = (await t.store.deliveries.pending()).map((p) => p.id);
    expect(ids).toHaveLength(3);
    const [a, b, c] = ids as [number, number, number];
    expect(await t.store.deliveries.enqueuedIn([], 'e1')).toEqual(new Set());
    expect(await t.store.deliveries.enqueuedIn(ids, 'e1')).toEqual(new Set());
    await t.store.deliveries.markEnqueued([a, b], 'e1', NOW);
    await t.store.deliveries.markEnqueued([c], 'e2', NOW);
    expect(await t.store.deliveries.enqueuedIn([c, b, a, c + 1000], 'e1')).toEqual(new Set([a, b]));
    expect(await t.store.deliveries.enqueuedIn(ids, 'e2')).toEqual(new Set([c]));
    await t.store.deliveries.markEnqueued([a], 'e2', NOW + 1);
    expect(await t.store.deliveries.enqueuedIn(ids, 'e1')).toEqual(new Set([b]));
    expect(await t.store.deliveries.enqueuedIn(ids, 'e2')).toEqual(new Set([a, c]));
    // A long list in one call (the drainer asks about every pending delivery at once).
    const many = Array.from({ length: 5000 }, (_, i) => c + 10 + i);
    expect(await t.store.deliveries.enqueuedIn([...many, b], 'e1')).toEqual(new Set([b]));
  });

  it('planning chunks: a branch without a parent and an alert of an unknown org count under committee "", each row loads in exactly one chunk, and a planned row is never loaded again', async () => {
    // B0 has no parent; B9's parent CX has no row; GHOST has no org row at all (an alert outliving its org).
    const s = await t.store.imports.begin();
    await s.beginFile('orgs');
    await s.upsert('orgs', [org('B0', { parent: null, secretaryPhone: '13800000009' }), org('B9', { parent: 'CX' })], [2, 3], NOW);
    await s.commit();
    const opened = { kind: 'opened' as const, level: 'reminder' as const, fromLevel: null, reason: 'new' as const };
    const byOrg = ['GHOST', 'B9', 'B1', 'B0', 'B2'];
    await t.store.alerts.reconcile({ orgs: byOrg, identities: [], now: NOW }, () => ({
      changes: { inserts: byOrg.map((o) => ({ row: newAlert(o, 'committee-monthly', '2026-11'), event: opened, notify: true })), updates: [] },
      result: null,
    }));
    // '' first: binary code order on both stores.
    expect(await t.store.outbox.unplannedByCommittee()).toEqual([
      { committee: '', rows: 2 },
      { committee: 'C1', rows: 2 },
      { committee: 'CX', rows: 1 },
    ]);
    const orgsOf = (es: readonly { item: { org: string } }[]) => es.map((e) => e.item.org);
    expect(orgsOf(await t.store.outbox.unplanned())).toEqual(byOrg); // oldest event first
    expect(orgsOf(await t.store.outbox.unplanned(['']))).toEqual(['GHOST', 'B0']);
    expect(orgsOf(await t.store.outbox.unplanned(['CX', 'C1']))).toEqual(['B9', 'B1', 'B2']);
    expect(await t.store.outbox.unplanned([])).toEqual([]);
    expect(await t.store.outbox.unplanned(['C9'])).toEqual([]);
    // Plan the '' chunk: both rows load, the unknown org has no contacts (its parent neither), B0's without a parent.
    const note = (id: number) => [id, id % 2 ? 'unreachable: no contact or channel' : 'planned'] as const;
    const first = await t.store.outbox.plan({ sendDay: '2026-11-20', now: NOW, committees: [''], phonesOf: () => [] }, (load) => {
      expect(load.contacts.has('GHOST')).toBe(false);
      expect(load.contacts.get('B0')).toMatchObject({ parent: null, secretaryPhone: '13800000009' });
      return { write: { plans: [], notes: new Map(load.entries.map((e) => note(e.item.eventId))), notBefore: NOW, sendDay: '2026-11-20' }, result: orgsOf(load.entries) };
    });
    expect(first.result).toEqual(['GHOST', 'B0']);
    // Planned rows are gone from the counts and from every later load, the others stay.
    expect(await t.store.outbox.unplannedByCommittee()).toEqual([{ committee: 'C1', rows: 2 }, { committee: 'CX', rows: 1 }]);
    expect(await t.store.outbox.unplanned([''])).toEqual([]);
    const rest = await t.store.outbox.plan({ sendDay: '2026-11-20', now: NOW, phonesOf: () => [] }, (load) => ({
      write: { plans: [], notes: new Map(load.entries.map((e) => note(e.item.eventId))), notBefore: NOW, sendDay: '2026-11-20' },
      result: orgsOf(load.entries),
    }));
    expect(rest.result).toEqual(['B9', 'B1', 'B2']);
    expect(await t.store.outbox.unplannedByCommittee()).toEqual([]);
    expect(await t.store.outbox.unplanned()).toEqual([]);
  });

  it('storeAndPlan stores a period once and plans its mail; the data reads back', async () => {
    const built = {
      reports: [{ org: 'B1', period: '2026-10', kind: 'branch' as const, score: 90, grade: 'A', stars: 4, rank: 1, committeeRank: 1, data: { org: 'B1', hello: '你好' } }],
      rectifications: [{ org: 'B1', rule: 'committee-monthly', problemPeriod: '2026-10', reportPeriod: '2026-10', title: '整改', dueAt: NOW + 1 }],
    };
    const input = { period: '2026-10', built, sendDay: '2026-11-20', notBefore: NOW, now: NOW, phonesOf: () => [] };
    const first = await t.store.reports.storeAndPlan(input, (load) => {
      expect(load.todo.map((r) => r.org)).toEqual(['B1']);
      const id = load.todo[0]!.id;
      return {
        sends: [{ reportId: id, dedupKey: `report:${id}:email:zs@example.cn`, logical: 'email', channel: 'email', recipient: 'zs@example.cn', route: ['email'], contacts: { phone: null, email: 'zs@example.cn', robot: null } }],
        notes: new Map([[id, 'planned']]),
        result: 'ok',
      };
    });
    expect(first).toMatchObject({ result: 'ok', stored: true, rectificationItems: 1, deliveries: 1 });
    const second = await t.store.reports.storeAndPlan(input, (load) => ({ sends: [], notes: new Map(), result: load.todo.length }));
    expect(second).toMatchObject({ result: 0, stored: false, rectificationItems: 0, deliveries: 0 });
    expect(await t.store.reports.stored('B1', '2026-10', 'branch')).toEqual({ org: 'B1', hello: '你好' });
    expect((await t.store.reports.mailState('B1', '2026-10', 'branch'))?.status).toBe('pending');
    const [p] = await t.store.deliveries.pending();
    const c = await t.store.deliveries.claim(p!.id, 'w', NOW, 1000);
    expect(c.outcome === 'send' && c.delivery.carries.kind).toBe('report');
    expect((await t.store.reports.rectifications()).map((r) => r.title)).toEqual(['整改']);
  });

  it('refreshes planner statistics after bulk writes: the tables changed a lot once, then nothing (SQLite: never anything)', async () => {
    const periods = Array.from({ length: 3000 }, (_, i) => `s${String(i).padStart(5, '0')}`);
    const opened = { kind: 'opened' as const, level: 'reminder' as const, fromLevel: null, reason: 'new' as const };
    await t.store.alerts.reconcile({ orgs: ['B1'], identities: [], now: NOW }, () => ({
      changes: { inserts: periods.map((p) => ({ row: newAlert('B1', 'committee-monthly', p), event: opened, notify: false })), updates: [] },
      result: null,
    }));
    const first = await t.store.refreshStatistics();
    if (t.store.kind === 'postgres') expect(first).toEqual(expect.arrayContaining(['alerts', 'alert_events']));
    else expect(first).toEqual([]);
    // Nothing changed since: nothing to analyze again.
    expect(await t.store.refreshStatistics()).toEqual([]);
    expect(await t.store.alerts.activeOf('B1')).toHaveLength(3000);
  });

  it('claims a tick once', async () => {
    const tick = { kind: 'evaluate', tickAt: NOW, jobId: 'j', instanceId: 'a', now: NOW, leaseMs: 60_000 };
    expect(await t.store.runs.claimTick(tick)).toEqual({ outcome: 'claimed', attempts: 1 });
    expect(await t.store.runs.claimTick({ ...tick, instanceId: 'b' })).toEqual({ outcome: 'busy', claimedBy: 'a' });
    await t.store.runs.finishTick('evaluate', NOW, 'done', NOW + 1);
    expect(await t.store.runs.claimTick({ ...tick, instanceId: 'b' })).toEqual({ outcome: 'done' });
    expect((await t.store.runs.getTick('evaluate', NOW))?.status).toBe('done');
  });
});

describe('openStore', () => {
  it('refuses a missing database when told, and an unknown URL scheme', async () => {
    await expect(openStore('/nonexistent-dir-orglife/x.db', { mustExist: true })).rejects.toBeInstanceOf(StoreMissingError);
    await expect(openStore('mysql://u:secret@h/db')).rejects.toBeInstanceOf(StoreSpecError);
    await expect(openStore('mysql://u:secret@h/db')).rejects.not.toThrow(/secret/);
  });
});
