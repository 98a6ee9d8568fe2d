import { describe, expect, it } from 'vitest';
import { parsePeriod, parseTimestamp, periodOf, previousPeriod, shanghaiDate, periodNameZh, parseDate } from '../src/domain/calendar.js';

describe('Shanghai calendar', () => {
  it('puts 07:30 Shanghai on 1 October in Q4 although it is still 30 September in UTC', () => {
    const t = parseTimestamp('2026-10-01T07:30+08:00')!;
    expect(new Date(t).toISOString()).toBe('2026-09-30T23:30:00.000Z');
    expect(periodOf('quarter', t).label).toBe('2026-Q4');
    expect(periodOf('month', t).label).toBe('2026-10');
  });

  it('reads a timestamp without offset as Shanghai local time', () => {
    expect(parseTimestamp('2026-09-30T23:59:59')).toBe(Date.parse('2026-09-30T15:59:59Z'));
    expect(periodOf('month', parseTimestamp('2026-09-30 23:59')!).label).toBe('2026-09');
  });

  it('honours UTC and other offsets', () => {
    expect(periodOf('month', parseTimestamp('2026-09-30T16:00:00Z')!).label).toBe('2026-10');
    expect(periodOf('month', parseTimestamp('2026-09-30T15:59:59Z')!).label).toBe('2026-09');
    expect(parseTimestamp('2026-09-30T10:00-0500')).toBe(Date.parse('2026-09-30T15:00:00Z'));
  });

  it('rejects impossible dates, including 29 February outside leap years', () => {
    expect(parseTimestamp('2025-02-29T10:00')).toBeNull();
    expect(parseTimestamp('2024-02-29T10:00')).not.toBeNull();
    expect(parseTimestamp('2026-13-01')).toBeNull();
    expect(parseTimestamp('yesterday')).toBeNull();
    expect(parseDate('2026-02-30')).toBeNull();
  });

  it('computes period bounds and neighbours across year ends', () => {
    const jan = parsePeriod('2027-01')!;
    expect(previousPeriod(jan).label).toBe('2026-12');
    expect(shanghaiDate(jan.start)).toBe('2027-01-01');
    expect(parsePeriod('2024-02')!.end - parsePeriod('2024-02')!.start).toBe(29 * 86_400_000);
    expect(previousPeriod(parsePeriod('2026-Q1')!).label).toBe('2025-Q4');
    expect(parsePeriod('2026-13')).toBeNull();
  });

  it('names periods in Chinese', () => {
    expect(periodNameZh(parsePeriod('2026-03')!)).toBe('2026年3月');
    expect(periodNameZh(parsePeriod('2026-Q3')!)).toBe('2026年第三季度');
    expect(periodNameZh(parsePeriod('2026')!)).toBe('2026年度');
  });
});
