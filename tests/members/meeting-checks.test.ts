/** The single-meeting checks on literal data: sign-ins, minutes elements, duration, evidence. */
import { describe, expect, it } from 'vitest';
import { evaluateBranch, type MeetingDetailFacts } from '../../src/rules/index.js';
import type { MeetingType } from '../../src/domain/types.js';
import { at, branch, config, rules } from '../rules/build.js';

let seq = 0;
function detail(type: MeetingType, heldAt: string, over: Partial<MeetingDetailFacts> = {}): MeetingDetailFacts {
  return {
    id: `D${++seq}`, type, heldAt: at(heldAt), attended: 9, minutes: true,
    place: true, chair: true, recorder: true, agenda: true, resolutions: true,
    durationMinutes: 90, video: true, photos: 3, present: 9, ...over,
  };
}

function run(details: MeetingDetailFacts[], now = '2026-11-20T09:00', r = rules()) {
  return evaluateBranch(branch(), [], r, at(now), undefined, { details }).filter((f) => f.meeting !== undefined);
}
const brief = (fs: ReturnType<typeof run>) => fs.map((f) => `${f.rule} ${f.level} ${f.period} ${f.meeting}`);

describe('attendance-mismatch', () => {
  it('flags a tracked meeting reporting more attendees than present sign-ins, one finding per meeting', () => {
    const a = detail('committee', '2026-11-05T09:00', { id: 'A1', attended: 9, present: 8 });
    const b = detail('committee', '2026-10-05T09:00', { id: 'A2', attended: 7, present: 7 });
    const c = detail('theme_day', '2026-11-06T09:00', { id: 'A3', attended: 30, present: null }); // not tracked
    const f = run([a, b, c]);
    expect(brief(f)).toEqual(['attendance-mismatch reminder 2026-11 A1']);
    expect(f[0]!.message).toContain('实到人数9人，但签到出席仅8人');
  });
});

describe('minutes-incomplete', () => {
  it('flags minutes that record some elements but lack a required one (resolutions only for committee and assembly)', () => {
    const ok = detail('group', '2026-11-03T09:00', { id: 'G1', resolutions: false, place: false });
    const bad = detail('committee', '2026-11-04T09:00', { id: 'C1', resolutions: false, recorder: false });
    const none = detail('committee', '2026-11-05T09:00', { id: 'C2', place: false, chair: false, recorder: false, agenda: false, resolutions: false });
    const noMinutes = detail('committee', '2026-11-06T09:00', { id: 'C3', minutes: false, chair: false });
    const f = run([ok, bad, none, noMinutes]);
    expect(brief(f)).toEqual(['minutes-incomplete reminder 2026-11 C1']);
    expect(f[0]!.message).toContain('缺少记录人、决议');
  });

  it('takes the required elements per type from config', () => {
    const cfg = config({ rules: { 'minutes-incomplete': { required: { group: ['place'] } } } });
    const g = detail('group', '2026-11-03T09:00', { id: 'G2', place: false });
    const c = detail('committee', '2026-11-03T09:00', { id: 'C4', resolutions: false });
    expect(brief(run([g, c], undefined, rules('organ', cfg)))).toEqual(['minutes-incomplete reminder 2026-11 G2']);
  });
});

describe('meeting-too-short and evidence-missing', () => {
  const short = detail('committee', '2026-11-03T09:00', { id: 'S1', durationMinutes: 29, video: null, photos: 0 });
  const exact = detail('committee', '2026-11-04T09:00', { id: 'S2', durationMinutes: 30, video: false, photos: 2 });
  const unknown = detail('committee', '2026-11-05T09:00', { id: 'S3', durationMinutes: null });

  it('are off by default', () => {
    expect(run([short, exact, unknown])).toEqual([]);
  });

  it('flag below the per-type minimum and meetings without video or photos when enabled', () => {
    const cfg = config({ rules: { 'meeting-too-short': { enabled: true }, 'evidence-missing': { enabled: true, types: ['committee'] } } });
    const f = run([short, exact, unknown], undefined, rules('organ', cfg));
    expect(brief(f)).toEqual(['meeting-too-short reminder 2026-11 S1', 'evidence-missing reminder 2026-11 S1']);
    expect(f[0]!.message).toContain('时长29分钟，少于规定的30分钟');
  });
});

it('judges the current and the previous month only, and ignores meetings after now', () => {
  const old = detail('committee', '2026-09-05T09:00', { id: 'O1', present: 1 });
  const prev = detail('committee', '2026-10-31T23:00', { id: 'O2', present: 1 });
  const later = detail('committee', '2026-11-25T09:00', { id: 'O3', present: 1 });
  expect(brief(run([old, prev, later]))).toEqual(['attendance-mismatch reminder 2026-10 O2']);
});
