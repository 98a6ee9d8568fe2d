/**
 * Removing an org (撤销) through the real CLI, the real evaluate tick and the real report tick, on
 * the store tempStore() gives (SQLite, or PostgreSQL with ORGLIFE_TEST_STORE=postgres): its open
 * alerts resolve as 组织已撤销, its pending digests and report mail are cancelled instead of sent, it
 * is no longer evaluated or reported, a committee with children is refused (bilingual, naming the
 * field) unless --with-children, the removal is audited, and importing the code again re-activates it.
 */
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readEnv } from '../../src/config/env.js';
import type { Config } from '../../src/config/schema.js';
import { importFiles, importRecords, ImportRejected } from '../../src/import/index.js';
import { TICK_HANDLERS, tickContext } from '../../src/jobs/kinds.js';
import { composedOutbox } from '../../src/jobs/outbox-alerts.js';
import { createNotifiers, type Notifiers } from '../../src/notifiers/registry.js';
import { runReportTick } from '../../src/reports/generate.js';
import { orglife } from '../check/seed.js';
import { shippedConfig } from '../helpers/config.js';
import { startSmtpServer, type SmtpStandin } from '../helpers/smtp.js';
import { tempStore, type TempStore } from '../helpers/store.js';
import { at, quietLog } from '../jobs/setup.js';

const CITY = join(import.meta.dirname, '../fixtures/reports/city');
const FILES = ['orgs.csv', 'meetings.csv'].map((f) => join(CITY, f));

let smtp: SmtpStandin;
let t: TempStore;
let notifiers: Notifiers;
let config: Config;
beforeAll(async () => {
  smtp = await startSmtpServer();
});
afterAll(async () => smtp.close());
beforeEach(async () => {
  smtp.messages.length = 0;
  t = await tempStore();
  await importFiles(t.store, FILES, { now: at('2026-11-01T10:00') });
  config = shippedConfig();
  notifiers = createNotifiers(config.channels, readEnv({ SMTP_URL: smtp.url }));
});
afterEach(async () => {
  await notifiers.close();
  await t.cleanup();
});

async function evaluate(now: number): Promise<Record<string, unknown>> {
  return (await TICK_HANDLERS.evaluate!(tickContext({ store: t.store, config, env: readEnv({ SMTP_URL: smtp.url }), notifiers, log: quietLog, now, kind: 'evaluate' }))) ?? {};
}

/** The delivery worker's claim → send → mark sent for one delivery; 'cancelled' when the claim cancels it. */
async function work(id: number, now: number): Promise<string> {
  const outbox = composedOutbox(config);
  const claim = await outbox.claim(t.store, id, 'test-worker', now, 60_000);
  if (claim.outcome !== 'send') return claim.outcome === 'done' ? claim.status : claim.outcome;
  const d = claim.delivery;
  const r = await notifiers.get(d.channel)!.send(d.message);
  await outbox.markSent(t.store, { deliveryId: id, channel: d.channel, recipient: d.recipient, startedAt: now, durationMs: 1, providerMessageId: r.providerMessageId, error: null, errorCode: null, permanent: false }, now);
  return 'sent';
}

describe('orglife orgs remove', () => {
  it('resolves the open alerts as 组织已撤销, cancels what is pending for it, stops evaluating and reporting it; a re-import re-activates it', async () => {
    const first = await evaluate(at('2026-11-10T09:00'));
    const openB1 = (await t.store.alerts.list({ open: true })).filter((a) => a.org === 'B1');
    expect(openB1.length).toBeGreaterThan(0);
    await runReportTick({ store: t.store, config, available: notifiers.enabled, log: quietLog }, 'month', at('2026-11-10T09:30'));
    const toB1 = (await t.store.deliveries.list()).filter((d) => d.status === 'pending' && /^b1/.test(d.recipient));
    expect(toB1.some((d) => d.reportId !== null)).toBe(true);
    expect(toB1.some((d) => d.reportId === null)).toBe(true);

    // A committee with branches is refused unless the subtree goes with it: bilingual, naming the option, no stack.
    const refused = await orglife(['orgs', 'remove', 'T1'], { db: t.spec });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/withChildren：T1 下还有 3 个未撤销的下级组织（B1、B2、B3）.*--with-children.*\/ T1 still has 3 active child orgs/);
    expect(refused.stderr).not.toMatch(/\n\s+at /);
    expect(await t.store.orgs.removed()).toEqual([]);

    const removed = await orglife(['orgs', 'remove', 'B1', '--reason', '并入二村党支部', '--by', '县委组织部'], { db: t.spec });
    expect(removed.stderr).toBe('');
    expect(removed.stdout).toContain(`已撤销组织 B1；${openB1.length} 条未处理的预警以“组织已撤销”关闭`);
    for (const a of openB1) {
      expect(await t.store.alerts.get(a.id)).toMatchObject({ state: 'resolved' });
      expect((await t.store.alerts.history(a.id)).at(-1)).toMatchObject({ kind: 'resolved', reason: 'org-removed' });
    }
    // Kept for history, listed apart.
    expect(await t.store.orgs.get('B1', Date.now())).toMatchObject({ code: 'B1', removedAt: expect.any(Number) });
    expect((await t.store.orgs.list(Date.now())).map((o) => o.code)).not.toContain('B1');
    const list = await orglife(['orgs', 'list', '--removed'], { db: t.spec });
    expect(list.stdout).toMatch(/^B1 {2}一村党支部 {2}党支部 {2}上级：T1 {2}撤销于 .* {2}原因：并入二村党支部\n$/);
    expect((await orglife(['orgs', 'list'], { db: t.spec })).stdout).not.toContain('B1');
    const audit = await t.store.accounts.auditPage({ orgs: ['B1'], limit: 10, offset: 0 });
    expect(audit.rows).toMatchObject([{ actor: '县委组织部', action: 'org-remove', target: 'org:B1', org: 'B1' }]);
    expect(JSON.parse(String(audit.rows[0]!.detail))).toMatchObject({ reason: '并入二村党支部' });
    expect((await orglife(['orgs', 'remove', 'B1'], { db: t.spec })).stderr).toContain('code：组织 B1 已撤销 / org B1 is removed already');

    // Nothing pending for it is sent: digests (alerts no longer open) and report mail (org removed).
    for (const d of toB1) expect(await work(d.id, at('2026-11-10T10:00'))).toBe('cancelled');
    expect(smtp.messages.filter((m) => m.envelope.to.some((r) => r.startsWith('b1')))).toHaveLength(0);

    // The next tick neither evaluates nor re-opens it; the next month's reports leave it out.
    const next = await evaluate(at('2026-11-20T09:00'));
    expect(next.branches).toBe((first.branches as number) - 1);
    expect((await t.store.alerts.list({ open: true })).some((a) => a.org === 'B1')).toBe(false);
    await runReportTick({ store: t.store, config, available: notifiers.enabled, log: quietLog }, 'month', at('2026-12-02T09:30'));
    expect(await t.store.reports.stored('B1', '2026-11', 'branch')).toBeUndefined();
    expect(await t.store.reports.stored('B2', '2026-11', 'branch')).toBeDefined();

    // The same code imported again: active again, evaluated again.
    await importFiles(t.store, [FILES[0]!], { now: at('2026-11-25T10:00') });
    expect(await t.store.orgs.removed()).toEqual([]);
    expect((await t.store.orgs.get('B1', Date.now()))?.removedAt).toBeUndefined();
    const back = await evaluate(at('2026-11-26T09:00'));
    expect(back.branches).toBe(first.branches);
  }, 120_000);

  it('removes a committee with its subtree (--with-children); the tick resolves alerts of orgs removed without it', async () => {
    await evaluate(at('2026-11-10T09:00'));
    const open = await t.store.alerts.list({ open: true });
    expect(open.some((a) => a.org === 'B2')).toBe(true);
    // An org marked removed some other way (a crash between marking and resolving): the tick sweeps its alerts.
    await t.store.orgs.remove(['B2'], null, at('2026-11-11T09:00'), []);
    const swept = await evaluate(at('2026-11-12T09:00'));
    expect(swept.orgRemoved).toBe(open.filter((a) => a.org === 'B2').length);
    expect((await t.store.alerts.list({ open: true })).some((a) => a.org === 'B2')).toBe(false);

    const r = await orglife(['orgs', 'remove', 'T1', '--with-children'], { db: t.spec });
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('已撤销组织 T1及其下 2 个下级组织（B1、B3）');
    expect((await t.store.orgs.removed()).map((o) => o.code)).toEqual(['B1', 'B2', 'B3', 'T1']);
    expect(await t.store.alerts.list({ open: true })).toEqual([]);
    expect((await evaluate(at('2026-11-13T09:00'))).branches).toBe(0);

    // Re-importing a branch alone under its committee that stays removed is refused (bilingual, naming the field);
    // importing the committee with it re-activates both.
    const b1 = { code: 'B1', name: '一村党支部', kind: 'branch', parent: 'T1', domain: 'rural', members: 25, established_on: '2010-01-01' };
    const refused = await importRecords(t.store, 'orgs', [b1], 'orgs.json', { now: at('2026-11-14T09:00') }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ImportRejected);
    expect(JSON.stringify((refused as ImportRejected).issues)).toContain('上级组织「T1」已撤销；请在本次导入中同时导入该组织以恢复它');
    expect(JSON.stringify((refused as ImportRejected).issues)).toContain('parent org \\"T1\\" was removed');
    expect((await t.store.orgs.removed()).map((o) => o.code)).toEqual(['B1', 'B2', 'B3', 'T1']);
    await importRecords(t.store, 'orgs', [{ code: 'T1', name: '甲镇党委', kind: 'committee', parent: 'CITY' }, b1], 'orgs.json', { now: at('2026-11-14T09:00') });
    expect((await t.store.orgs.removed()).map((o) => o.code)).toEqual(['B2', 'B3']);
    expect((await evaluate(at('2026-11-15T09:00'))).branches).toBe(1);
  }, 120_000);
});
