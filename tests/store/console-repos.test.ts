/**
 * The console's families of the store port — accounts (users, sessions, lockout, audit), one-tap
 * links, the console's reads — and the one-tap link a won delivery claim stores, through
 * openStore() only: runs on the store tempStore() gives (SQLite, or PostgreSQL with
 * ORGLIFE_TEST_STORE=postgres).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Org } from '../../src/domain/types.js';
import type { LinkAckLoad, Store } from '../../src/store/port.js';
import type { AlertRow } from '../../src/store/types/alerts.js';
import type { NewAckLinkRow, StoredDelivery } from '../../src/store/types/deliveries.js';
import { tempStore, type TempStore } from '../helpers/store.js';

const NOW = Date.UTC(2026, 10, 20, 2, 0);

function org(code: string, over: Partial<Org> = {}): Org {
  return {
    code, name: `组织${code}`, kind: 'branch', parent: 'C1', domain: 'organ', members: 10, groups: 0,
    secretary: '张三', secretaryPhone: '13800000001', secretaryEmail: 'zs@example.cn', clerk: null, clerkPhone: null, clerkEmail: null,
    electedOn: null, termYears: null, establishedOn: '2000-01-01', ...over,
  };
}

function newAlert(o: string, rule: AlertRow['rule'], over: Partial<AlertRow> = {}): Omit<AlertRow, 'id'> {
  return {
    org: o, rule, period: '2026-11', subject: '', state: 'open', level: 'reminder', ruleLevel: 'reminder', dueAt: NOW + 86_400_000, message: '请按时召开',
    openedAt: NOW, updatedAt: NOW, resolvedAt: null, lastNotifiedAt: NOW, notifications: 1, repeats: 0,
    ackPlan: null, ackBy: null, ackDeadline: null, ackWho: null, ackAt: null, ...over,
  };
}

async function seed(store: Store): Promise<void> {
  const s = await store.imports.begin();
  await s.beginFile('orgs');
  await s.upsert('orgs', [org('C0', { kind: 'committee', parent: null, domain: null }), org('C1', { kind: 'committee', parent: 'C0', domain: null }), org('C2', { kind: 'committee', parent: 'C0', domain: null }), org('B1'), org('B2', { parent: 'C2' })], [2, 3, 4, 5, 6], NOW);
  await s.commit();
  await store.alerts.reconcile({ orgs: null, identities: [], now: NOW }, () => ({
    changes: {
      inserts: [
        { row: newAlert('B1', 'committee-monthly'), event: { kind: 'opened', level: 'reminder', fromLevel: null, reason: 'new' }, notify: true },
        { row: newAlert('B1', 'theme-day-monthly', { level: 'escalation' }), event: { kind: 'opened', level: 'escalation', fromLevel: null, reason: 'new' }, notify: false },
        { row: newAlert('B2', 'committee-monthly', { state: 'acknowledged' }), event: { kind: 'opened', level: 'reminder', fromLevel: null, reason: 'new' }, notify: false },
        { row: newAlert('B2', 'lecture-quarterly', { state: 'resolved', period: '2026-Q3' }), event: { kind: 'opened', level: 'reminder', fromLevel: null, reason: 'new' }, notify: false },
      ],
      updates: [],
    },
    result: null,
  }));
}

/** Plan one SMS digest for B1's notified alert; returns the delivery id. */
async function planDelivery(store: Store): Promise<number> {
  await store.outbox.plan({ sendDay: '2026-11-20', now: NOW, phonesOf: () => [] }, (load) => {
    const item = load.entries[0]!.item;
    const contacts = { phone: '13800000001', email: 'zs@example.cn', robot: null };
    const model = { recipientName: '张三', robot: false, at: NOW, own: [{ code: 'B1', name: '组织B1', items: [item] }], committees: [], emailCopy: false };
    return {
      write: {
        plans: [{
          digest: { key: 'k1', recipientKey: 'p:13800000001', recipientName: '张三', contacts, route: ['sms'], level: 'reminder', model,
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
  return (await store.deliveries.pending())[0]!.id;
}

const link = (over: Partial<NewAckLinkRow> = {}): NewAckLinkRow => ({ tokenHash: 'h1', deliveryId: null, recipientName: '张三', recipientKey: 'p:1', alertIds: [1, 2], orgs: ['B1'], expiresAt: NOW + 1000, ...over });

let t: TempStore;
beforeEach(async () => {
  t = await tempStore();
  await seed(t.store);
});
afterEach(async () => t.cleanup());

describe('accounts', () => {
  it('adds a user once (a taken name is null), with its audit entry; reads by name and id', async () => {
    const u = await t.store.accounts.addUser({ username: '李四', org: 'C1', role: 'admin', passwordHash: 'scrypt$x' }, NOW, { actor: 'cli', action: 'user-add', target: '李四', detail: { org: 'C1' }, org: 'C1' });
    expect(u).toMatchObject({ username: '李四', org: 'C1', role: 'admin', disabled: false, failedLogins: 0, lockedUntil: null, createdAt: NOW });
    expect(await t.store.accounts.addUser({ username: '李四', org: 'C2', role: 'viewer', passwordHash: 'y' }, NOW)).toBeNull();
    expect(await t.store.accounts.userById(u!.id)).toEqual(u);
    expect(await t.store.accounts.userByName('李四')).toEqual(u);
    expect(await t.store.accounts.userByName('nobody')).toBeUndefined();
    await t.store.accounts.addUser({ username: 'abc', org: 'C0', role: 'viewer', passwordHash: 'z' }, NOW);
    expect((await t.store.accounts.users()).map((x) => x.username)).toEqual(['abc', '李四']);
    const audit = await t.store.accounts.auditPage({ orgs: null, limit: 10, offset: 0 });
    expect(audit.total).toBe(1);
    expect(audit.rows[0]).toMatchObject({ at: NOW, actor: 'cli', action: 'user-add', target: '李四', org: 'C1' });
    expect(JSON.parse(audit.rows[0]!.detail!)).toEqual({ org: 'C1' });
  });

  it('locks at the fifth failure, counted atomically even when the failures arrive at once', async () => {
    const u = (await t.store.accounts.addUser({ username: 'u', org: 'C1', role: 'viewer', passwordHash: 'x' }, NOW))!;
    const outs = await Promise.all([1, 2, 3, 4, 5].map(() => t.store.accounts.noteFailedLogin(u.id, 5, NOW + 900_000, NOW)));
    expect(outs.filter((o) => o.locked)).toHaveLength(1);
    expect(await t.store.accounts.userById(u.id)).toMatchObject({ failedLogins: 0, lockedUntil: NOW + 900_000 });
    expect((await t.store.accounts.noteFailedLogin(u.id, 5, NOW + 1, NOW)).locked).toBe(false);
    await t.store.accounts.noteGoodLogin(u.id, NOW);
    expect(await t.store.accounts.userById(u.id)).toMatchObject({ failedLogins: 0, lockedUntil: null });
  });

  it('keeps sessions with their user; a new password or disabling ends them; expired ones are pruned', async () => {
    const u = (await t.store.accounts.addUser({ username: 'u', org: 'C1', role: 'viewer', passwordHash: 'x' }, NOW))!;
    const s = { idHash: 'sh1', userId: u.id, csrf: 'c1', createdAt: NOW, lastSeenAt: NOW, expiresAt: NOW + 1000 };
    await t.store.accounts.startSession(s);
    expect(await t.store.accounts.session('sh1')).toEqual({ session: s, user: u });
    await t.store.accounts.touchSession('sh1', NOW + 500, NOW + 5000);
    expect((await t.store.accounts.session('sh1'))!.session).toMatchObject({ lastSeenAt: NOW + 500, expiresAt: NOW + 5000 });
    await t.store.accounts.setPassword(u.id, 'new-hash', NOW + 1, { actor: 'cli', action: 'user-passwd', target: 'u', org: 'C1' });
    expect(await t.store.accounts.session('sh1')).toBeUndefined();
    expect((await t.store.accounts.userById(u.id))!.passwordHash).toBe('new-hash');
    await t.store.accounts.startSession({ ...s, idHash: 'sh2' });
    await t.store.accounts.setDisabled(u.id, true, NOW + 2, { actor: 'cli', action: 'user-disable', target: 'u', org: 'C1' });
    expect(await t.store.accounts.session('sh2')).toBeUndefined();
    expect((await t.store.accounts.userById(u.id))!.disabled).toBe(true);
    await t.store.accounts.setDisabled(u.id, false, NOW + 3);
    expect((await t.store.accounts.userById(u.id))!.disabled).toBe(false);
    await t.store.accounts.startSession({ ...s, idHash: 'sh3', expiresAt: NOW + 10 });
    await t.store.accounts.startSession({ ...s, idHash: 'sh4', expiresAt: NOW + 10_000 });
    expect(await t.store.accounts.pruneSessions(NOW + 100)).toBe(1);
    await t.store.accounts.endSession('sh4');
    expect(await t.store.accounts.session('sh4')).toBeUndefined();
    expect((await t.store.accounts.auditPage({ orgs: ['C1'], limit: 10, offset: 0 })).rows.map((r) => r.action)).toEqual(['user-disable', 'user-passwd']);
  });

  it('pages the audit log newest first, filtered by org codes', async () => {
    await t.store.accounts.audit(
      Array.from({ length: 7 }, (_, i) => ({ actor: `a${i}`, action: 'acknowledge', target: `alert:${i}`, org: i % 2 ? 'B1' : 'B2' })),
      NOW,
    );
    await t.store.accounts.audit([{ actor: 'x', action: 'login' }], NOW + 1);
    const p1 = await t.store.accounts.auditPage({ orgs: null, limit: 3, offset: 0 });
    expect(p1.total).toBe(8);
    expect(p1.rows.map((r) => r.actor)).toEqual(['x', 'a6', 'a5']);
    expect(p1.rows[0]).toMatchObject({ org: null, target: null, detail: null });
    const b1 = await t.store.accounts.auditPage({ orgs: ['B1'], limit: 2, offset: 1 });
    expect(b1).toMatchObject({ total: 3 });
    expect(b1.rows.map((r) => r.actor)).toEqual(['a3', 'a1']);
  });
});

describe('one-tap links', () => {
  it('stores links (hash only), finds them by token and delivery, marks use with audit, revokes', async () => {
    const ids = await t.store.ackLinks.insert([link(), link({ tokenHash: 'h2', deliveryId: 7, recipientKey: 'p:2', alertIds: [3], orgs: ['B2'] })], NOW);
    expect(ids).toHaveLength(2);
    expect(ids[1]).toBeGreaterThan(ids[0]!);
    expect(await t.store.ackLinks.byToken('h1')).toEqual({ id: ids[0], tokenHash: 'h1', deliveryId: null, recipientName: '张三', recipientKey: 'p:1', alertIds: [1, 2], orgs: ['B1'], createdAt: NOW, expiresAt: NOW + 1000, revokedAt: null, usedAt: null });
    expect(await t.store.ackLinks.byToken('nope')).toBeUndefined();
    expect((await t.store.ackLinks.ofDelivery(7)).map((l) => l.tokenHash)).toEqual(['h2']);
    const audit = [{ actor: `link:${ids[0]}`, action: 'link-acknowledge', target: 'B1', detail: { alerts: [1, 2] }, org: 'B1' }];
    await t.store.ackLinks.acknowledge(ids[0]!, NOW + 5, () => ({ changes: { inserts: [], updates: [] }, audit, result: null }));
    expect((await t.store.ackLinks.byToken('h1'))!.usedAt).toBe(NOW + 5);
    expect((await t.store.accounts.auditPage({ orgs: ['B1'], limit: 5, offset: 0 })).rows[0]).toMatchObject({ action: 'link-acknowledge', at: NOW + 5 });
    expect(await t.store.ackLinks.revoke({ recipientKey: 'p:2' }, NOW + 6)).toBe(1);
    expect(await t.store.ackLinks.revoke({ id: ids[1]! }, NOW + 7)).toBe(0);
    expect(await t.store.ackLinks.revoke({ id: ids[0]! }, NOW + 7)).toBe(1);
    expect((await t.store.ackLinks.byToken('h2'))!.revokedAt).toBe(NOW + 6);
  });

  it('acknowledges through a link in one transaction: the alert changes, the link use and the audit, or nothing', async () => {
    const [id] = await t.store.ackLinks.insert([link()], NOW);
    const b1 = await t.store.alerts.activeOf('B1');
    const open = b1.find((a) => a.rule === 'committee-monthly')!;
    const ack = (detail: unknown) => (load: LinkAckLoad) => {
      // What it loads: the link, and per org of the link what alerts.amend loads.
      expect(load.link).toMatchObject({ id, orgs: ['B1'] });
      expect(load.orgs.get('B1')!.orgKind).toBe('branch');
      expect(load.orgs.get('B1')!.alerts.map((a) => a.id).sort()).toEqual(b1.map((a) => a.id).sort());
      const todo = load.orgs.get('B1')!.alerts.filter((a) => a.id === open.id && a.state === 'open');
      return {
        changes: { inserts: [], updates: todo.map((a) => ({ id: a.id, patch: { state: 'acknowledged' as const, ackPlan: '开会', ackAt: NOW + 5 }, event: { kind: 'acknowledged' as const, level: a.level, fromLevel: a.level, reason: 'acknowledged' as const }, notify: false })) },
        audit: todo.length ? [{ actor: `link:${id}`, action: 'link-acknowledge', target: 'B1', detail, org: 'B1' }] : [],
        result: todo.length,
      };
    };
    // An audit that cannot be written (a BigInt is no JSON) after the alert was changed: nothing stays.
    await expect(t.store.ackLinks.acknowledge(id!, NOW + 5, ack({ n: 1n }))).rejects.toThrow();
    expect(await t.store.alerts.get(open.id)).toMatchObject({ state: 'open', ackPlan: null });
    expect((await t.store.ackLinks.byToken('h1'))!.usedAt).toBeNull();
    expect((await t.store.accounts.auditPage({ orgs: null, limit: 5, offset: 0 })).total).toBe(0);
    expect((await t.store.alerts.history(open.id)).map((e) => e.kind)).toEqual(['opened']);
    // The real thing: all three at once.
    expect(await t.store.ackLinks.acknowledge(id!, NOW + 5, ack({ alerts: [open.id] }))).toBe(1);
    expect(await t.store.alerts.get(open.id)).toMatchObject({ state: 'acknowledged', ackPlan: '开会' });
    expect((await t.store.ackLinks.byToken('h1'))!.usedAt).toBe(NOW + 5);
    expect((await t.store.accounts.auditPage({ orgs: null, limit: 5, offset: 0 })).total).toBe(1);
    // A second submit finds nothing open: no change, the first use stays, no second audit entry.
    expect(await t.store.ackLinks.acknowledge(id!, NOW + 9, ack({}))).toBe(0);
    expect((await t.store.ackLinks.byToken('h1'))!.usedAt).toBe(NOW + 5);
    expect((await t.store.accounts.auditPage({ orgs: null, limit: 5, offset: 0 })).total).toBe(1);
    expect((await t.store.alerts.history(open.id)).map((e) => e.kind)).toEqual(['opened', 'acknowledged']);
    // A link that is not there loads as undefined with no org.
    await t.store.ackLinks.acknowledge(999_999, NOW, (load) => {
      expect(load).toEqual({ link: undefined, orgs: new Map() });
      return { changes: { inserts: [], updates: [] }, audit: [], result: null };
    });
  });

  it('a won delivery claim stores the link linkFor names, in the claim; a lost or repeated claim stores none', async () => {
    const id = await planDelivery(t.store);
    const seen: StoredDelivery[] = [];
    const linkFor = (d: StoredDelivery) => (seen.push(d), link({ tokenHash: `tok-${d.id}`, deliveryId: d.id, alertIds: [1] }));
    const c = await t.store.deliveries.claim(id, 'w1', NOW, 60_000, linkFor);
    expect(c.outcome).toBe('send');
    expect(seen.map((d) => d.id)).toEqual([id]);
    expect((await t.store.ackLinks.ofDelivery(id)).map((l) => l.tokenHash)).toEqual([`tok-${id}`]);
    // Another worker loses the claim: linkFor is not asked, nothing stored.
    expect((await t.store.deliveries.claim(id, 'w2', NOW, 60_000, linkFor)).outcome).toBe('busy');
    expect(seen).toHaveLength(1);
    // A linkFor that names no link stores none.
    await t.store.deliveries.markSent({ deliveryId: id, channel: 'http_sms', recipient: '13800000001', startedAt: NOW, durationMs: 1, providerMessageId: 'p', error: null, errorCode: null, permanent: false }, NOW);
    expect((await t.store.deliveries.claim(id, 'w1', NOW, 60_000, linkFor)).outcome).toBe('done');
    expect(await t.store.ackLinks.ofDelivery(id)).toHaveLength(1);
  });
});

describe('console reads', () => {
  it('the org tree and its version', async () => {
    const tree = await t.store.console.orgTree();
    expect(tree.map((o) => o.code)).toEqual(['B1', 'B2', 'C0', 'C1', 'C2']);
    expect(tree.find((o) => o.code === 'B2')).toEqual({ code: 'B2', name: '组织B2', kind: 'branch', parent: 'C2', domain: 'organ' });
    const v = await t.store.console.orgTreeVersion();
    const s = await t.store.imports.begin();
    await s.beginFile('orgs');
    await s.upsert('orgs', [org('B3')], [2], NOW + 10);
    await s.commit();
    expect(await t.store.console.orgTreeVersion()).not.toBe(v);
  });

  it('pages alerts with filters and scope, and counts them by committee and branch', async () => {
    const active = await t.store.console.alertPage({}, null, 10, 0);
    expect(active.total).toBe(3);
    expect(active.rows.map((r) => [r.org, r.state])).toEqual([['B2', 'acknowledged'], ['B1', 'open'], ['B1', 'open']]);
    expect(active.rows[0]).toMatchObject({ orgName: '组织B2', parent: 'C2', rule: 'committee-monthly' });
    expect((await t.store.console.alertPage({ state: 'all' }, null, 10, 0)).total).toBe(4);
    expect((await t.store.console.alertPage({ state: 'resolved' }, null, 10, 0)).rows.map((r) => r.rule)).toEqual(['lecture-quarterly']);
    expect((await t.store.console.alertPage({ state: 'all', committee: 'C1' }, null, 10, 0)).total).toBe(2);
    expect((await t.store.console.alertPage({ level: 'escalation' }, null, 10, 0)).rows.map((r) => r.rule)).toEqual(['theme-day-monthly']);
    expect((await t.store.console.alertPage({ state: 'all' }, ['B2'], 10, 0)).total).toBe(2);
    const page2 = await t.store.console.alertPage({ state: 'all' }, null, 3, 3);
    expect(page2).toMatchObject({ total: 4 });
    expect(page2.rows).toHaveLength(1);
    const by = await t.store.console.openAlertsByCommittee(null);
    expect(by.map((r) => `${r.committee}:${r.level}:${r.state}:${r.n}`).sort()).toEqual(['C1:escalation:open:1', 'C1:reminder:open:1', 'C2:reminder:acknowledged:1']);
    expect((await t.store.console.openAlertsByCommittee(['B2'])).map((r) => r.committee)).toEqual(['C2']);
    const counts = await t.store.console.activeAlertCounts(null);
    expect(counts.get('B1')).toEqual({ org: 'B1', open: 2, acknowledged: 0, escalations: 1 });
    expect(counts.get('B2')).toEqual({ org: 'B2', open: 0, acknowledged: 1, escalations: 0 });
    expect([...(await t.store.console.activeAlertCounts(['B1'])).keys()]).toEqual(['B1']);
    const ids = active.rows.map((r) => r.id);
    expect((await t.store.console.alertsByIds(ids)).map((r) => r.org)).toEqual(['B1', 'B1', 'B2']);
    expect(await t.store.console.alertsByIds([])).toEqual([]);
    expect((await t.store.console.alertsOfOrg('B2', 1)).map((r) => r.state)).toEqual(['resolved']);
  });

  it('deliveries of an alert and a branch, attempts, pending sends, counts and messages sent per month', async () => {
    const id = await planDelivery(t.store);
    const [alert] = (await t.store.console.alertsOfOrg('B1', 10)).filter((a) => a.rule === 'committee-monthly');
    const pending = await t.store.console.pendingSends();
    expect(pending).toEqual([{ id, channel: 'http_sms', recipient: '13800000001', recipientName: '张三', level: 'reminder', notBefore: NOW, createdAt: NOW, items: 1, orgs: 'B1', kind: 'alert' }]);
    expect(await t.store.console.deliveryStatusCounts()).toEqual({ pending: 1, sent: 0, failed: 0, cancelled: 0 });
    await t.store.deliveries.claim(id, 'w', NOW, 60_000);
    await t.store.deliveries.recordFailure({ deliveryId: id, channel: 'http_sms', recipient: '13800000001', startedAt: NOW, durationMs: 3, providerMessageId: null, error: 'timeout', errorCode: null, permanent: false }, NOW);
    await t.store.deliveries.claim(id, 'w', NOW + 1, 60_000);
    const sentAt = Date.UTC(2026, 9, 31, 17, 0); // 1 November 01:00 in Shanghai
    await t.store.deliveries.markSent({ deliveryId: id, channel: 'http_sms', recipient: '13800000001', startedAt: sentAt, durationMs: 4, providerMessageId: 'pm', error: null, errorCode: null, permanent: false }, sentAt);
    const lines = await t.store.console.deliveriesOfAlert(alert!.id);
    expect(lines).toEqual([{ id, channel: 'http_sms', recipient: '13800000001', status: 'sent', notBefore: NOW, sentAt, attempts: 2, lastError: 'timeout', level: 'reminder', recipientName: '张三' }]);
    expect(await t.store.console.deliveriesOfOrg('B1', 5)).toEqual(lines);
    expect(await t.store.console.deliveriesOfOrg('B2', 5)).toEqual([]);
    expect((await t.store.console.attemptsOf([id])).map((a) => [a.attempt, a.error, a.permanent, a.durationMs])).toEqual([[1, 'timeout', 0, 3], [2, null, 0, 4]]);
    expect(await t.store.console.attemptsOf([])).toEqual([]);
    expect(await t.store.console.alertMessagesSent(sentAt, sentAt + 1)).toBe(1);
    expect(await t.store.console.alertMessagesSent(sentAt + 1, sentAt + 2)).toBe(0);
    expect(await t.store.console.alertMessagesPerMonth(Date.UTC(2026, 0, 1))).toEqual([{ month: '2026-11', level: 'reminder', n: 1 }]);
    expect(await t.store.console.pendingSends()).toEqual([]);
  });

  it('stored reports: periods, version, data, per org; recent meetings; last runs', async () => {
    expect(await t.store.console.reportPeriods()).toEqual([]);
    expect(await t.store.console.reportsVersion('2026-10')).toBe('0:0');
    const r = (o: string, period: string) => ({ org: o, period, kind: 'branch' as const, score: 80, grade: '良好', stars: 3, rank: 1, committeeRank: 1, data: { org: o, period } });
    await t.store.reports.store([r('B1', '2026-10'), r('B2', '2026-10'), r('B1', '2026-09')], [], NOW);
    expect(await t.store.console.reportPeriods()).toEqual(['2026-10', '2026-09']);
    expect(await t.store.console.reportsVersion('2026-10')).toBe(`2:${NOW}`);
    expect((await t.store.console.branchReportsData('2026-10')).map((d) => JSON.parse(d).org).sort()).toEqual(['B1', 'B2']);
    expect(await t.store.console.reportsOf('B1')).toEqual([
      { period: '2026-10', kind: 'branch', score: 80, grade: '良好', stars: 3, rank: 1, generatedAt: NOW },
      { period: '2026-09', kind: 'branch', score: 80, grade: '良好', stars: 3, rank: 1, generatedAt: NOW },
    ]);
    const s = await t.store.imports.begin();
    const refs = await s.orgRefs();
    await s.beginFile('meetings');
    await s.upsert('meetings', [1, 2, 3].map((i) => ({ meeting: { id: `m${i}`, org: 'B1', type: 'committee' as const, heldAt: NOW - i * 86_400_000, expected: 5, attended: 4, minutes: true, lecturerRole: null, topic: `议题${i}` }, orgId: refs.get('B1')!.id })), [2, 3, 4], NOW);
    await s.commit();
    expect((await t.store.console.recentMeetingsOf('B1', 2)).map((m) => [m.recordId, m.topic, m.minutes])).toEqual([['m1', '议题1', 1], ['m2', '议题2', 1]]);
    expect(await t.store.console.lastRuns()).toEqual([]);
    const run = await t.store.runs.startRun({ kind: 'evaluate', trigger: 'once', asOf: NOW, now: NOW });
    await t.store.runs.finishRun(run, { status: 'done', now: NOW + 5 });
    expect(await t.store.console.lastRuns()).toEqual([{ kind: 'evaluate', status: 'done', asOf: NOW, startedAt: NOW, finishedAt: NOW + 5 }]);
  });
});
