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

  it('parses dates character by character exactly as the Date round trip does', () => {
    // The former parseDate: a regular expression, then Shanghai midnight formatted back to the same text.
    const reference = (s: string): number | null => {
      const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
      if (!m) return null;
      const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
      if (mo < 1 || mo > 12 || d < 1 || d > 31) return null;
      const t = Date.UTC(y, mo - 1, d) - 8 * 3600_000;
      return shanghaiDate(t) === s ? t : null;
    };
    const two = (n: number) => String(n).padStart(2, '0');
    const years = [0, 1, 99, 100, 999, 1000, 1900, 1970, 1999, 2000, 2023, 2024, 2025, 2100, 2400, 9999];
    let checked = 0;
    for (const y of years) {
      for (let mo = 0; mo <= 13; mo++) {
        for (let d = 0; d <= 32; d++) {
          const s = `${String(y).padStart(4, '0')}-${two(mo)}-${two(d)}`;
          expect([s, parseDate(s)]).toEqual([s, reference(s)]);
          checked++;
        }
      }
    }
    for (const s of ['2026-1-01', '2026-01-1', '20260101', '2026-01-01 ', ' 2026-01-01', '2026/01/01', '+026-01-01', '2026-0a-01', '２０２６-01-01', '2026-01-01\n', '', '2026--1-01']) {
      expect([s, parseDate(s)]).toEqual([s, null]);
    }
    expect(checked).toBe(years.length * 14 * 33);
    expect(parseDate('2024-02-29')).toBe(Date.parse('2024-02-28T16:00:00Z'));
    expect(parseDate('1900-02-29')).toBeNull();
    expect(parseDate('2000-02-29')).not.toBeNull();
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
