/**
 * Exemptions in the real evaluate cycle and in `orglife check`: a committee's exemption covers its
 * branches — no alert is opened and nothing is sent for them, an alert opened before the exemption
 * resolves as 已豁免, `check` shows the findings as 已豁免 with the reason and does not count them
 * for --fail-on; branches outside it are warned as before; once it ends, lapses due outside it come back.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readEnv } from '../../src/config/env.js';
import { parseTimestamp } from '../../src/domain/calendar.js';
import { TICK_HANDLERS, tickContext } from '../../src/jobs/kinds.js';
import { createLogger } from '../../src/log.js';
import { createNotifiers } from '../../src/notifiers/registry.js';
import type { Store } from '../../src/store/port.js';
import { branch, committee, insertOrgs, orglife } from '../check/seed.js';
import { shippedConfig } from '../helpers/config.js';
import { tempStore, type TempStore } from '../helpers/store.js';

const log = createLogger({ level: 'silent' });
const config = shippedConfig();

async function cycle(store: Store, iso: string): Promise<Record<string, unknown>> {
  const env = readEnv({});
  const notifiers = createNotifiers(config.channels, env, { log });
  try {
    return (await TICK_HANDLERS.evaluate!(tickContext({ store, config, env, notifiers, log, now: parseTimestamp(iso)!, kind: 'evaluate' }))) ?? {};
  } finally {
    await notifiers.close();
  }
}

describe('exemptions in the cycle and in check', () => {
  let t: TempStore;
  beforeEach(async () => {
    t = await tempStore();
    await insertOrgs(t.store, [
      committee('C1', '县委'),
      committee('T1', '甲镇党委', 'C1'),
      committee('T2', '乙镇党委', 'C1'),
      branch('B1', '甲村党支部', 'T1'),
      branch('B2', '乙村党支部', 'T2'),
    ]);
  });
  afterEach(async () => t.cleanup());

  it('exempt branches get no alerts; an earlier alert resolves as 已豁免; check shows 已豁免 and --fail-on ignores it', async () => {
    // Before any exemption: both branches lag (no meetings at all) and get alerts.
    await cycle(t.store, '2026-11-10T09:00');
    const before = await t.store.alerts.list({ open: true });
    expect(new Set(before.map((a) => a.org))).toEqual(new Set(['B1', 'B2']));
    await t.store.exemptions.add({ org: 'T1', rule: null, startsOn: '2026-11-01', endsOn: '2027-01-31', reason: '乡镇合并', approver: '县委组织部', createdBy: 'test' }, Date.now());
    const stats = await cycle(t.store, '2026-11-20T09:00');
    expect(stats.exempted).toBeGreaterThan(0);
    const open = await t.store.alerts.list({ open: true });
    expect(new Set(open.map((a) => a.org))).toEqual(new Set(['B2']));
    const b1 = before.filter((a) => a.org === 'B1');
    for (const a of b1) {
      const history = await t.store.alerts.history(a.id);
      expect(history.at(-1)).toMatchObject({ kind: 'resolved', reason: 'exempted' });
    }
    // A third cycle: still nothing about B1 (no new alert, no repeat).
    await cycle(t.store, '2026-11-27T09:00');
    expect((await t.store.alerts.list({ open: true })).some((a) => a.org === 'B1')).toBe(false);
    for (const a of b1) expect((await t.store.alerts.history(a.id)).at(-1)?.kind).toBe('resolved');

    const text = await orglife(['check', '--at', '2026-11-20T09:00'], { db: t.spec });
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/已豁免.*乡镇合并，县委组织部批准，2026-11-01 至 2027-01-31/);
    const json = await orglife(['check', '--at', '2026-11-20T09:00', '--json', '--org', 'B1'], { db: t.spec });
    const lines = json.stdout.trim().split('\n').map((l) => JSON.parse(l) as { state: string; stateName: string });
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every((l) => l.state === 'exempted' && l.stateName === '已豁免')).toBe(true);
    const failOn = await orglife(['check', '--at', '2026-11-20T09:00', '--org', 'B1', '--fail-on', 'reminder'], { db: t.spec });
    expect(failOn.code).toBe(0); // exempt findings do not fail the gate
    const b2 = await orglife(['check', '--at', '2026-11-20T09:00', '--org', 'B2', '--fail-on', 'reminder'], { db: t.spec });
    expect(b2.code).toBe(3);
  }, 180_000);
});
