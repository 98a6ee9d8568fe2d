/**
 * What is pending when an org is removed (撤销) and other orgs keep the message alive, on the store
 * tempStore() gives (SQLite, or PostgreSQL with ORGLIFE_TEST_STORE=postgres): a digest planned
 * before the removal that also carries another branch's open alerts is sent without the removed
 * branch's items (rendered from the stored model at claim, items of alerts no longer open left out).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readEnv } from '../../src/config/env.js';
import type { Config } from '../../src/config/schema.js';
import { openPart } from '../../src/delivery/open-items.js';
import type { DigestItem, DigestModel } from '../../src/domain/digest.js';
import { importFiles } from '../../src/import/index.js';
import { TICK_HANDLERS, tickContext } from '../../src/jobs/kinds.js';
import { composedOutbox } from '../../src/jobs/outbox-alerts.js';
import { createNotifiers, type Notifiers } from '../../src/notifiers/registry.js';
import { orglife } from '../check/seed.js';
import { shippedConfig } from '../helpers/config.js';
import { startSmtpServer, type SmtpStandin } from '../helpers/smtp.js';
import { tempStore, type TempStore } from '../helpers/store.js';
import { at, quietLog } from '../jobs/setup.js';

const CITY = join(import.meta.dirname, '../fixtures/reports/city');

let smtp: SmtpStandin;
let t: TempStore;
let notifiers: Notifiers;
let config: Config;
let dir: string;
beforeAll(async () => {
  smtp = await startSmtpServer();
});
afterAll(async () => smtp.close());
beforeEach(async () => {
  smtp.messages.length = 0;
  dir = mkdtempSync(join(tmpdir(), 'orglife-removal-pending-'));
  // B3's secretary is B1's: one person, one digest listing both branches.
  const orgs = readFileSync(join(CITY, 'orgs.csv'), 'utf8').replace('B3,三村党支部,党支部,T1,农村,12,0,钱书记,13800005555,,', 'B3,三村党支部,党支部,T1,农村,12,0,李书记,13800002222,b1@example.com,');
  writeFileSync(join(dir, 'orgs.csv'), orgs);
  writeFileSync(join(dir, 'meetings.csv'), readFileSync(join(CITY, 'meetings.csv')));
  t = await tempStore();
  await importFiles(t.store, [join(dir, 'orgs.csv'), join(dir, 'meetings.csv')], { now: at('2026-11-01T10:00') });
  config = shippedConfig();
  notifiers = createNotifiers(config.channels, readEnv({ SMTP_URL: smtp.url }));
});
afterEach(async () => {
  await notifiers.close();
  await t.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

async function evaluate(now: number): Promise<void> {
  await TICK_HANDLERS.evaluate!(tickContext({ store: t.store, config, env: readEnv({ SMTP_URL: smtp.url }), notifiers, log: quietLog, now, kind: 'evaluate' }));
}

/** The delivery worker's claim → send → mark sent; 'cancelled' when the claim cancels it. */
async function work(id: number, now: number): Promise<string> {
  const outbox = composedOutbox(config);
  const claim = await outbox.claim(t.store, id, 'test-worker', now, 60_000);
  if (claim.outcome !== 'send') return claim.outcome === 'done' ? claim.status : claim.outcome;
  const d = claim.delivery;
  const r = await notifiers.get(d.channel)!.send(d.message);
  await outbox.markSent(t.store, { deliveryId: id, channel: d.channel, recipient: d.recipient, startedAt: now, durationMs: 1, providerMessageId: r.providerMessageId, error: null, errorCode: null, permanent: false }, now);
  return 'sent';
}

describe('a digest planned before a removal', () => {
  it('is sent without the removed branch’s items while another branch’s alerts in it are open', async () => {
    await evaluate(at('2026-11-10T09:00'));
    const pending = (await t.store.deliveries.list()).filter((d) => d.status === 'pending' && d.recipient === 'b1@example.com' && d.digestId !== null);
    expect(pending).toHaveLength(1);
    const before = await t.store.deliveries.get(pending[0]!.id);
    if (before?.carries.kind !== 'digest') throw new Error('expected a digest');
    expect(before.carries.model.own.map((b) => b.code).sort()).toEqual(['B1', 'B3']);

    const removed = await orglife(['orgs', 'remove', 'B3'], { db: t.spec });
    expect(removed.stderr).toBe('');
    expect(await work(pending[0]!.id, at('2026-11-10T10:00'))).toBe('sent');
    const mail = smtp.messages.filter((m) => m.envelope.to.includes('b1@example.com'));
    expect(mail).toHaveLength(1);
    expect(mail[0]!.text).toContain('一村党支部');
    expect(`${mail[0]!.subject}${mail[0]!.text}${mail[0]!.html ?? ''}`).not.toMatch(/B3|三村/);
    // What planning stored is kept; the row is sent once.
    expect((await t.store.deliveries.list()).find((d) => d.id === pending[0]!.id)).toMatchObject({ status: 'sent' });
    expect(await work(pending[0]!.id, at('2026-11-10T10:05'))).toBe('sent');
    expect(smtp.messages.filter((m) => m.envelope.to.includes('b1@example.com'))).toHaveLength(1);
  }, 120_000);
});

describe('openPart', () => {
  const item = (alertId: number, org: string): DigestItem => ({ eventId: alertId * 10, alertId, kind: 'opened', reason: 'new', level: 'escalation', org, rule: 'committee-monthly', period: '2026-10', dueAt: 0, message: `${org} 未开会` });
  const model: DigestModel = {
    recipientName: '王书记',
    robot: false,
    at: 0,
    own: [{ code: 'B9', name: '九村', items: [item(9, 'B9')] }],
    committees: [
      { code: 'T1', name: '甲镇党委', branches: [{ code: 'B1', name: '一村', items: [item(1, 'B1'), item(2, 'B1')] }, { code: 'B3', name: '三村', items: [item(3, 'B3')] }] },
      { code: 'T2', name: '乙镇党委', branches: [{ code: 'B4', name: '四村', items: [item(4, 'B4')] }] },
    ],
    emailCopy: false,
  };
  it('drops the items of closed alerts, then empty branches and committees; keeps the rest', () => {
    const open = openPart(model, [2, 3, 4, 9]);
    expect(open.own).toEqual([]);
    expect(open.committees).toEqual([{ code: 'T1', name: '甲镇党委', branches: [{ code: 'B1', name: '一村', items: [item(1, 'B1')] }] }]);
    expect(openPart(model, [])).toBe(model);
  });
});
