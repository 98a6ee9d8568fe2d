/**
 * The data of health-check reports: what the store gives the pure computation (facts), and what
 * the computation gives the renderers (reports). Everything is plain JSON (no Map, no Date), so a
 * stored report reads back exactly as it was computed.
 */
import type { Exemption } from '../domain/exemptions.js';
import type { Period, PeriodKind } from '../domain/calendar.js';
import type { Domain, Finding, FrequencyRuleId, Level, MeetingType } from '../domain/types.js';
import type { CategoryId, ProblemRuleId } from './config.js';
import type { BranchRatingSection, CommitteeRatingSection } from '../rating/report-section.js';
import type { MemberCounts, MemberSection } from './compute-members.js';

export type { AlertFact, AssessmentFact, HistoryPoint, MeetingInfo, OrgInfo, RectificationFact, VetoFact } from '../store/types/reports.js';
import type { AlertFact, AssessmentFact, HistoryPoint, MeetingInfo, OrgInfo, RectificationFact, VetoFact } from '../store/types/reports.js';

/** Whether one recurring obligation was met in one sub-period of the report period. */
export interface ObligationStatus {
  rule: FrequencyRuleId;
  period: string;
  required: number;
  /** Meetings that count towards it (quorum, lecturer role). */
  counted: number;
  met: boolean;
  /** When not met: record ids of the meetings of its type in that sub-period (evidence); else empty. */
  meetingIds: string[];
  /** Share of the sub-period elapsed when the obligation became met (0 = first day, 1 = last moment). */
  lateness: number | null;
  /** Met before its reminder window began (no reminder was needed). */
  onTime: boolean;
}

/** The organizational-life indicators of one branch in one period. */
export interface BranchStats {
  obligations: ObligationStatus[];
  required: number;
  met: number;
  meetings: number;
  attendance: { expected: number; attended: number; rate: number | null };
  minutes: { yes: number; no: number; unknown: number; completeness: number | null };
  assemblies: { held: number; quorate: number };
  timeliness: { met: number; onTime: number; meanLateness: number | null };
  warnings: { received: number; acknowledged: number; promptlyAcknowledged: number; meanAckDays: number | null; open: number };
  /** Open escalations (督办) of the branch at report time, any period. */
  openEscalations: number;
  /** Open (unacknowledged) warnings of the branch at report time, any period. */
  openWarnings: number;
  rectifications: { due: number; closedOnTime: number; open: number; overdue: number };
  term: { endDate: string | null; status: 'ok' | 'due-soon' | 'overdue' | 'unknown' };
  /** Roster and sign-in counts (no names); absent when the branch has no roster. */
  members?: MemberCounts;
}

/** Everything the scoring needs of one branch, gathered by the store glue (or written as literals in tests). */
export interface BranchFacts {
  org: OrgInfo;
  parentName: string | null;
  stats: BranchStats;
  /** Rule findings of the period (sub-periods inside it, and the current term). */
  findings: Finding[];
  /** Meetings referred to by findings, for evidence lines. */
  meetings: Record<string, MeetingInfo>;
  /** Imported indicator → score (already resolved for the report period). */
  assessments: Record<string, number>;
  /** Imported indicators not configured in reports.imported_indicators (not scored). */
  unknownIndicators: string[];
  vetoes: VetoFact[];
  overdueItems: RectificationFact[];
  /** False when the branch was founded after the period began: nothing or part of it was required. */
  existedWholePeriod: boolean;
  /** The 党员管理 section (names) when the branch has a roster. */
  memberSection?: MemberSection;
  /** Lapses an exemption (豁免) covers: shown apart, not problems, not scored. */
  exempted?: { finding: Finding; exemption: Exemption }[];
}

/** One indicator's score. `score` null = no data. */
export interface IndicatorScore {
  id: string;
  name: string;
  source: 'records' | 'imported';
  weight: number;
  score: number | null;
  detail: string;
}

/** One category's score. `score` null = no data (see reports.missing_data). */
export interface CategoryScore {
  id: CategoryId;
  name: string;
  weight: number;
  score: number | null;
  indicators: IndicatorScore[];
}

/** One entry of a report's problem list. */
export interface Problem {
  rule: ProblemRuleId;
  title: string;
  level: Level | null;
  /** Period label of the lapse (or term end date, or the negative-list period). */
  period: string;
  /** When, in words ('2026年10月', '截至 2026-10-31'). */
  when: string;
  message: string;
  evidence: string[];
  suggestion: string;
  /** A lapse of a period that ended before go-live (alerts.start_from): history, never sent (上线前). */
  history?: true;
}

/** The health-check report (体检报告) of one branch for one period. */
export interface BranchReport {
  kind: 'branch';
  org: string;
  name: string;
  parent: string | null;
  parentName: string | null;
  domain: Domain | null;
  domainName: string | null;
  period: string;
  periodKind: PeriodKind;
  periodName: string;
  generatedAt: number;
  /** 0–100, one decimal; null = not rated (nothing was required of the branch in this period). */
  score: number | null;
  grade: string | null;
  stars: number | null;
  /** Stars before the negative-list cap. */
  starsBeforeVeto: number | null;
  vetoed: boolean;
  /** Rank city-wide among rated branches of the same domain (ties share a rank). */
  rank: number | null;
  rankOf: number;
  /** Rank among rated branches of the same parent committee. */
  committeeRank: number | null;
  committeeRankOf: number;
  previous: HistoryPoint | null;
  change: { score: number | null; rank: number | null; committeeRank: number | null; stars: number | null };
  categories: CategoryScore[];
  stats: BranchStats;
  problems: Problem[];
  rectification: { days: number; deadline: string; dueAt: number };
  trend: { period: string; score: number | null }[];
  notes: string[];
  /** The star-rating year: star history, star and subsidy in effect, demonstration sites, weak-branch rectification. */
  rating?: BranchRatingSection;
  /** 党员管理 from roster and sign-ins (member names: the branch's own report only); absent without a roster. */
  members?: MemberSection;
  /** Lapses an exemption (豁免) covers, with its reason: not counted as problems, not scored. */
  exempted?: { rule: string; title: string; when: string; note: string }[];
  /** Colour grade (红黄绿) of the period's last month; absent in reports stored before grades existed. */
  colour?: ColourSection;
}

/** A branch's colour grade (红黄绿) of one month (src/grades). */
export interface ColourSection {
  month: string;
  colour: 'red' | 'yellow' | 'green';
  /** 红 / 黄 / 绿 and what it means (长期不开展组织生活 …). */
  name: string;
  meaning: string;
  warningMonths: number;
  redMonths: number;
  consequence: string | null;
}

/** A committee's colour grades of one month: counts, the consequences to carry out, red and yellow branches. */
export interface CommitteeColours {
  month: string;
  counts: { red: number; yellow: number; green: number };
  consequences: { org: string; name: string; redMonths: number; consequence: string }[];
  flagged: { org: string; name: string; colour: 'red' | 'yellow'; warningMonths: number }[];
}

/** A committee's summary of its branches (all branches below it). */
export interface CommitteeSummary {
  kind: 'committee';
  org: string;
  name: string;
  period: string;
  periodKind: PeriodKind;
  periodName: string;
  generatedAt: number;
  branchCount: number;
  ratedCount: number;
  averageScore: number | null;
  branches: {
    org: string;
    name: string;
    domain: Domain | null;
    score: number | null;
    grade: string | null;
    stars: number | null;
    vetoed: boolean;
    /** Rank among this committee's rated branches. */
    rank: number | null;
    scoreChange: number | null;
    problems: number;
    openEscalations: number;
    overdueRectifications: number;
    /** Roster counts (members absent 3+/6+ months, probationary members due); absent without a roster. */
    members?: MemberCounts;
  }[];
  /** Totals over the branches with rosters. */
  members?: { branches: number; roster: number; absent3: number; absent6: number; probationDue: number };
  grades: { grade: string; count: number }[];
  stars: { stars: number; count: number }[];
  commonProblems: { rule: ProblemRuleId; title: string; branches: number }[];
  attention: { org: string; name: string; openEscalations: number; overdueRectifications: number }[];
  /** The star-rating year: star distribution and change, five-star candidates, weak branches, subsidy total. */
  rating?: CommitteeRatingSection;
  /** Colour grades (红黄绿) of the period's last month. */
  colours?: CommitteeColours;
}

/** The period a report covers, with the sub-periods its obligations are judged in. */
export interface ReportPeriod extends Period {
  name: string;
}
