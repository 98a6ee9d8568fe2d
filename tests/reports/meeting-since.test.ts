/**
 * A report of period p (and the live figures, a report of the running month) reads each meeting type
 * only from where a rule on that type is judged: December's committee meetings, not the year's.
 * 1. meetingSince names those instants (pure, from the rules of every domain);
 * 2. the store's periodMeetings reads exactly the meetings inside them, on either store;
 * 3. facts from that read equal the facts from every meeting of the branches.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDate, parsePeriod } from '../../src/domain/calendar.js';
import { MEETING_TYPES, type MeetingType } from '../../src/domain/types.js';
import { importFiles } from '../../src/import/index.js';
import { meetingSince } from '../../src/reports/compute-facts.js';
import { chunkFacts, periodInputs, reportBranches } from '../../src/reports/gather.js';
import { writeCityFiles } from '../../src/synth/write.js';
import { config } from '../rules/build.js';
import { tempStore, type TempStore } from '../helpers/store.js';

const day = (iso: string) => parseDate(iso)!;
const sinceOf = (c: ReturnType<typeof config>, label: string) => Object.fromEntries(meetingSince(parsePeriod(label)!, c));

describe('meetingSince', () => {
  it('reads monthly types from the month, quarterly from the quarter, yearly from the year (December)', () => {
    expect(sinceOf(config(), '2026-12')).toEqual({
      committee: day('2026-12-01'),
      group: day('2026-12-01'),
      theme_day: day('2026-12-01'),
      assembly: day('2026-10-01'),
      lecture: day('2026-01-01'),
      life_meeting: day('2026-01-01'),
      review: day('2026-01-01'),
    });
  });

  it('reads every type from the month where no longer period ends with it', () => {
    const nov = sinceOf(config(), '2026-11');
    for (const t of MEETING_TYPES) expect(nov[t], t).toBe(day('2026-11-01'));
  });

  it('reads every type from the start of a year report', () => {
    const year = sinceOf(config(), '2026');
    for (const t of MEETING_TYPES) expect(year[t], t).toBe(day('2026-01-01'));
  });

  it('follows the rules of every domain, record rules and disabled rules', () => {
    // A domain's quarterly committee rule reads committee meetings from the quarter.
    expect(sinceOf(config({ domains: { school: { rules: { 'committee-monthly': { period: 'quarter' } } } } }), '2026-12').committee).toBe(day('2026-10-01'));
    // A yearly record rule on every type reads them all from the year.
    const yearly = sinceOf(config({ rules: { 'minutes-missing': { period: 'year' } } }), '2026-12');
    for (const t of MEETING_TYPES) expect(yearly[t], t).toBe(day('2026-01-01'));
    // With the yearly life-meeting rule off, nothing reads life meetings before the month.
    expect(sinceOf(config({ rules: { 'life-meeting-yearly': { enabled: false } } }), '2026-12').life_meeting).toBe(day('2026-12-01'));
  });
});

describe('periodMeetings and the facts of a report', () => {
  let t: TempStore;
  const NOW = day('2026-12-20');
  // A quarterly attendance rule in one domain and a yearly minutes rule: record rules reaching back too.
  const cfg = config({ rules: { 'attendance-low': { enabled: true, period: 'quarter' } }, domains: { rural: { rules: { 'minutes-missing': { period: 'year' } } } } });
  const plain = config();

  beforeAll(async () => {
    t = await tempStore();
    const info = writeCityFiles({ branches: 30, now: '2026-12-20', years: 2, out: join(t.dir, 'city') });
    await importFiles(t.store, [info.orgsFile, ...info.meetingFiles], { now: NOW });
  }, 120_000);
  afterAll(async () => t?.cleanup());

  const everything = () => new Map<MeetingType, number>(MEETING_TYPES.map((k) => [k, 0]));

  it('reads exactly the meetings of each type from its instant on, before the end', async () => {
    const ids = (await t.store.reports.orgs()).filter((o) => o.kind === 'branch').map((o) => o.id);
    const p = parsePeriod('2026-12')!;
    const since = meetingSince(p, plain);
    const [read, all] = await Promise.all([t.store.reports.periodMeetings(ids, since, p.end), t.store.reports.periodMeetings(ids, everything(), p.end)]);
    let kept = 0;
    let left = 0;
    for (const id of ids) {
      const want = (all.get(id) ?? []).filter((m) => m.heldAt >= since.get(m.type)!);
      left += (all.get(id) ?? []).length - want.length;
      kept += want.length;
      const got = read.get(id) ?? [];
      expect(got.map((m) => m.id).sort()).toEqual(want.map((m) => m.id).sort());
    }
    // The city has a year of monthly meetings before December, which the read leaves out.
    expect(kept).toBeGreaterThan(30);
    expect(left).toBeGreaterThan(30 * 11 * 3);
    // A type not named is not read.
    const some = await t.store.reports.periodMeetings(ids, new Map([['assembly', 0]]), p.end);
    expect([...some.values()].flat().every((m) => m.type === 'assembly')).toBe(true);
    expect([...some.values()].flat().length).toBeGreaterThan(0);
  });

  for (const label of ['2026-12', '2026-11', '2026-Q4', '2026', '2026-06']) {
    for (const [name, c] of [['shipped rules', plain], ['record rules reaching back', cfg]] as const) {
      it(`gives the facts of every meeting: ${label}, ${name}`, async () => {
        const p = parsePeriod(label)!;
        const orgs = await t.store.reports.orgs();
        const part = reportBranches(orgs, p);
        const inputs = await periodInputs(t.store, orgs, p);
        for (const headline of [true, false]) {
          const narrow = await chunkFacts(t.store, c, part, p, NOW, headline, inputs);
          const wide = await chunkFacts(t.store, c, part, p, NOW, headline, inputs, (ids) => t.store.reports.periodMeetings(ids, everything(), p.end));
          expect(narrow.length).toBe(part.length);
          expect(JSON.stringify(narrow)).toBe(JSON.stringify(wide));
        }
      });
    }
  }
});
