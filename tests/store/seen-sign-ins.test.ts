// The import's compact record of the sign-ins a command gave (src/store/rows/seen-sign-ins.ts): what
// the cross-file conflict of a sign-in names. Pure; no store.
import { describe, expect, it } from 'vitest';
import { SeenSignIns } from '../../src/store/rows/seen-sign-ins.js';

describe('SeenSignIns', () => {
  it('finds each sign-in with its file and line across pool chunks, and nothing else', () => {
    const s = new SeenSignIns();
    // 11,000 meetings × 100 members = 1.1 M entries: past the first pool chunk (2^20).
    for (let m = 1; m <= 11_000; m++) {
      const entries: [number, number, number][] = [];
      for (let k = 99; k >= 0; k--) entries.push([m * 1000 + k * 3, m % 7, m * 100 + k]); // unsorted on purpose
      s.add(m, entries);
    }
    expect(s.get(1, 1000)).toEqual({ file: 1, line: 100 });
    expect(s.get(10_486, 10_486_000 + 3 * 76)).toEqual({ file: 10_486 % 7, line: 1_048_676 }); // around entry 2^20
    expect(s.get(11_000, 11_000_000 + 297)).toEqual({ file: 11_000 % 7, line: 1_100_099 });
    expect(s.get(1, 1001)).toBeUndefined();
    expect(s.get(11_001, 11_001_000)).toBeUndefined();
  });

  it('chains a meeting given again later: both runs are found', () => {
    const s = new SeenSignIns();
    s.add(5, [[20, 0, 2], [10, 0, 3]]);
    s.add(6, [[10, 0, 4]]);
    s.add(5, [[30, 1, 7]]);
    expect(s.get(5, 10)).toEqual({ file: 0, line: 3 });
    expect(s.get(5, 20)).toEqual({ file: 0, line: 2 });
    expect(s.get(5, 30)).toEqual({ file: 1, line: 7 });
    expect(s.get(6, 20)).toBeUndefined();
  });

  it('keeps runs that do not fit 16-bit offsets (members or lines far apart, several files) and a run longer than a pool chunk', () => {
    const s = new SeenSignIns();
    s.add(1, [[10, 0, 5], [70_000, 0, 6]]); // members 69,990 apart
    s.add(2, [[10, 0, 5], [11, 0, 100_000]]); // lines 99,995 apart
    s.add(3, [[10, 2, 5], [11, 3, 6]]); // two files in one run
    s.add(4, [[10, 70_000, 5]]); // a file index past 16 bits
    const big: [number, number, number][] = [];
    for (let k = 0; k < 1_200_000; k++) big.push([k + 1, 1, k + 2]); // 1.2 M entries: a chunk of its own
    s.add(7, big);
    s.add(8, [[3, 4, 9]]);
    s.add(1, [[20, 1, 8]]);
    expect(s.get(1, 10)).toEqual({ file: 0, line: 5 });
    expect(s.get(1, 70_000)).toEqual({ file: 0, line: 6 });
    expect(s.get(1, 20)).toEqual({ file: 1, line: 8 });
    expect(s.get(2, 11)).toEqual({ file: 0, line: 100_000 });
    expect(s.get(3, 10)).toEqual({ file: 2, line: 5 });
    expect(s.get(3, 11)).toEqual({ file: 3, line: 6 });
    expect(s.get(4, 10)).toEqual({ file: 70_000, line: 5 });
    expect(s.get(7, 1)).toEqual({ file: 1, line: 2 });
    expect(s.get(7, 1_200_000)).toEqual({ file: 1, line: 1_200_001 });
    expect(s.get(8, 3)).toEqual({ file: 4, line: 9 });
    expect(s.get(1, 9)).toBeUndefined(); // below a narrow run's base member
    expect(s.get(1, 70_001)).toBeUndefined();
    expect(s.get(7, 0)).toBeUndefined();
    expect(s.get(8, 4)).toBeUndefined();
    expect(s.get(9, 3)).toBeUndefined();
  });

  it('indexes meeting rows far apart and beyond the dense index', () => {
    const s = new SeenSignIns();
    s.add(3_000_000, [[5, 0, 1]]);
    s.add(2 ** 33, [[6, 0, 2]]);
    expect(s.get(3_000_000, 5)).toEqual({ file: 0, line: 1 });
    expect(s.get(2 ** 33, 6)).toEqual({ file: 0, line: 2 });
    expect(s.get(2 ** 33 + 1, 6)).toBeUndefined();
    expect(s.get(3_000_001, 5)).toBeUndefined();
  });
});
