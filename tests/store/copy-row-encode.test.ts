import { describe, expect, it } from 'vitest';
import { copyText, encodeCopyRow } from '../../src/store/postgres/staged-import.js';

/** The line as copyText of each value joined (what the staged import wrote before encodeCopyRow). */
const expected = (file: number, line: number, seq: number, params: readonly unknown[]) =>
  `${file}\t${line}\t${seq}${params.map((v) => `\t${copyText(v)}`).join('')}\n`;

describe('COPY text of a staged row', () => {
  const cases: unknown[][] = [
    ['B000001-20241202-td', 1, 'theme_day', 1733110200000, 3, 3, 1, null, '集中学习与交纳党费', undefined, 0, -17, -0],
    ['tab\there', 'new\nline', 'cr\rx', 'back\\slash', '"quoted"', '', 'é', '𠀀 surrogate pair', 'x'.repeat(65), `${'y'.repeat(64)}\\`],
    [1.5, -2.25e-300, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 2 ** 60, Number.NaN, Number.POSITIVE_INFINITY, true, false],
    [9, 10, 99, 100, 101, 1000000, 1796199352302],
  ];
  it.each(cases.map((c, i) => [i, c] as const))('case %i: the same bytes as copyText of each value', (i, params) => {
    const buf = Buffer.alloc(4096, 0xff);
    const end = encodeCopyRow(buf, 7, i, 123 + i, 4_000_000_000 + i, params);
    const want = Buffer.from(expected(i, 123 + i, 4_000_000_000 + i, params), 'utf8');
    expect(buf.subarray(7, end).toString('utf8')).toBe(want.toString('utf8'));
    expect(end - 7).toBe(want.length);
  });
});
