/** A fixed sample of reports (pure computation on literals) for rendering tests. */
import { parsePeriod, parseTimestamp } from '../../src/domain/calendar.js';
import { branchFacts } from '../../src/reports/compute-facts.js';
import { computeBranchReports } from '../../src/reports/compute.js';
import { computeCommitteeSummaries } from '../../src/reports/compute-committee.js';
import type { BranchReport, CommitteeSummary, HistoryPoint, OrgInfo } from '../../src/reports/types.js';
import { shippedConfig } from '../helpers/config.js';
import { branch, fullOctober, meeting, raw } from './literal.js';

export const SAMPLE_NOW = parseTimestamp('2026-11-02T09:00')!;

/** Three branches under 甲镇党委 in October 2026; the second has a hostile name and problems. */
export function sampleReports(): { reports: BranchReport[]; summary: CommitteeSummary } {
  const config = shippedConfig();
  const p = parsePeriod('2026-10')!;
  const bad = branch('B2', { name: '<script>alert("x")</script>二村党支部', electedOn: '2021-09-01', termYears: 5 });
  const raws = [
    raw(branch('B1', { name: '一村党支部' }), fullOctober('B1'), {
      assessments: [{ org: 'B1', indicator: '组织生活成效', period: '2026', score: 92 }],
    }),
    raw(
      bad,
      [
        meeting('M-1', 'committee', '2026-10-29T19:00', { expected: 5, attended: 3, minutes: false }),
        meeting('M-2', 'assembly', '2026-10-12T09:00', { expected: 30, attended: 12 }),
      ],
      {
        vetoes: [{ org: 'B2', period: '2026', item: '<b>未按规定</b>开展换届' }],
        alerts: [
          { org: 'B2', rule: 'committee-monthly', period: '2026-09', level: 'escalation', raisedAt: parseTimestamp('2026-10-04T08:30')!, acknowledgedAt: null, open: true },
        ],
      },
    ),
    raw(branch('B3', { name: '三村党支部', establishedOn: '2026-10-20' }), []),
  ];
  const history = new Map<string, HistoryPoint[]>([
    ['B1', [{ period: '2026-09', score: 88.5, stars: 4, rank: 2, committeeRank: 2 }, { period: '2026-08', score: 91, stars: 5, rank: 1, committeeRank: 1 }]],
    ['B2', [{ period: '2026-09', score: 72, stars: 3, rank: 1, committeeRank: 1 }]],
  ]);
  const facts = raws.map((r) => branchFacts(r, p, config, SAMPLE_NOW));
  const reports = computeBranchReports(facts, history, p, config, SAMPLE_NOW);
  const orgs: OrgInfo[] = [{ ...branch('T1', { name: '甲镇党委', kind: 'committee', parent: null, domain: null }) }, ...raws.map((r) => r.org)];
  const [summary] = computeCommitteeSummaries(reports, orgs, config, SAMPLE_NOW);
  return { reports, summary: summary! };
}
