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
});
