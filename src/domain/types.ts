/**
 * Shared domain types: the one vocabulary of import, store, rules, alerts, notifiers and reports.
 * Codes here are the interchange-format codes of ../shared/domain.md and are a stable contract.
 */

export const DOMAINS = [
  'rural',
  'community',
  'organ',
  'school',
  'private_enterprise',
  'social_org',
  'soe',
  'institution',
] as const;
export type Domain = (typeof DOMAINS)[number];

export const DOMAIN_NAMES_ZH: Record<Domain, string> = {
  rural: '农村',
  community: '社区',
  organ: '机关',
  school: '学校',
  private_enterprise: '非公企业',
  social_org: '社会组织',
  soe: '国有企业',
  institution: '事业单位',
};

export const ORG_KINDS = ['committee', 'branch'] as const;
export type OrgKind = (typeof ORG_KINDS)[number];

export const MEETING_TYPES = [
  'assembly',
  'committee',
  'group',
  'lecture',
  'theme_day',
  'life_meeting',
  'review',
] as const;
export type MeetingType = (typeof MEETING_TYPES)[number];

export const MEETING_TYPE_NAMES_ZH: Record<MeetingType, string> = {
  assembly: '支部党员大会',
  committee: '支部委员会会议',
  group: '党小组会',
  lecture: '党课',
  theme_day: '主题党日',
  life_meeting: '组织生活会',
  review: '民主评议党员',
};

export const LECTURER_ROLES = ['secretary', 'other'] as const;
export type LecturerRole = (typeof LECTURER_ROLES)[number];

export const LEVELS = ['reminder', 'warning', 'escalation'] as const;
export type Level = (typeof LEVELS)[number];
export const LEVEL_NAMES_ZH: Record<Level, string> = { reminder: '提醒', warning: '预警', escalation: '督办' };
/** Higher number = more severe; used to order and to detect "level raised". */
export const LEVEL_RANK: Record<Level, number> = { reminder: 1, warning: 2, escalation: 3 };

export const FREQUENCY_RULE_IDS = [
  'committee-monthly',
  'group-monthly',
  'theme-day-monthly',
  'assembly-quarterly',
  'lecture-quarterly',
  'secretary-lecture-yearly',
  'life-meeting-yearly',
  'review-yearly',
] as const;
export const RECORD_RULE_IDS = ['assembly-quorum', 'minutes-missing', 'attendance-low'] as const;
/** Rules on members (need a roster and sign-ins): findings carry `member`. */
export const MEMBER_RULE_IDS = ['member-absence', 'probation-due'] as const;
/** Checks on one meeting's details (sign-ins, minutes elements, duration, evidence): findings carry `meeting`. */
export const MEETING_CHECK_RULE_IDS = ['attendance-mismatch', 'minutes-incomplete', 'meeting-too-short', 'evidence-missing'] as const;
export const RULE_IDS = [...FREQUENCY_RULE_IDS, ...RECORD_RULE_IDS, 'term-expiry', ...MEMBER_RULE_IDS, ...MEETING_CHECK_RULE_IDS] as const;
export type FrequencyRuleId = (typeof FREQUENCY_RULE_IDS)[number];
export type RecordRuleId = (typeof RECORD_RULE_IDS)[number];
export type MemberRuleId = (typeof MEMBER_RULE_IDS)[number];
export type MeetingCheckRuleId = (typeof MEETING_CHECK_RULE_IDS)[number];
export type RuleId = (typeof RULE_IDS)[number];

export const RULE_NAMES_ZH: Record<RuleId, string> = {
  'committee-monthly': '每月召开支委会',
  'group-monthly': '每月召开党小组会',
  'theme-day-monthly': '每月开展主题党日',
  'assembly-quarterly': '每季度召开支部党员大会',
  'lecture-quarterly': '每季度上党课',
  'secretary-lecture-yearly': '书记每年讲党课',
  'life-meeting-yearly': '每年召开组织生活会',
  'review-yearly': '每年开展民主评议党员',
  'assembly-quorum': '党员大会到会人数过半',
  'minutes-missing': '会议应有记录',
  'attendance-low': '参会率达标',
  'term-expiry': '支部委员会按期换届',
  'member-absence': '党员按期参加组织生活',
  'probation-due': '预备党员按期转正',
  'attendance-mismatch': '实到人数与签到一致',
  'minutes-incomplete': '会议记录要素齐全',
  'meeting-too-short': '会议时长达标',
  'evidence-missing': '会议留存影像资料',
};

/** An organization: a Party committee (党委) or a branch (党支部). Dates are 'YYYY-MM-DD' (Shanghai). */
export interface Org {
  code: string;
  name: string;
  kind: OrgKind;
  parent: string | null;
  domain: Domain | null;
  members: number | null;
  groups: number;
  secretary: string | null;
  secretaryPhone: string | null;
  secretaryEmail: string | null;
  clerk: string | null;
  clerkPhone: string | null;
  clerkEmail: string | null;
  /** Deputy secretary or organization committee member (副书记 / 组织委员), who stands in for the secretary. */
  deputy?: string | null;
  deputyPhone?: string | null;
  deputyEmail?: string | null;
  electedOn: string | null;
  termYears: number | null;
  establishedOn: string | null;
  /** Set (epoch ms) only on an org marked removed (撤销): `orgs.get` still finds it, `orgs.list` does not. */
  removedAt?: number;
}

/** One meeting record. `heldAt` is epoch milliseconds (UTC instant). */
export interface Meeting {
  id: string;
  org: string;
  type: MeetingType;
  heldAt: number;
  expected: number;
  attended: number;
  /** null = unknown (not flagged). */
  minutes: boolean | null;
  lecturerRole: LecturerRole | null;
  topic: string | null;
  /** Optional minutes elements (会议记录要素) and evidence; absent or null = not recorded. */
  place?: string | null;
  chair?: string | null;
  recorder?: string | null;
  agenda?: string | null;
  resolutions?: string | null;
  durationMinutes?: number | null;
  video?: boolean | null;
  photos?: number | null;
}

/**
 * What a rule says about one org, rule and period. The one currency between rules, alerts and
 * reports. Identity is (org, rule, period, subject): the subject is the member of a member rule or the
 * meeting of a single-meeting check, empty otherwise (findingSubject).
 */
export interface Finding {
  org: string;
  rule: RuleId;
  level: Level;
  /** Period label ('2026-10', '2026-Q3', '2026'), or the due date 'YYYY-MM-DD' for term-expiry. */
  period: string;
  /** When the obligation is/was due, epoch ms (end of period, or term end). */
  dueAt: number;
  /** Chinese, for secretaries. */
  message: string;
  /**
   * The rule's `escalation_days`: how long a warning, once delivered to the branch, may stay open
   * and unacknowledged before the alert lifecycle escalates it (督办). Absent = never escalates.
   */
  escalationDays?: number;
  /** Ids of the meeting records the finding is about (record rules), for evidence in reports. */
  meetingIds?: string[];
  /** The member id, for member rules (member-absence, probation-due): part of the alert identity. */
  member?: string;
  /** The meeting record id, for single-meeting checks (attendance-mismatch, …): part of the alert identity. */
  meeting?: string;
}

/** The part of an alert identity beyond (org, rule, period): the member or meeting id, '' for branch rules. */
export function findingSubject(f: Pick<Finding, 'member' | 'meeting'>): string {
  return f.member ?? f.meeting ?? '';
}
