import { describe, expect, it } from 'vitest';
import { shanghaiDateTime } from '../../src/domain/calendar.js';
import { isAllowedTime, isWorkingDay, nextAllowedTime, workCalendar } from '../../src/domain/workdays.js';
import { at, testConfig } from './fixtures.js';

const config = testConfig();
const cal = workCalendar(config.calendar);
const quiet = config.delivery.quiet_hours;
const next = (iso: string) => shanghaiDateTime(nextAllowedTime(at(iso), quiet, cal));

describe('the shipped holiday calendar', () => {
  it('knows the 2025 and 2026 public holidays of the State Council notices', () => {
    for (const d of ['2025-01-01', '2025-01-28', '2025-02-04', '2025-04-04', '2025-05-05', '2025-05-31', '2025-06-02', '2025-10-08',
      '2026-01-02', '2026-02-16', '2026-02-23', '2026-04-06', '2026-05-05', '2026-06-19', '2026-09-25', '2026-10-07']) {
      expect(isWorkingDay(cal, d), d).toBe(false);
    }
  });

  it('treats the make-up working days (调休上班) on weekends as working days', () => {
    for (const d of ['2025-01-26', '2025-02-08', '2025-04-27', '2025-09-28', '2025-10-11', '2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10']) {
      expect(isWorkingDay(cal, d), d).toBe(true);
    }
  });

  it('treats ordinary weekdays as working days and ordinary weekends as days off', () => {
    expect(isWorkingDay(cal, '2026-11-02')).toBe(true); // Monday
    expect(isWorkingDay(cal, '2026-10-08')).toBe(true); // Thursday after National Day
    expect(isWorkingDay(cal, '2026-11-07')).toBe(false); // Saturday
    expect(isWorkingDay(cal, '2026-10-11')).toBe(false); // Sunday after the make-up Saturday
  });
});

describe('quiet hours', () => {
  it('allows sending from 08:00 until just before 20:00 on a working day', () => {
    expect(isAllowedTime(at('2026-11-02T08:00'), quiet, cal)).toBe(true);
    expect(isAllowedTime(at('2026-11-02T19:59'), quiet, cal)).toBe(true);
    expect(isAllowedTime(at('2026-11-02T20:00'), quiet, cal)).toBe(false);
    expect(isAllowedTime(at('2026-11-02T07:59'), quiet, cal)).toBe(false);
  });

  it('holds a message planned on the eve of the National Day holidays until 08:00 on 8 October', () => {
    expect(next('2026-09-30T20:30')).toBe('2026-10-08 08:00');
  });

  it('lets a message go out on a Saturday make-up working day', () => {
    expect(next('2026-10-10T07:00')).toBe('2026-10-10 08:00');
    expect(next('2026-10-10T09:15')).toBe('2026-10-10 09:15');
  });

  it('holds a message planned on an ordinary Sunday until Monday morning', () => {
    expect(next('2026-10-11T10:00')).toBe('2026-10-12 08:00');
  });

  it('holds a message planned early in the morning until 08:00 the same working day', () => {
    expect(next('2026-11-02T06:30')).toBe('2026-11-02 08:00');
  });

  it('uses Shanghai time even for an instant given in UTC', () => {
    // 2026-11-02T23:30Z is 07:30 on Tuesday 3 November in Shanghai.
    expect(next('2026-11-02T23:30Z')).toBe('2026-11-03 08:00');
  });

  it('sends at any hour on any day when quiet hours are switched off', () => {
    const open = { start: '00:00', end: '00:00', working_days_only: false };
    expect(nextAllowedTime(at('2026-10-03T23:00'), open, cal)).toBe(at('2026-10-03T23:00'));
  });
});
