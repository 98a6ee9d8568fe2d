import { describe, expect, it } from 'vitest';
import { parseTimestamp } from '../../src/domain/calendar.js';
import { completeUtf8Prefix, detectEncoding, Utf8Checker } from '../../src/import/encoding.js';
import { count, date, fastLocalTimestamp, Invalid, normalizeDateText, positiveInt, timestamp, yesNo } from '../../src/import/values.js';

describe('cell values', () => {
  it('reads the common held_at shapes exactly as parseTimestamp does, impossible dates included', () => {
    const pad = (n: number) => String(n).padStart(2, '0');
    // A deterministic sweep over years (leap and not), months 0-13, days 0-32, hours 0-24, minutes 0-60.
    for (const y of [1900, 2000, 2023, 2024, 2026, 2100]) {
      for (let mo = 0; mo <= 13; mo++) {
        for (let d = 0; d <= 32; d += 1) {
          const h = (d * 7) % 25;
          const mi = (d * 13) % 61;
          const base = [`${y}-${pad(mo)}-${pad(d)} ${pad(h)}:${pad(mi)}`, `${y}-${pad(mo)}-${pad(d)}T${pad(h)}:${pad(mi)}:${pad(mi)}`];
          const offsets = ['', 'Z', '+08:00', '-05:30', '+14:00', '+15:00', '+08:60', '+0800', '+08'];
          for (const s of base.flatMap((b) => offsets.map((o) => b + o))) {
            const fast = fastLocalTimestamp(s);
            expect(fast === undefined ? parseTimestamp(s) : fast, s).toBe(parseTimestamp(s));
          }
        }
      }
    }
  });

  it('takes the fast path for the shapes real files use', () => {
    for (const s of ['2026-10-01 07:30', '2026-10-01T07:30:00', '2026-10-01T07:30:00Z', '2026-10-01T07:30:00+08:00', '2026-10-01 07:30-05:00']) {
      expect(typeof fastLocalTimestamp(s), s).toBe('number');
    }
    expect(fastLocalTimestamp('2026-10-01T07:30:00+08:00')).toBe(Date.parse('2026-09-30T23:30:00Z'));
  });

  it('reads held_at in ISO 8601 with and without offset, and Excel-style dates, as Shanghai time', () => {
    const utc = (s: string) => Date.parse(s);
    expect(timestamp('2026-10-01T07:30+08:00')).toBe(utc('2026-09-30T23:30:00Z'));
    expect(timestamp('2026-10-01 07:30')).toBe(utc('2026-09-30T23:30:00Z'));
    expect(timestamp('2026-09-30T23:30:00Z')).toBe(utc('2026-09-30T23:30:00Z'));
    expect(timestamp('2026/10/1 7:30')).toBe(utc('2026-09-30T23:30:00Z'));
    expect(timestamp('2026年10月1日')).toBe(utc('2026-09-30T16:00:00Z'));
    expect(timestamp('  ')).toBeNull();
    expect(timestamp('2026-02-29 10:00')).toBeInstanceOf(Invalid);
    expect(timestamp(1770000000000)).toBeInstanceOf(Invalid);
  });

  it('normalises loose dates and refuses impossible ones', () => {
    expect(normalizeDateText('2026/3/5 9:05')).toBe('2026-03-05T09:05:00');
    expect(date('2021/12/1')).toBe('2021-12-01');
    expect(date('2021-02-29')).toBeInstanceOf(Invalid);
    expect(date('')).toBeNull();
  });

  it('reads counts as whole numbers ≥ 0 and term years as ≥ 1', () => {
    expect(count(' 12 ')).toBe(12);
    expect(count(12)).toBe(12);
    expect(count('12.0')).toBe(12);
    expect(count('')).toBeNull();
    expect(count('-1')).toBeInstanceOf(Invalid);
    expect(count('1.5')).toBeInstanceOf(Invalid);
    expect(count('十二')).toBeInstanceOf(Invalid);
    expect(positiveInt('0')).toBeInstanceOf(Invalid);
    expect(positiveInt('5')).toBe(5);
  });

  it('reads yes/no in English, Chinese, digits and JSON booleans', () => {
    for (const v of ['yes', 'YES', 'true', '1', '是', '有', true]) expect(yesNo(v)).toBe(true);
    for (const v of ['no', 'false', '0', '否', '无', false]) expect(yesNo(v)).toBe(false);
    expect(yesNo('')).toBeNull();
    expect(yesNo('maybe')).toBeInstanceOf(Invalid);
  });
});

describe('encoding detection', () => {
  const chinese = Buffer.from('组织编码,组织名称\nB1,东街社区党支部\n', 'utf8');

  it('keeps a UTF-8 sample cut inside a character UTF-8, unless the sample is the whole file', () => {
    for (let cut = chinese.length - 1; cut > chinese.length - 12; cut--) {
      const sample = chinese.subarray(0, cut);
      expect(detectEncoding(sample, false)).toBe('utf-8');
    }
    // A whole file of UTF-8 ending in a broken character stays UTF-8: the strict reader then rejects
    // that last line instead of the whole file being decoded as GBK mojibake.
    expect(detectEncoding(chinese.subarray(0, chinese.length - 3), true)).toBe('utf-8');
    expect(completeUtf8Prefix(Buffer.from([0x61, 0xe5, 0xad]))).toBe(1);
  });

  it('tells a BOM, and GBK bytes, apart from UTF-8', () => {
    expect(detectEncoding(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), chinese]), true)).toBe('utf-8-bom');
    expect(detectEncoding(Buffer.from([0xd7, 0xe9, 0xd6, 0xaf]), true)).toBe('gbk'); // 组织 in GBK
  });

  it('checks UTF-8 chunk by chunk wherever the chunks split a character', () => {
    for (let split = 1; split < chinese.length; split++) {
      const c = new Utf8Checker();
      expect(c.check(chinese.subarray(0, split))).toBe(-1);
      expect(c.check(chinese.subarray(split))).toBe(-1);
      expect(c.end()).toBe(-1);
    }
    const bad = new Utf8Checker();
    expect(bad.check(Buffer.from('abc'))).toBe(-1);
    expect(bad.check(Buffer.from([0x64, 0xd7, 0xe9, 0x65]))).toBe(4); // absolute offset of the first bad byte
  });
});
