/**
 * A holiday calendar running out (config/holidays.yaml ships 2025–2026; the 2027 arrangement is the
 * State Council's to publish, never guessed here): with an injected clock, the same gap is found by
 * the pure check, logged by every evaluation of the daemon and printed by `orglife check` — from 60
 * days before the calendar ends, and more plainly once the year it lacks has begun.
 */
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { holidayCoverageWarning, holidayGap, holidayNotice } from '../../src/config/warnings.js';
import { isWorkingDay, workCalendar } from '../../src/domain/workdays.js';
import { evaluateTick } from '../../src/jobs/cycle.js';
import { readEnv } from '../../src/config/env.js';
import { createLogger } from '../../src/log.js';
import { createNotifiers } from '../../src/notifiers/registry.js';
import { orglife } from '../alerts/fixtures.js';
import { shippedConfig } from '../helpers/config.js';
import { tempStore, type TempStore } from '../helpers/store.js';

const at = (iso: string) => Date.parse(`${iso}+08:00`);
const shipped = shippedConfig().calendar;

describe('the holiday calendar coverage', () => {
  it('the shipped calendar: silent until 60 days before its end, then names the year it lacks; past its end it says so', () => {
    expect(holidayGap(shipped, at('2026-11-01T09:00'))).toBeNull(); // 60 days ahead: 2026-12-31
    expect(holidayGap(shipped, at('2026-12-03T09:00'))).toEqual({ end: '2026-12-31', horizon: '2027-02-01', year: 2027, now: false });
    const soon = holidayCoverageWarning(shipped, at('2026-12-03T09:00'))!;
    expect(soon).toContain('节假日日历未覆盖 2027 年');
    expect(soon).toContain('config/holidays.yaml');
    expect(soon).toContain('2027 年将按无节假日计算');
    expect(soon).toMatch(/does not cover the next 60 days \(to 2027-02-01\)/);
    expect(holidayNotice(holidayGap(shipped, at('2026-12-03T09:00'))!)).toMatch(/^节假日日历未覆盖 2027 年，请更新 config\/holidays\.yaml/);

    // The silent failure it guards against: with no 2027 dates, 2027's New Year's Day counts as a working day.
    expect(isWorkingDay(workCalendar(shipped), '2027-01-01')).toBe(true);
    const late = holidayGap(shipped, at('2027-01-05T09:00'))!;
    expect(late).toMatchObject({ year: 2027, now: true });
    expect(holidayCoverageWarning(shipped, at('2027-01-05T09:00'))).toContain('自 2027-01-01 起已按无节假日计算');
    expect(holidayNotice(late)).toContain('自 2027-01-01 起已按无节假日计算');
  });

  it('an empty calendar lacks the current year; one listing the next year is quiet', () => {
    expect(holidayGap({ holidays: [], workdays: [] }, at('2026-03-01T09:00'))).toEqual({ end: null, horizon: '2026-04-30', year: 2026, now: true });
    expect(holidayCoverageWarning({ holidays: [], workdays: [] }, at('2026-03-01T09:00'))).toContain('为空');
    // A year counts as covered once any date of it is listed (a make-up workday is enough).
    expect(holidayGap({ ...shipped, workdays: [...shipped.workdays, '2027-02-20'] }, at('2026-12-03T09:00'))).toBeNull();
  });
});

describe('the daemon and orglife check say so', () => {
  let t: TempStore;
  beforeEach(async () => {
    t = await tempStore();
  });
  afterEach(async () => t.cleanup());

  /** Run one evaluate tick at `now`; the warn lines it logged. */
  async function tickWarnings(now: number): Promise<{ msg: string; path?: string }[]> {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(...chunk.toString().split('\n').filter(Boolean));
        done();
      },
    });
    const log = createLogger({ level: 'warn', destination: sink });
    const config = shippedConfig();
    const env = readEnv({});
    const notifiers = createNotifiers(config.channels, env);
    try {
      await evaluateTick({ store: t.store, config, env, notifiers, log, now, kind: 'evaluate' });
    } finally {
      await notifiers.close();
    }
    await new Promise((r) => setImmediate(r));
    return lines.map((l) => JSON.parse(l) as { msg: string; path?: string; level: number }).filter((l) => l.level === 40);
  }

  it('every evaluation of the daemon logs the warning while the calendar falls short (not only at start)', async () => {
    expect(await tickWarnings(at('2026-10-15T08:30'))).toEqual([]);
    const dec = await tickWarnings(at('2026-12-03T08:30'));
    expect(dec.map((l) => l.path)).toEqual(['calendar.holidays']);
    expect(dec[0]!.msg).toMatch(/^configuration warning: 节假日日历未覆盖 2027 年/);
    const jan = await tickWarnings(at('2027-01-05T08:30'));
    expect(jan[0]!.msg).toContain('自 2027-01-01 起已按无节假日计算');
  });

  it('orglife check prints it (after the findings, exit status unchanged) as of --at', async () => {
    const dec = await orglife(['check', '--at', '2026-12-03T09:00'], t.spec);
    expect(dec.code, dec.stderr).toBe(0);
    expect(dec.stderr).toMatch(/警告 \/ warning: calendar\.holidays: 节假日日历未覆盖 2027 年.*config\/holidays\.yaml/);
    const oct = await orglife(['check', '--at', '2026-10-15T09:00'], t.spec);
    expect(oct.code, oct.stderr).toBe(0);
    expect(oct.stderr).not.toContain('calendar.holidays');
  }, 120_000);
});
