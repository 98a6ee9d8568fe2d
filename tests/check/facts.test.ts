import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempStore, type TempStore } from '../helpers/store.js';
import { parseTimestamp } from '../../src/domain/calendar.js';
import { branch, committee, insertMeetings, insertOrgs, meeting } from './seed.js';

let t: TempStore;
let ids: Map<string, number>;
const at = (s: string) => parseTimestamp(s)!;

beforeAll(async () => {
  t = await tempStore();
  ids = await insertOrgs(t.store, [committee('C1', '党委'), branch('B1', '一支部', 'C1'), branch('B2', '二支部', 'C1')]);
  await insertMeetings(t.store, [
    meeting('m-no-minutes', 'B1', 'committee', '2026-10-05T09:00', { minutes: false, expected: 7, attended: 7 }),
    meeting('m-unknown-minutes', 'B1', 'theme_day', '2026-10-06T09:00', { minutes: null, expected: 0, attended: 0 }),
    meeting('m-big', 'B1', 'assembly', '2026-08-06T09:00', { expected: 4_000_000, attended: 1_999_999 }),
    meeting('m-secretary', 'B1', 'lecture', '2025-03-06T09:00', { lecturerRole: 'secretary' }),
    meeting('m-other-old', 'B1', 'lecture', '2025-03-07T09:00', { lecturerRole: 'other' }),
    meeting('m-other-new', 'B1', 'lecture', '2026-09-07T09:00', { lecturerRole: 'other' }),
    meeting('m-too-old', 'B1', 'committee', '2026-08-05T09:00'),
    meeting('m-after-now', 'B1', 'committee', '2026-11-29T09:00'),
    meeting('m-other-branch', 'B2', 'committee', '2026-10-05T09:00', { minutes: true }),
  ]);
});
afterAll(async () => t.cleanup());

describe('windowMeetings', () => {
  const window = new Map([
    ['committee', { from: at('2026-10-01'), all: at('2026-10-01') }],
    ['theme_day', { from: at('2026-10-01'), all: at('2026-10-01') }],
    ['assembly', { from: at('2026-07-01'), all: at('2026-07-01') }],
    ['lecture', { from: at('2025-01-01'), all: at('2026-07-01') }],
  ] as const);

  it('reads exactly the window: every meeting from `all`, the secretary’s lectures from `from`, none after now', async () => {
    const got = await t.store.facts.windowMeetings([ids.get('B1')!, ids.get('B2')!], window, at('2026-11-28T10:00'));
    const names = async (orgId: number) => [...(await t.store.facts.recordIdsOf(got.get(orgId)!.map((m) => m.id))).values()].sort();
    expect(await names(ids.get('B1')!)).toEqual(['m-big', 'm-no-minutes', 'm-other-new', 'm-secretary', 'm-unknown-minutes']);
    expect(await names(ids.get('B2')!)).toEqual(['m-other-branch']);
  });

  it('returns the same values as a plain read of the table (minutes, lecturer, large head counts)', async () => {
    const b1 = ids.get('B1')!;
    const now = at('2026-11-28T10:00');
    const windowed = (await t.store.facts.windowMeetings([b1], window, now)).get(b1)!;
    const plain = new Map((await t.store.facts.branchMeetingsBetween(b1, 0, now)).map((m) => [m.id, m]));
    expect(windowed.length).toBe(5);
    for (const m of windowed) expect(m).toEqual(plain.get(m.id));
    const big = windowed.find((m) => m.type === 'assembly')!;
    expect([big.expected, big.attended]).toEqual([4_000_000, 1_999_999]);
    expect(windowed.find((m) => m.type === 'committee')!.minutes).toBe(false);
    expect(windowed.find((m) => m.type === 'theme_day')!.minutes).toBeNull();
  });
});

describe('branchMeetingsSince', () => {
  it('reads every meeting of each branch from its own start up to `until`, both ends included, in one call', async () => {
    const b1 = ids.get('B1')!;
    const b2 = ids.get('B2')!;
    const got = await t.store.facts.branchMeetingsSince(new Map([[b1, at('2026-09-07T09:00')], [b2, at('2026-10-06T00:00')]]), at('2026-10-06T09:00'));
    const names = async (orgId: number) => [...(await t.store.facts.recordIdsOf((got.get(orgId) ?? []).map((m) => m.id))).values()].sort();
    expect(await names(b1)).toEqual(['m-no-minutes', 'm-other-new', 'm-unknown-minutes']);
    expect(got.has(b2)).toBe(false);
    // The same values as the one-branch read.
    const plain = new Map((await t.store.facts.branchMeetingsBetween(b1, at('2026-09-07T09:00'), at('2026-10-06T09:00'))).map((m) => [m.id, m]));
    expect(got.get(b1)!.length).toBe(plain.size);
    for (const m of got.get(b1)!) expect(m).toEqual(plain.get(m.id));
    expect(await t.store.facts.branchMeetingsSince(new Map(), at('2026-11-28T10:00'))).toEqual(new Map());
  });
});
