/**
 * The evaluation reading rosters, sign-ins and minutes elements through the store port (on the store
 * tempStore() gives): member-absence and probation-due from the roster and participation months,
 * attendance-mismatch and minutes-incomplete from the meeting details, and an older month of a
 * meeting check re-judged when asked (as open alerts ask). Everything is written through import
 * sessions (members and sign-ins by tests/helpers/members-seed.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTimestamp } from '../../src/domain/calendar.js';
import type { Finding } from '../../src/domain/types.js';
import { forEachBranchFindingsParallel, runCheck } from '../../src/evaluation/index.js';
import { shippedConfig } from '../helpers/config.js';
import { seedMembers, type SeedSignIn } from '../helpers/members-seed.js';
import { tempStore, type TempStore } from '../helpers/store.js';
import { branch, committee, insertMeetings, insertOrgs, meeting } from './seed.js';

const now = parseTimestamp('2026-11-20T09:00')!;
const MEMBER_RULES = new Set(['member-absence', 'probation-due', 'attendance-mismatch', 'minutes-incomplete']);
const brief = (fs: readonly Finding[]) =>
  fs.filter((f) => MEMBER_RULES.has(f.rule)).map((f) => `${f.org} ${f.rule} ${f.level} ${f.period} ${f.member ?? f.meeting ?? ''}`).sort();

let t: TempStore;
beforeAll(async () => {
  t = await tempStore();
  await insertOrgs(t.store, [committee('C1', '党委'), branch('B1', '一支部', 'C1'), branch('B2', '二支部', 'C1')]);
  const months = ['03', '04', '05', '06', '07', '08', '09', '10', '11'];
  await insertMeetings(t.store, [
    ...months.map((m) => meeting(`B1-${m}`, 'B1', 'committee', `2026-${m}-03T09:00`, { attended: 1 })),
    // November: 5 reported, 1 signed in. October: minutes with a place but no chair, recorder or agenda.
    meeting('B1-11-td', 'B1', 'theme_day', '2026-11-10T09:00', { attended: 5 }),
    meeting('B1-10-td', 'B1', 'theme_day', '2026-10-10T09:00', { attended: 1, place: '党员活动室' }),
    // August: a mismatch outside the checks' window (current and previous month).
    meeting('B1-08-td', 'B1', 'theme_day', '2026-08-10T09:00', { attended: 4 }),
    meeting('B2-11', 'B2', 'committee', '2026-11-03T09:00'),
  ]);
  const signIns: SeedSignIn[] = [
    ...months.map((m) => ({ meeting: `B1-${m}`, member: 'P1', status: 'present' as const })),
    { meeting: 'B1-11-td', member: 'P1', status: 'present' },
    { meeting: 'B1-10-td', member: 'P1', status: 'present' },
    { meeting: 'B1-08-td', member: 'P1', status: 'present' },
  ];
  await seedMembers(
    t,
    [
      { id: 'P1', org: 'B1', name: '张三', status: 'full', joinedOn: '2010-07-01' },
      { id: 'P2', org: 'B1', name: '李四', status: 'full', joinedOn: '2012-07-01' },
      { id: 'P3', org: 'B1', name: '王五', status: 'probationary', joinedOn: '2025-12-01' },
      { id: 'P4', org: 'B1', name: '赵六', status: 'full', joinedOn: '2011-07-01', leftOn: '2026-06-01' },
      // B2 has a roster but no sign-ins: judged on meeting totals alone.
      { id: 'Q1', org: 'B2', name: '钱七', status: 'full', joinedOn: '2010-07-01' },
    ],
    signIns,
  );
}, 60_000);
afterAll(async () => t.cleanup());

describe('the evaluation with rosters and sign-ins', () => {
  it('judges members from the roster and sign-ins, and meetings from their details', async () => {
    const found = await runCheck(t.store, shippedConfig(), now);
    // Sign-ins begin in March: P2 and P3 never took part, March–October = 8 months; P4 has left;
    // P3's probationary year ends on 2026-12-01 (a reminder from 30 days before).
    expect(brief(found)).toEqual([
      'B1 attendance-mismatch reminder 2026-11 B1-11-td',
      'B1 member-absence warning 2026-10 P2',
      'B1 member-absence warning 2026-10 P3',
      'B1 minutes-incomplete reminder 2026-10 B1-10-td',
      'B1 probation-due reminder 2026-12-01 P3',
    ]);
  });

  it('re-judges an older month of a meeting check when asked, with record ids as the meeting', async () => {
    const also = new Map([['B1', [{ rule: 'attendance-mismatch' as const, period: '2026-08' }]]]);
    const found = await runCheck(t.store, shippedConfig(), now, { alsoEvaluate: also });
    expect(brief(found).filter((f) => f.includes('attendance-mismatch'))).toEqual([
      'B1 attendance-mismatch reminder 2026-08 B1-08-td',
      'B1 attendance-mismatch reminder 2026-11 B1-11-td',
    ]);
  });

  it('still reads meetings without sign-ins or minutes elements when a domain enables a check that judges them', async () => {
    const config = shippedConfig();
    config.domains.organ = { ...config.domains.organ, rules: { ...config.domains.organ?.rules, 'evidence-missing': { enabled: true } } };
    const found = await runCheck(t.store, config, now);
    // B2's November committee meeting has neither: without video or photos it is flagged now.
    expect(found.filter((f) => f.rule === 'evidence-missing' && f.org === 'B2').map((f) => `${f.period} ${f.meeting}`)).toEqual(['2026-11 B2-11']);
    expect(brief(found)).toEqual(brief(await runCheck(t.store, shippedConfig(), now)));
  });

  it('gives the same findings on helper threads', async () => {
    const serial = await runCheck(t.store, shippedConfig(), now);
    const parallel: Finding[] = [];
    await forEachBranchFindingsParallel(t.store, shippedConfig(), now, (c) => void parallel.push(...c.flatMap((b) => b.findings)), {
      chunkSize: 1,
      workers: 2,
      minBranches: 0,
      evaluateHere: false,
    });
    expect(parallel).toEqual(serial);
    expect(brief(parallel).length).toBe(5);
  }, 60_000);
});
