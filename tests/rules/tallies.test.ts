/**
 * Counting instead of listing (window.ts tallyLayout): a branch judged on slice counts plus the
 * meetings a record rule could flag gives exactly the findings of the full meeting list.
 */
import { describe, expect, it } from 'vitest';
import { rulesFor } from '../../src/config/load.js';
import { TALLY_FIELDS, type MeetingTallies, type TallyLayout } from '../../src/domain/facts.js';
import { MEETING_TYPES } from '../../src/domain/types.js';
import { evaluateBranch, hasQuorum, inLoadWindow, loadWindow, tallyLayout, type MeetingFacts } from '../../src/rules/index.js';
import { at, branch, config, meeting } from './build.js';

/** What the store does: count each window meeting in its slice unless the layout lists it. */
function split(layout: TallyLayout, meetings: MeetingFacts[]): { listed: MeetingFacts[]; tallies: MeetingTallies } {
  const counts = new Uint32Array(layout.buckets.length * TALLY_FIELDS);
  const listed: MeetingFacts[] = [];
  for (const m of meetings) {
    const k = layout.buckets.findIndex((b) => b.type === m.type && m.heldAt >= b.start && m.heldAt < b.end && (!b.secretaryOnly || m.lecturerRole === 'secretary'));
    if (k < 0) continue;
    if ((layout.list.minutesMissing && m.minutes === false) || (layout.list.noQuorum && m.type === 'assembly' && !hasQuorum(m))) {
      listed.push(m);
      continue;
    }
    counts[k * TALLY_FIELDS]! += 1;
    if (hasQuorum(m)) counts[k * TALLY_FIELDS + 1]! += 1;
    if (m.lecturerRole === 'secretary') counts[k * TALLY_FIELDS + 2]! += 1;
  }
  return { listed, tallies: { layout, counts } };
}

describe('tally layout', () => {
  for (const [label, raw, now] of [
    ['defaults, late November', {}, '2026-11-28T10:00'],
    ['defaults, 2 January (previous periods in grace)', {}, '2027-01-02T09:00'],
    ['quarterly committee, long grace', { rules: { 'committee-monthly': { period: 'quarter', grace_days: 40 }, 'lecture-quarterly': { enabled: false } } }, '2026-04-05T09:00'],
  ] as const) {
    it(`gives the findings of the full list (${label})`, () => {
      const cfg = config(raw as Record<string, unknown>);
      const rules = rulesFor(cfg, null);
      const t = at(now);
      const layout = tallyLayout([rules], t)!;
      const window = loadWindow([rules], t);
      const b = branch({ groups: 2 });
      // Two years of meetings of every type, some without minutes, some assemblies without quorum,
      // some lectures by the secretary, and one after `now`.
      const all: MeetingFacts[] = [];
      for (let d = 0; d < 730; d += 9) {
        const when = new Date(t - d * 86_400_000 + 3_600_000).toISOString();
        const type = MEETING_TYPES[d % MEETING_TYPES.length]!;
        all.push(meeting(type, when, { minutes: d % 4 === 0 ? false : true, attended: d % 5 === 0 ? 3 : 9, lecturerRole: type === 'lecture' ? (d % 2 ? 'secretary' : 'other') : null }));
      }
      const inWindow = all.filter((m) => inLoadWindow(window, m) && m.heldAt <= t);
      const { listed, tallies } = split(layout, inWindow);
      expect(listed.length).toBeLessThan(inWindow.length);
      const full = evaluateBranch(b, inWindow, rules, t);
      expect(full.length).toBeGreaterThan(0);
      expect(evaluateBranch(b, listed, rules, t, undefined, { tallies })).toEqual(full);
    });
  }

  it('is null when attendance-low may flag any meeting', () => {
    expect(tallyLayout([rulesFor(config({ rules: { 'attendance-low': { enabled: true } } }), null)], at('2026-11-28'))).toBeNull();
  });

  it('refuses slices that straddle a judged period', () => {
    const rules = rulesFor(config(), null);
    const t = at('2026-11-28T10:00');
    const layout = tallyLayout([rules], t)!;
    const coarse: TallyLayout = { ...layout, buckets: [{ type: 'committee', start: at('2026-01-01'), end: t + 1, secretaryOnly: false }] };
    expect(() => evaluateBranch(branch(), [], rules, t, undefined, { tallies: { layout: coarse, counts: [1, 1, 0] } })).toThrow(/does not fit/);
  });
});
