import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempStore, type TempStore } from '../helpers/store.js';
import { parseTimestamp } from '../../src/domain/calendar.js';
import { branch, committee, insertMeetings, insertOrgs, meeting } from './seed.js';
import { rulesFor } from '../../src/config/load.js';
import { configSchema } from '../../src/config/schema.js';
import { TALLY_FIELDS } from '../../src/domain/facts.js';
import { MEETING_TYPES } from '../../src/domain/types.js';
import { tallyLayout } from '../../src/rules/index.js';
import { decodeTallyText } from '../../src/store/rows/window-tallies.js';
import type { LoadedMeeting } from '../../src/store/types/facts.js';

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

describe('windowTallies', () => {
  it('counts each window meeting in its slice (quorate, by the secretary) and lists exactly those a record rule could flag', async () => {
    const now = at('2026-11-28T10:00');
    const layout = tallyLayout([rulesFor(configSchema.parse({}), null)], now)!;
    // The default layout has secretary-only lecture slices before the full ones, and several slices per type.
    expect(layout.buckets.some((b) => b.secretaryOnly)).toBe(true);
    expect(new Set(layout.buckets.map((b) => b.type)).size).toBeLessThan(layout.buckets.length);
    // B3: every type every 5 days for two years and a bit (on slice boundaries too), some without
    // minutes, some assemblies without quorum, lectures by the secretary and by others, one after now.
    await insertOrgs(t.store, [branch('B3', '三支部', 'C1')]);
    const rows = [];
    for (let d = -1; d < 760; d += 5) {
      const type = MEETING_TYPES[(d + 1) % MEETING_TYPES.length]!;
      const heldAt = new Date(now - d * 86_400_000).toISOString();
      rows.push(meeting(`t-${d}`, 'B3', type, heldAt, { minutes: d % 3 !== 0, attended: d % 4 === 0 ? 3 : 9, lecturerRole: type === 'lecture' ? (d % 2 ? 'secretary' : 'other') : null }));
    }
    for (const b of layout.buckets) rows.push(meeting(`edge-${b.type}-${b.start}`, 'B3', b.type, new Date(b.start).toISOString(), { lecturerRole: b.type === 'lecture' ? 'secretary' : null }));
    await insertMeetings(t.store, rows);
    const orgIds = [ids.get('B1')!, ids.get('B2')!, (await t.store.orgs.header('B3'))!.id];
    const got = await t.store.facts.windowTallies(orgIds, layout);
    for (const id of orgIds) {
      // What the store must do, over a plain read of the branch's meetings.
      const want = new Array<number>(layout.buckets.length * TALLY_FIELDS).fill(0);
      const listed: LoadedMeeting[] = [];
      for (const m of await t.store.facts.branchMeetingsBetween(id, 0, now)) {
        const k = layout.buckets.findIndex((b) => b.type === m.type && m.heldAt >= b.start && m.heldAt < b.end && (!b.secretaryOnly || m.lecturerRole === 'secretary'));
        if (k < 0) continue;
        if (m.minutes === false || (m.type === 'assembly' && m.attended * 2 <= m.expected)) {
          listed.push(m);
          continue;
        }
        want[k * TALLY_FIELDS]! += 1;
        if (m.attended * 2 > m.expected) want[k * TALLY_FIELDS + 1]! += 1;
        if (m.lecturerRole === 'secretary') want[k * TALLY_FIELDS + 2]! += 1;
      }
      expect(Array.from(got.counts.get(id)!)).toEqual(want);
      const byId = (a: LoadedMeeting, b: LoadedMeeting) => a.id - b.id;
      expect([...(got.listed.get(id) ?? [])].sort(byId)).toEqual(listed.sort(byId));
      // Listed in the order of the full window read: by type (MEETING_TYPES order), then time.
      const order = (got.listed.get(id) ?? []).map((m) => [MEETING_TYPES.indexOf(m.type), m.heldAt] as const);
      for (let i = 1; i < order.length; i++) expect(order[i]![0] * 1e13 + order[i]![1]).toBeGreaterThanOrEqual(order[i - 1]![0] * 1e13 + order[i - 1]![1]);
    }
    expect(got.counts.get(orgIds[2]!)!.reduce((a, b) => a + b, 0)).toBeGreaterThan(100);
  });
});

describe('decodeTallyText (PostgreSQL codes by org id as one text)', () => {
  const layout = { buckets: [{ type: 'assembly', start: 0, end: 10, secretaryOnly: false }, { type: 'lecture', start: 0, end: 10, secretaryOnly: false }], list: { minutesMissing: true, noQuorum: true } } as const;
  const code = (org: number, slice: number, quorate: boolean, secretary: boolean) => (org * 2 + slice) * 4 + (quorate ? 1 : 0) + (secretary ? 2 : 0);
  it('counts codes of any order into each org of the chunk, and refuses what is not a code of it', () => {
    const text = [code(7, 1, true, true), code(3, 0, false, false), code(7, 1, false, true), code(3, 0, true, false), code(7, 0, true, false), code(3, 1, false, false)].join(',');
    const counts = decodeTallyText([3, 7, 9], layout as never, text);
    expect(Array.from(counts.get(3)!)).toEqual([2, 1, 0, 1, 0, 0]);
    expect(Array.from(counts.get(7)!)).toEqual([1, 1, 0, 2, 1, 2]);
    expect(Array.from(counts.get(9)!)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(Array.from(decodeTallyText([3], layout as never, null).get(3)!)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(() => decodeTallyText([3], layout as never, String(code(4, 0, false, false)))).toThrow(/org 4/);
    expect(() => decodeTallyText([3], layout as never, `${code(3, 0, false, false)},-1`)).toThrow(/unexpected/);
    expect(() => decodeTallyText([3], layout as never, `${code(3, 0, false, false)},`)).toThrow(/unexpected/);
  });
});
