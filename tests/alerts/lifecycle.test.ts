import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rulesFor } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';
import { evaluationScope, explicitScope, reconcile } from '../../src/alerts/index.js';
import type { Finding } from '../../src/domain/types.js';
import { evaluateBranch, type MeetingFacts } from '../../src/rules/index.js';
// Runs on the store of the run (tempStore in ../helpers/store.js): SQLite or PostgreSQL.
import { at, cityStore, finding, testConfig, type AlertTestStore } from './fixtures.js';

let t: AlertTestStore;
beforeEach(async () => {
  t = await cityStore();
});
afterEach(async () => t.cleanup());

const outboxRows = () => t.count('SELECT count(*) FROM alert_outbox');
const eventRows = () => t.count('SELECT count(*) FROM alert_events');
const alertOf = async (org: string, rule: string, period: string) =>
  (await t.store.alerts.list({ org })).find((a) => a.rule === rule && a.period === period)!;
const history = (id: number) => t.store.alerts.history(id);
const reconcileNow = (findings: Finding[], scope: Parameters<typeof reconcile>[2], config: Config, now: number) => reconcile(t.store, findings, scope, config, now);

/** Only committee-monthly switched on, so the real rules produce just the findings under test. */
function onlyCommitteeMonthly(): Config {
  return testConfig((c) => {
    for (const [id, r] of Object.entries(c.rules)) (r as { enabled: boolean }).enabled = id === 'committee-monthly';
  });
}

const B1 = { code: 'B1', groups: 0, establishedOn: '2000-01-01', electedOn: null, termYears: null, domain: 'organ' as const };
const committeeMeeting = (id: string, heldAt: string): MeetingFacts => ({
  id, type: 'committee', heldAt: at(heldAt), expected: 7, attended: 7, minutes: true, lecturerRole: null,
});

/** One daily cycle for B1 with the real rules: evaluate (with open alerts re-checked) and reconcile. */
async function cycle(config: Config, meetings: MeetingFacts[], iso: string) {
  const now = at(iso);
  const also = await t.store.alerts.openPeriods();
  const findings = evaluateBranch(B1, meetings, rulesFor(config, 'organ'), now, also.get('B1'));
  return reconcile(t.store, findings, evaluationScope([B1], config, now, also), config, now);
}

describe('the alert lifecycle with the real rules', async () => {
  it('opens a reminder, raises it to a warning, resolves it when the late record arrives and never warns again', async () => {
    const config = onlyCommitteeMonthly();
    const held = [committeeMeeting('m-sep', '2026-09-10T09:00')];

    const r1 = await cycle(config, held, '2026-10-25T08:30');
    expect(r1).toMatchObject({ opened: 1, outbox: 1 });
    expect(await alertOf('B1', 'committee-monthly', '2026-10')).toMatchObject({ state: 'open', level: 'reminder' });

    const r2 = await cycle(config, held, '2026-11-04T08:30');
    expect(r2).toMatchObject({ opened: 0, raised: 1, outbox: 1 });
    expect(await alertOf('B1', 'committee-monthly', '2026-10')).toMatchObject({ state: 'open', level: 'warning' });

    // The October meeting was held on the 20th but recorded only now.
    const late = [...held, committeeMeeting('m-oct', '2026-10-20T09:00')];
    const r3 = await cycle(config, late, '2026-11-05T08:30');
    expect(r3).toMatchObject({ resolved: 1, outbox: 0 });
    const a = await alertOf('B1', 'committee-monthly', '2026-10');
    expect(a).toMatchObject({ state: 'resolved', resolvedAt: at('2026-11-05T08:30') });

    for (const day of ['2026-11-06', '2026-11-09', '2026-11-12', '2026-11-20']) {
      expect(await cycle(config, late, `${day}T08:30`)).toMatchObject({ opened: 0, reopened: 0, repeated: 0, outbox: 0 });
    }
    expect(await outboxRows()).toBe(2);
    expect((await history(a.id)).map((e) => `${e.kind}:${e.reason}:${e.level}`)).toEqual([
      'opened:new:reminder',
      'raised:level-raised:warning',
      'resolved:late-record:warning',
    ]);
  });

  it('resolves the old alerts of a rule whose period changed (quarterly → monthly) instead of orphaning them', async () => {
    const only = (c: Config) => {
      for (const [id, r] of Object.entries(c.rules)) (r as { enabled: boolean }).enabled = id === 'lecture-quarterly';
    };
    await cycle(testConfig(only), [], '2026-10-08T08:30');
    expect(await alertOf('B1', 'lecture-quarterly', '2026-Q3')).toMatchObject({ state: 'open', level: 'warning' });
    const monthly = testConfig((c) => {
      only(c);
      c.rules['lecture-quarterly'].period = 'month';
    });
    await cycle(monthly, [], '2026-10-09T08:30');
    const a = await alertOf('B1', 'lecture-quarterly', '2026-Q3');
    expect(a.state).toBe('resolved');
    expect((await history(a.id)).at(-1)).toMatchObject({ kind: 'resolved', reason: 'period-changed' });
    expect(await alertOf('B1', 'lecture-quarterly', '2026-09')).toMatchObject({ state: 'open' });
  });

  it('resolves a reminder as met on time when the meeting is recorded before the period ends', async () => {
    const config = onlyCommitteeMonthly();
    const held = [committeeMeeting('m-sep', '2026-09-10T09:00')];
    await cycle(config, held, '2026-10-26T08:30');
    await cycle(config, [...held, committeeMeeting('m-oct', '2026-10-27T15:00')], '2026-10-28T08:30');
    const a = await alertOf('B1', 'committee-monthly', '2026-10');
    expect(a.state).toBe('resolved');
    expect((await history(a.id)).at(-1)).toMatchObject({ kind: 'resolved', reason: 'met-on-time' });
  });

  it('keeps an alert whose period left the evaluation window open until its period is re-checked', async () => {
    const config = onlyCommitteeMonthly();
    await reconcileNow([finding('B1', 'committee-monthly', '2026-08', 'warning')], explicitScope([]), config, at('2026-09-05T08:30'));
    // On 5 November the window of committee-monthly is November and October only.
    const now = at('2026-11-05T08:30');
    const r = await reconcileNow([], evaluationScope([B1], config, now), config, now);
    expect(r.resolved).toBe(0);
    expect((await alertOf('B1', 'committee-monthly', '2026-08')).state).toBe('open');
    // Re-checked through alsoEvaluate (what openAlertPeriods feeds the evaluator) and clean: resolved.
    const also = await t.store.alerts.openPeriods();
    expect(also.get('B1')).toEqual([{ rule: 'committee-monthly', period: '2026-08' }]);
    const r2 = await reconcileNow([], evaluationScope([B1], config, now, also), config, now);
    expect(r2.resolved).toBe(1);
    expect((await alertOf('B1', 'committee-monthly', '2026-08')).state).toBe('resolved');
  });

  it('does not resolve the alerts of a branch that was not evaluated in this run', async () => {
    const config = testConfig();
    await reconcileNow([finding('B3', 'theme-day-monthly', '2026-10', 'warning')], explicitScope([]), config, at('2026-11-04T08:30'));
    const now = at('2026-11-05T08:30');
    await reconcileNow([], evaluationScope([B1], config, now), config, now);
    expect((await alertOf('B3', 'theme-day-monthly', '2026-10')).state).toBe('open');
  });

  it('resolves the alerts of a rule an admin switched off, saying so', async () => {
    const config = testConfig((c) => (c.rules['theme-day-monthly'].enabled = false));
    await reconcileNow([finding('B1', 'theme-day-monthly', '2026-10', 'warning')], explicitScope([]), config, at('2026-11-04T08:30'));
    const now = at('2026-11-05T08:30');
    await reconcileNow([], evaluationScope([B1], config, now), config, now);
    const a = await alertOf('B1', 'theme-day-monthly', '2026-10');
    expect(a.state).toBe('resolved');
    expect((await history(a.id)).at(-1)?.reason).toBe('rule-disabled');
  });
});

describe('reconcile', async () => {
  const config = testConfig();
  const findings: Finding[] = [
    finding('B1', 'committee-monthly', '2026-10', 'warning'),
    finding('B1', 'theme-day-monthly', '2026-10', 'warning'),
    finding('B2', 'assembly-quarterly', '2026-Q3', 'escalation'),
  ];
  const scope = explicitScope(findings);

  it('is idempotent: the same findings at the same time change nothing the second time', async () => {
    const now = at('2026-11-04T08:30');
    expect(await reconcileNow(findings, scope, config, now)).toMatchObject({ opened: 3, outbox: 3 });
    const snapshot = async () => ({ events: await eventRows(), outbox: await outboxRows(), alerts: await t.rows('SELECT * FROM alerts ORDER BY id') });
    const before = await snapshot();
    expect(await reconcileNow(findings, scope, config, now)).toEqual({
      findings: 3, opened: 0, raised: 0, lowered: 0, repeated: 0, reopened: 0, resolved: 0, unchanged: 3, outbox: 0, history: 0,
    });
    expect(await snapshot()).toEqual(before);
  });

  it('writes the alert, its event and its outbox row together, or none of them', async () => {
    // A finding for a rule id the events table cannot take would fail mid-run; nothing of the run may stay.
    const bad = { ...finding('B1', 'review-yearly', '2026', 'warning'), level: 'nonsense' } as unknown as Finding;
    if (t.store.kind === 'sqlite') {
      await t.exec(`CREATE TRIGGER reject_nonsense BEFORE INSERT ON alert_events WHEN NEW.level = 'nonsense' BEGIN SELECT RAISE(ABORT, 'bad level'); END`);
    } else {
      await t.exec(`CREATE FUNCTION reject_nonsense() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW.level = 'nonsense' THEN RAISE EXCEPTION 'bad level'; END IF; RETURN NEW; END $$`);
      await t.exec('CREATE TRIGGER reject_nonsense BEFORE INSERT ON alert_events FOR EACH ROW EXECUTE FUNCTION reject_nonsense()');
    }
    await expect(reconcileNow([...findings, bad], explicitScope([]), config, at('2026-11-04T08:30'))).rejects.toThrow(/bad level/);
    expect([await t.count('SELECT count(*) FROM alerts'), await eventRows(), await outboxRows()]).toEqual([0, 0, 0]);
  });

  it('repeats an open, unacknowledged alert after each repeat_after_days gap, at most max_repeats times', async () => {
    const cfg = testConfig((c) => Object.assign(c.alerts, { repeat_after_days: [3], max_repeats: 2 }));
    const f = [finding('B1', 'committee-monthly', '2026-10', 'warning')];
    const days = ['04', '05', '06', '07', '08', '09', '10', '11', '12', '13', '14', '15', '16'];
    const repeatedOn: string[] = [];
    for (const d of days) {
      // A tick a few seconds earlier than the day before still counts as a new calendar day.
      const r = await reconcileNow(f, explicitScope(f), cfg, at(`2026-11-${d}T08:29:5${d === '07' ? 0 : 9}`));
      if (r.repeated) repeatedOn.push(d);
    }
    expect(repeatedOn).toEqual(['07', '10']);
    expect(await outboxRows()).toBe(3);
    expect(await alertOf('B1', 'committee-monthly', '2026-10')).toMatchObject({ notifications: 3, repeats: 2 });
  });

  it('slows repeats down: after 3, then 7, then every 14 days, up to the maximum of the current level', async () => {
    const cfg = testConfig((c) => Object.assign(c.alerts, { repeat_after_days: [3, 7, 14], max_repeats: { reminder: 1, warning: 4, escalation: 1 } }));
    const f = [finding('B1', 'committee-monthly', '2026-10', 'warning')];
    const repeatedOn: string[] = [];
    // Told on 4 Nov; repeats on 7 Nov (+3), 14 Nov (+7), 28 Nov (+14), 12 Dec (+14), then the maximum (4) is reached.
    for (let now = at('2026-11-04T08:30'); now <= at('2027-01-31T08:30'); now += 86_400_000) {
      const r = await reconcileNow(f, explicitScope(f), cfg, now);
      if (r.repeated) repeatedOn.push(new Date(now + 8 * 3_600_000).toISOString().slice(0, 10));
    }
    expect(repeatedOn).toEqual(['2026-11-07', '2026-11-14', '2026-11-28', '2026-12-12']);
    expect(await alertOf('B1', 'committee-monthly', '2026-10')).toMatchObject({ repeats: 4, notifications: 5 });
  });

  it('takes max_repeats per level: a reminder stops after its own maximum', async () => {
    const cfg = testConfig((c) => Object.assign(c.alerts, { repeat_after_days: [1], max_repeats: { reminder: 1, warning: 5, escalation: 5 } }));
    const f = [finding('B1', 'minutes-missing', '2026-11', 'reminder')];
    const repeats: number[] = [];
    for (const d of ['2026-11-10', '2026-11-11', '2026-11-12', '2026-11-13']) repeats.push((await reconcileNow(f, explicitScope(f), cfg, at(`${d}T08:30`))).repeated);
    expect(repeats).toEqual([0, 1, 0, 0]);
  });

  it('notifies again when the level rises, and restarts the repeat count for the new level', async () => {
    const cfg = testConfig((c) => Object.assign(c.alerts, { repeat_after_days: [1], max_repeats: 1 }));
    const warn = [finding('B1', 'committee-monthly', '2026-10', 'warning')];
    const esc = [finding('B1', 'committee-monthly', '2026-10', 'escalation')];
    const kinds = [
      await reconcileNow(warn, explicitScope(warn), cfg, at('2026-11-04T08:30')),
      await reconcileNow(warn, explicitScope(warn), cfg, at('2026-11-05T08:30')),
      await reconcileNow(warn, explicitScope(warn), cfg, at('2026-11-06T08:30')),
      await reconcileNow(esc, explicitScope(esc), cfg, at('2026-11-11T08:30')),
      await reconcileNow(esc, explicitScope(esc), cfg, at('2026-11-12T08:30')),
      await reconcileNow(esc, explicitScope(esc), cfg, at('2026-11-13T08:30')),
    ].map((r) => (r.opened ? 'opened' : r.repeated ? 'repeat' : r.raised ? 'raised' : '-'));
    expect(kinds).toEqual(['opened', 'repeat', '-', 'raised', 'repeat', '-']);
  });

  it('reopens a resolved alert whose problem comes back, and tells the branch', async () => {
    const f = [finding('B1', 'minutes-missing', '2026-10', 'reminder')];
    await reconcileNow(f, explicitScope(f), config, at('2026-10-20T08:30'));
    await reconcileNow([], explicitScope(f), config, at('2026-10-21T08:30'));
    expect((await alertOf('B1', 'minutes-missing', '2026-10')).state).toBe('resolved');
    const r = await reconcileNow(f, explicitScope(f), config, at('2026-10-25T08:30'));
    expect(r).toMatchObject({ reopened: 1, outbox: 1 });
    const a = await alertOf('B1', 'minutes-missing', '2026-10');
    expect(a).toMatchObject({ state: 'open', resolvedAt: null });
    expect((await history(a.id)).map((e) => `${e.kind}:${e.reason}`)).toEqual(['opened:new', 'resolved:record-corrected', 'reopened:reappeared']);
  });
});
