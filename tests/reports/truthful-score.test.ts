/**
 * Scores that tell the truth: no data is never full marks, what is still open costs points, a branch
 * that held nothing cannot reach the middle grades — and a property test: adding a lapse to a
 * branch never raises its score (hundreds of random branches, a seeded PRNG, so a failure replays).
 */
import { describe, expect, it } from 'vitest';
import { parsePeriod, parseTimestamp } from '../../src/domain/calendar.js';
import type { MeetingType } from '../../src/domain/types.js';
import { branchFacts, type BranchRaw } from '../../src/reports/compute-facts.js';
import { computeBranchReports } from '../../src/reports/compute.js';
import { categoryScores, totalScore } from '../../src/reports/compute-score.js';
import type { AlertFact, BranchFacts, RectificationFact } from '../../src/reports/types.js';
import { mulberry32 } from '../../src/synth/prng.js';
import { shippedConfig } from '../helpers/config.js';
import { branch, meeting, raw } from './literal.js';

const config = shippedConfig();
const Q4 = parsePeriod('2026-Q4')!;
const NOW = parseTimestamp('2027-01-05T09:00')!;

const score = (f: BranchFacts) => totalScore(f, categoryScores(f, config), config);
const facts = (r: BranchRaw) => branchFacts(r, Q4, config, NOW);

function openAlert(rule: string, period: string, level: AlertFact['level'], raised = '2026-11-04T09:00'): AlertFact {
  return { org: 'B1', rule, period, level, raisedAt: parseTimestamp(raised)!, acknowledgedAt: null, open: true };
}
function overdueItem(id: number): RectificationFact {
  return {
    id, org: 'B1', rule: 'committee-monthly', problemPeriod: '2026-10', reportPeriod: '2026-10', title: '整改', status: 'open',
    dueAt: parseTimestamp('2026-12-15T00:00')!, closedAt: null,
  };
}

describe('scores that tell the truth', () => {
  it('never gives full marks for an indicator without data: no warning received and no rectification due are not scored', () => {
    const r = facts(raw(branch('B1'), []));
    const mechanism = categoryScores(r, config).find((c) => c.id === 'mechanism')!;
    const byId = new Map(mechanism.indicators.map((i) => [i.id, i]));
    expect(byId.get('warning_response')).toMatchObject({ score: null, detail: '本期未收到预警，不计分' });
    expect(byId.get('rectification')!.score).toBeNull();
    expect(mechanism.score).not.toBe(100);
  });

  it('keeps a branch that held none of its obligations below the middle grades, and open escalations and overdue items lower it further', () => {
    const nothing = raw(branch('B1'), [], {
      alerts: [1, 2, 3, 4, 5].map((n) => openAlert('committee-monthly', `2026-0${n}`, 'escalation')),
    });
    const [report] = computeBranchReports([facts(nothing)], new Map(), Q4, config, NOW);
    expect(report!.score).toBeLessThan(60);
    expect(report!.grade).toBe('差');
    expect(report!.notes.join('')).toContain('未办结的督办 5 项，扣 40 分');
    expect(report!.notes.join('')).toContain('均未落实');

    const one = raw(branch('B1'), fullQuarter(), { alerts: [openAlert('committee-monthly', '2026-09', 'escalation', '2026-08-04T09:00')] });
    expect(score(facts({ ...one, items: [overdueItem(1), overdueItem(2)] }))!).toBeLessThan(score(facts(one))!);
  });

  it('caps the deductions at penalties.max', () => {
    // Raised before the quarter: only the deductions differ, not the warning-response indicator.
    const old = (n: number) => openAlert('minutes-missing', `x${n}`, 'escalation', '2026-08-04T09:00');
    const many = raw(branch('B1'), fullQuarter(), { alerts: Array.from({ length: 30 }, (_, n) => old(n)) });
    const clean = score(facts(raw(branch('B1'), fullQuarter())))!;
    expect(clean - score(facts(many))!).toBeCloseTo(config.reports.penalties.max, 5);
  });
});

/** Every obligation of Q4 2026 held on the 5th of its month (a rural branch without groups). */
function fullQuarter(): ReturnType<typeof meeting>[] {
  const out = [];
  for (const m of ['10', '11', '12']) {
    out.push(meeting(`c${m}`, 'committee', `2026-${m}-05T10:00`), meeting(`t${m}`, 'theme_day', `2026-${m}-05T14:00`));
  }
  out.push(meeting('a', 'assembly', '2026-10-06T10:00'), meeting('l', 'lecture', '2026-10-07T10:00', { lecturerRole: 'other' }));
  out.push(meeting('sl', 'lecture', '2026-11-07T10:00'), meeting('lm', 'life_meeting', '2026-12-07T10:00'), meeting('rv', 'review', '2026-12-08T10:00'));
  return out;
}

const TYPES: MeetingType[] = ['committee', 'theme_day', 'assembly', 'lecture', 'life_meeting', 'review', 'group'];

/** A random branch's quarter: some meetings, some alerts, some rectification items. */
function randomRaw(rand: () => number): BranchRaw {
  const meetings = [];
  const n = Math.floor(rand() * 16);
  for (let i = 0; i < n; i++) {
    const type = TYPES[Math.floor(rand() * TYPES.length)]!;
    const month = ['10', '11', '12'][Math.floor(rand() * 3)]!;
    const day = String(1 + Math.floor(rand() * 28)).padStart(2, '0');
    const expected = 5 + Math.floor(rand() * 20);
    meetings.push(
      meeting(`m${i}`, type, `2026-${month}-${day}T10:00`, {
        expected,
        attended: Math.floor(rand() * (expected + 1)),
        minutes: rand() < 0.8 ? true : rand() < 0.5 ? false : null,
        lecturerRole: type === 'lecture' ? (rand() < 0.5 ? 'secretary' : 'other') : null,
      }),
    );
  }
  const alerts = Array.from({ length: Math.floor(rand() * 4) }, (_, i) => ({
    ...openAlert('committee-monthly', `2026-0${i + 1}`, rand() < 0.5 ? ('warning' as const) : ('escalation' as const)),
    open: rand() < 0.7,
  }));
  const items = Array.from({ length: Math.floor(rand() * 3) }, (_, i) => overdueItem(i + 1));
  return raw(branch('B1', { groups: rand() < 0.3 ? 2 : 0, electedOn: rand() < 0.5 ? '2024-03-01' : null }), meetings, { alerts, items });
}

/** The ways a branch's record can gain one lapse, as the data that reaches the scoring. */
const LAPSES: { name: string; apply: (r: BranchRaw, f: BranchFacts, rand: () => number) => BranchFacts | null }[] = [
  {
    name: 'a met obligation becomes unmet (its meetings held, but not counted: e.g. recorded for the wrong period)',
    apply: (_r, f, rand) => {
      const met = f.stats.obligations.filter((o) => o.met);
      if (!met.length) return null;
      const pick = met[Math.floor(rand() * met.length)]!;
      const obligations = f.stats.obligations.map((o) => (o === pick ? { ...o, met: false, onTime: false, lateness: null } : o));
      const nowMet = obligations.filter((o) => o.met);
      return {
        ...f,
        stats: {
          ...f.stats,
          obligations,
          met: nowMet.length,
          timeliness: { ...f.stats.timeliness, met: nowMet.length, onTime: nowMet.filter((o) => o.onTime).length },
        },
      };
    },
  },
  { name: 'a new open warning', apply: (r) => facts({ ...r, alerts: [...r.alerts, openAlert('theme-day-monthly', '2026-11', 'warning')] }) },
  { name: 'a new open escalation', apply: (r) => facts({ ...r, alerts: [...r.alerts, openAlert('theme-day-monthly', '2026-11', 'escalation')] }) },
  { name: 'a new overdue rectification item', apply: (r) => facts({ ...r, items: [...r.items, overdueItem(99)] }) },
];

describe('property: adding a lapse never raises a score', () => {
  it('holds on 300 random branches for every kind of lapse', () => {
    const rand = mulberry32(20261201);
    let checked = 0;
    for (let i = 0; i < 300; i++) {
      const r = randomRaw(rand);
      const before = facts(r);
      const s0 = score(before);
      if (s0 === null) continue;
      for (const lapse of LAPSES) {
        const after = lapse.apply(r, before, rand);
        if (!after) continue;
        const s1 = score(after);
        expect(s1, `${lapse.name} on random branch #${i}`).not.toBeNull();
        expect(s1!, `${lapse.name} on random branch #${i}: ${s0} → ${s1}`).toBeLessThanOrEqual(s0);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(700);
  }, 180_000);
});
