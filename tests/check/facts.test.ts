import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDb, type TempDb } from '../helpers/db.js';
import { parseTimestamp } from '../../src/domain/calendar.js';
import { branchMeetingsBetween, windowMeetings, recordIdsOf } from '../../src/store/sqlite/facts.js';
import { branch, committee, insertMeetings, insertOrgs, meeting } from './seed.js';

let t: TempDb;
let ids: Map<string, number>;
const at = (s: string) => parseTimestamp(s)!;

beforeAll(() => {
  t = tempDb();
  ids = insertOrgs(t.db, [committee('C1', '党委'), branch('B1', '一支部', 'C1'), branch('B2', '二支部', 'C1')]);
  const b1 = ids.get('B1')!;
  insertMeetings(t.db, [
    meeting('m-no-minutes', b1, 'committee', '2026-10-05T09:00', { minutes: 0, expected: 7, attended: 7 }),
    meeting('m-unknown-minutes', b1, 'theme_day', '2026-10-06T09:00', { minutes: null, expected: 0, attended: 0 }),
    meeting('m-big', b1, 'assembly', '2026-08-06T09:00', { expected: 4_000_000, attended: 1_999_999 }),
    meeting('m-secretary', b1, 'lecture', '2025-03-06T09:00', { lecturerRole: 'secretary' }),
    meeting('m-other-old', b1, 'lecture', '2025-03-07T09:00', { lecturerRole: 'other' }),
    meeting('m-other-new', b1, 'lecture', '2026-09-07T09:00', { lecturerRole: 'other' }),
    meeting('m-too-old', b1, 'committee', '2026-08-05T09:00'),
    meeting('m-after-now', b1, 'committee', '2026-11-29T09:00'),
    meeting('m-other-branch', ids.get('B2')!, 'committee', '2026-10-05T09:00', { minutes: 1 }),
  ]);
});
afterAll(() => t.cleanup());

describe('windowMeetings', () => {
  const window = new Map([
    ['committee', { from: at('2026-10-01'), all: at('2026-10-01') }],
    ['theme_day', { from: at('2026-10-01'), all: at('2026-10-01') }],
    ['assembly', { from: at('2026-07-01'), all: at('2026-07-01') }],
    ['lecture', { from: at('2025-01-01'), all: at('2026-07-01') }],
  ] as const);

  it('reads exactly the window: every meeting from `all`, the secretary’s lectures from `from`, none after now', () => {
    const got = windowMeetings(t.db, [ids.get('B1')!, ids.get('B2')!], window, at('2026-11-28T10:00'));
    const names = (orgId: number) => [...recordIdsOf(t.db, got.get(orgId)!.map((m) => m.id)).values()].sort();
    expect(names(ids.get('B1')!)).toEqual(['m-big', 'm-no-minutes', 'm-other-new', 'm-secretary', 'm-unknown-minutes']);
    expect(names(ids.get('B2')!)).toEqual(['m-other-branch']);
  });

  it('returns the same values as a plain read of the table (minutes, lecturer, large head counts)', () => {
    const b1 = ids.get('B1')!;
    const now = at('2026-11-28T10:00');
    const windowed = windowMeetings(t.db, [b1], window, now).get(b1)!;
    const plain = new Map(branchMeetingsBetween(t.db, b1, 0, now).map((m) => [m.id, m]));
    expect(windowed.length).toBe(5);
    for (const m of windowed) expect(m).toEqual(plain.get(m.id));
    const big = windowed.find((m) => m.type === 'assembly')!;
    expect([big.expected, big.attended]).toEqual([4_000_000, 1_999_999]);
    expect(windowed.find((m) => m.type === 'committee')!.minutes).toBe(false);
    expect(windowed.find((m) => m.type === 'theme_day')!.minutes).toBeNull();
  });
});
