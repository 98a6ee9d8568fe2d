/**
 * Deputies (副书记 / 组织委员) and a secretary's leave, through the real import, evaluate tick and
 * `orglife leave`, on the store tempStore() gives: while the secretary is on leave the branch's
 * messages go to the deputy; routing.copy_deputy sends the deputy a copy always.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readEnv } from '../../src/config/env.js';
import type { Config } from '../../src/config/schema.js';
import { parseTimestamp } from '../../src/domain/calendar.js';
import { TICK_HANDLERS, tickContext } from '../../src/jobs/kinds.js';
import { createLogger } from '../../src/log.js';
import { createNotifiers } from '../../src/notifiers/registry.js';
import type { Store } from '../../src/store/port.js';
import { orglife } from '../check/seed.js';
import { shippedConfig } from '../helpers/config.js';
import { tempStore, type TempStore } from '../helpers/store.js';

const log = createLogger({ level: 'silent' });
const ORGS = [
  '组织编码,组织名称,组织类别,上级组织编码,领域,党员人数,成立日期,书记姓名,书记邮箱,副书记,副书记邮箱',
  'C1,县委,committee,,,,,,,,',
  'B1,甲村党支部,branch,C1,rural,20,2000-01-01,张书记,zhang@example.cn,李副书记,li@example.cn',
  'B2,乙村党支部,branch,C1,rural,20,2000-01-01,王书记,wang@example.cn,,',
].join('\n');

async function cycle(store: Store, config: Config, iso: string): Promise<void> {
  const env = readEnv({ SMTP_URL: 'smtp://127.0.0.1:9' }); // email counts as available; nothing is sent here
  const notifiers = createNotifiers(config.channels, env, { log });
  try {
    await TICK_HANDLERS.evaluate!(tickContext({ store, config, env, notifiers, log, now: parseTimestamp(iso)!, kind: 'evaluate' }));
  } finally {
    await notifiers.close();
  }
}

const recipients = async (store: Store) => new Set((await store.deliveries.list()).filter((d) => d.channel === 'email').map((d) => d.recipient));

describe('deputies and leave', () => {
  let t: TempStore;
  beforeEach(async () => {
    t = await tempStore();
    const file = join(t.dir, 'orgs.csv');
    writeFileSync(file, ORGS);
    const r = await orglife(['import', file], { db: t.spec });
    expect(r.code, r.stderr).toBe(0);
  });
  afterEach(async () => t.cleanup());

  it('imports the deputy columns; during a leave the deputy gets the messages, the secretary none; without a deputy the secretary still does', async () => {
    expect(await t.store.orgs.get('B1', Date.UTC(2026, 10, 1))).toMatchObject({ deputy: '李副书记', deputyEmail: 'li@example.cn' });
    const add = await orglife(['leave', 'add', '--org', 'B1', '--from', '2026-11-01', '--to', '2026-11-30', '--reason', '外出学习', '--by', '组织部'], { db: t.spec });
    expect(add.stdout).toContain('期间提醒发给副书记 李副书记');
    const noDeputy = await orglife(['leave', 'add', '--org', 'B2', '--from', '2026-11-01', '--to', '2026-11-30'], { db: t.spec });
    expect(noDeputy.stdout).toContain('没有副书记联系方式');
    await cycle(t.store, shippedConfig(), '2026-11-10T09:00');
    const to = await recipients(t.store);
    expect(to.has('li@example.cn')).toBe(true);
    expect(to.has('zhang@example.cn')).toBe(false);
    expect(to.has('wang@example.cn')).toBe(true);
    const bad = await orglife(['leave', 'add', '--org', 'B1', '--from', '2026-11-30', '--to', '2026-11-01'], { db: t.spec });
    expect([bad.code, bad.stderr]).toEqual([1, expect.stringContaining('to：结束日期')]);
    const list = await orglife(['leave', 'list', '--all', '--json'], { db: t.spec });
    expect(list.stdout.trim().split('\n')).toHaveLength(2);
  }, 180_000);

  it("sends the branch's health-check report to the deputy while the secretary is on leave", async () => {
    await orglife(['leave', 'add', '--org', 'B1', '--from', '2026-12-01', '--to', '2026-12-31'], { db: t.spec });
    const env = readEnv({ SMTP_URL: 'smtp://127.0.0.1:9' });
    const config = shippedConfig();
    const notifiers = createNotifiers(config.channels, env, { log });
    try {
      await TICK_HANDLERS.report_monthly!(tickContext({ store: t.store, config, env, notifiers, log, now: parseTimestamp('2026-12-02T09:00')!, kind: 'report_monthly' }));
    } finally {
      await notifiers.close();
    }
    const reports = (await t.store.deliveries.list()).filter((d) => d.reportId !== null && d.channel === 'email').map((d) => d.recipient);
    expect(reports).toContain('li@example.cn');
    expect(reports).not.toContain('zhang@example.cn');
    expect(reports).toContain('wang@example.cn');
  }, 120_000);

  it('copy_deputy: the deputy always gets the secretary\'s messages too', async () => {
    const config = shippedConfig();
    config.routing.copy_deputy = true;
    await cycle(t.store, config, '2026-11-10T09:00');
    const to = await recipients(t.store);
    expect(to.has('li@example.cn')).toBe(true);
    expect(to.has('zhang@example.cn')).toBe(true);
  }, 120_000);

  it('without leave or copy the deputy gets nothing', async () => {
    await cycle(t.store, shippedConfig(), '2026-11-10T09:00');
    const to = await recipients(t.store);
    expect(to.has('zhang@example.cn')).toBe(true);
    expect(to.has('li@example.cn')).toBe(false);
  }, 120_000);
});
