/**
 * Config schema of the rules: the single source of every rule's default thresholds.
 * `config/default.yaml` restates these defaults for admins to read and edit; a test keeps the two equal.
 */
import { z } from 'zod';
import { DOMAINS, LEVELS, MEETING_TYPES, type FrequencyRuleId, type MeetingType, type RuleId } from '../domain/types.js';
import { MINUTES_ELEMENTS, type MinutesElement } from '../domain/members.js';

const periodKind = z.enum(['month', 'quarter', 'year']).describe('calendar period: month | quarter | year');
const ESCALATION_DAYS =
  'days a warning may stay open and unacknowledged after it was delivered to the branch before it becomes an escalation (督办); working or calendar days per alerts.escalation_count';
const days = (what: string) => z.number().int().min(0).max(3660).describe(what);

/** Fields of a recurring-obligation rule (committee-monthly, …), without defaults. */
const frequencyFields = {
  enabled: z.boolean().describe('whether the rule is checked'),
  period: periodKind,
  min_count: z.number().int().min(1).max(100).describe('meetings required per period'),
  reminder_days: days('remind when the period ends within this many days and the obligation is unmet'),
  grace_days: days('days after the period ends before a lapse becomes a warning (records arrive late)'),
  escalation_days: days(ESCALATION_DAYS),
};

/** Fields of a single-record rule (assembly-quorum, minutes-missing, attendance-low). */
const recordFields = {
  enabled: z.boolean().describe('whether the rule is checked'),
  period: periodKind.describe('period a flagged record is grouped under (one finding per period)'),
  level: z.enum(['reminder', 'warning']).describe('level of the finding'),
  escalation_days: days(ESCALATION_DAYS),
};

const attendanceFields = {
  ...recordFields,
  threshold: z.number().gt(0).max(1).describe('minimum attended/expected ratio, for example 0.8'),
};

const termFields = {
  enabled: z.boolean().describe('whether the rule is checked'),
  reminder_days: days('remind this many days before the branch committee term ends'),
  escalation_days: days(ESCALATION_DAYS),
  default_term_years: z.number().int().min(1).max(10).describe('term when the branch has no term_years'),
};

const months = (what: string) => z.number().int().min(1).max(120).describe(what);

const memberAbsenceFields = {
  enabled: z.boolean().describe('whether the rule is checked'),
  reminder_months: months('remind when a member has taken no part in organizational life for this many whole months'),
  warning_months: months('warn at this many months (Party Constitution Art. 9: six months without proper reason)'),
  grace_days: days('days after a month ends before it counts as completed (records arrive late)'),
  escalation_days: days('days a warning may stay unacknowledged before it becomes an escalation'),
};

const probationFields = {
  enabled: z.boolean().describe('whether the rule is checked'),
  reminder_days: days('remind this many days before a probationary year ends (预备期满)'),
  grace_days: days('days after the due date before a missing 转正 decision becomes a warning'),
  escalation_days: days('days a warning may stay unacknowledged before it becomes an escalation'),
};

const meetingCheckFields = {
  enabled: z.boolean().describe('whether the rule is checked'),
  level: z.enum(['reminder', 'warning']).describe('level of the finding'),
  escalation_days: days('days a warning may stay unacknowledged before it becomes an escalation'),
};

const elementList = z.array(z.enum(MINUTES_ELEMENTS));
const minutesIncompleteFields = {
  ...meetingCheckFields,
  required: z
    .partialRecord(z.enum(MEETING_TYPES), elementList)
    .describe('minutes elements required per meeting type (place, chair, recorder, agenda, resolutions); a type not listed requires none'),
};

const tooShortFields = {
  ...meetingCheckFields,
  min_minutes: z
    .partialRecord(z.enum(MEETING_TYPES), z.number().int().min(1).max(1440))
    .describe('shortest acceptable duration in minutes per meeting type; a type not listed is not checked'),
};

const evidenceFields = {
  ...meetingCheckFields,
  types: z
    .array(z.enum(MEETING_TYPES))
    .describe(
      'meeting types that must have a video or photos. The 2025 rules on reducing grassroots burdens (整治形式主义为基层减负) forbid forcing photo and video uploads: enable this rule only where the county has knowingly decided to',
    ),
};

type Shape = Record<string, z.ZodType>;
const RULE_SHAPES: Record<RuleId, Shape> = {
  'committee-monthly': frequencyFields,
  'group-monthly': frequencyFields,
  'theme-day-monthly': frequencyFields,
  'assembly-quarterly': frequencyFields,
  'lecture-quarterly': frequencyFields,
  'secretary-lecture-yearly': frequencyFields,
  'life-meeting-yearly': frequencyFields,
  'review-yearly': frequencyFields,
  'assembly-quorum': recordFields,
  'minutes-missing': recordFields,
  'attendance-low': attendanceFields,
  'term-expiry': termFields,
  'member-absence': memberAbsenceFields,
  'probation-due': probationFields,
  'attendance-mismatch': meetingCheckFields,
  'minutes-incomplete': minutesIncompleteFields,
  'meeting-too-short': tooShortFields,
  'evidence-missing': evidenceFields,
};

const BASIC_ELEMENTS: MinutesElement[] = ['chair', 'recorder', 'agenda'];
const WITH_RESOLUTIONS: MinutesElement[] = ['chair', 'recorder', 'agenda', 'resolutions'];

const freq = (period: 'month' | 'quarter' | 'year', reminder_days: number) => ({
  enabled: true,
  period,
  min_count: 1,
  reminder_days,
  grace_days: 3,
  escalation_days: 7,
});

/** The default of every rule. */
export const RULE_DEFAULTS = {
  'committee-monthly': freq('month', 7),
  'group-monthly': freq('month', 7),
  'theme-day-monthly': freq('month', 7),
  'assembly-quarterly': freq('quarter', 15),
  'lecture-quarterly': freq('quarter', 15),
  'secretary-lecture-yearly': freq('year', 30),
  'life-meeting-yearly': freq('year', 30),
  'review-yearly': freq('year', 30),
  'assembly-quorum': { enabled: true, period: 'quarter', level: 'warning', escalation_days: 7 },
  'minutes-missing': { enabled: true, period: 'month', level: 'reminder', escalation_days: 7 },
  'attendance-low': { enabled: false, period: 'month', level: 'reminder', escalation_days: 7, threshold: 0.8 },
  'term-expiry': { enabled: true, reminder_days: 180, escalation_days: 30, default_term_years: 3 },
  'member-absence': { enabled: true, reminder_months: 3, warning_months: 6, grace_days: 3, escalation_days: 30 },
  'probation-due': { enabled: true, reminder_days: 30, grace_days: 3, escalation_days: 30 },
  'attendance-mismatch': { enabled: true, level: 'reminder', escalation_days: 7 },
  'minutes-incomplete': {
    enabled: true,
    level: 'reminder',
    escalation_days: 7,
    required: {
      assembly: WITH_RESOLUTIONS,
      committee: WITH_RESOLUTIONS,
      group: BASIC_ELEMENTS,
      lecture: BASIC_ELEMENTS,
      theme_day: BASIC_ELEMENTS,
      life_meeting: BASIC_ELEMENTS,
      review: BASIC_ELEMENTS,
    } as Partial<Record<MeetingType, MinutesElement[]>>,
  },
  'meeting-too-short': {
    enabled: false,
    level: 'reminder',
    escalation_days: 7,
    min_minutes: { assembly: 60, committee: 30, group: 30, lecture: 45, theme_day: 60, life_meeting: 90, review: 60 } as Partial<Record<MeetingType, number>>,
  },
  'evidence-missing': { enabled: false, level: 'reminder', escalation_days: 7, types: [...MEETING_TYPES] as MeetingType[] },
} as const;

export interface FrequencyRuleConfig {
  enabled: boolean;
  period: 'month' | 'quarter' | 'year';
  min_count: number;
  reminder_days: number;
  grace_days: number;
  escalation_days: number;
}
export interface RecordRuleConfig {
  enabled: boolean;
  period: 'month' | 'quarter' | 'year';
  level: 'reminder' | 'warning';
  escalation_days: number;
}
export interface AttendanceRuleConfig extends RecordRuleConfig {
  threshold: number;
}
export interface TermRuleConfig {
  enabled: boolean;
  reminder_days: number;
  escalation_days: number;
  default_term_years: number;
}
export interface MemberAbsenceConfig {
  enabled: boolean;
  reminder_months: number;
  warning_months: number;
  grace_days: number;
  escalation_days: number;
}
export interface ProbationConfig {
  enabled: boolean;
  reminder_days: number;
  grace_days: number;
  escalation_days: number;
}
export interface MeetingCheckConfig {
  enabled: boolean;
  level: 'reminder' | 'warning';
  escalation_days: number;
}
export interface MinutesIncompleteConfig extends MeetingCheckConfig {
  required: Partial<Record<MeetingType, MinutesElement[]>>;
}
export interface TooShortConfig extends MeetingCheckConfig {
  min_minutes: Partial<Record<MeetingType, number>>;
}
export interface EvidenceConfig extends MeetingCheckConfig {
  types: MeetingType[];
}
/** Effective configuration of every rule (for one domain, after overrides). */
export type RulesConfig = { [K in FrequencyRuleId]: FrequencyRuleConfig } & {
  'assembly-quorum': RecordRuleConfig;
  'minutes-missing': RecordRuleConfig;
  'attendance-low': AttendanceRuleConfig;
  'term-expiry': TermRuleConfig;
  'member-absence': MemberAbsenceConfig;
  'probation-due': ProbationConfig;
  'attendance-mismatch': MeetingCheckConfig;
  'minutes-incomplete': MinutesIncompleteConfig;
  'meeting-too-short': TooShortConfig;
  'evidence-missing': EvidenceConfig;
};

/** `rules:` — every rule with its thresholds; omitted keys take the defaults above. */
export const rulesSchema = z
  .object(
    Object.fromEntries(
      Object.entries(RULE_SHAPES).map(([id, shape]) => {
        const defaults = RULE_DEFAULTS[id as RuleId] as Record<string, unknown>;
        const withDefaults = Object.fromEntries(
          Object.entries(shape).map(([k, s]) => [k, (s as z.ZodType).default(defaults[k] as never)]),
        );
        return [id, z.object(withDefaults).strict().prefault({})];
      }),
    ),
  )
  .strict()
  .prefault({}) as unknown as z.ZodType<RulesConfig>;

/** `domains.<domain>.rules:` — per-domain overrides: any subset of any rule's keys, no defaults. */
export const ruleOverridesSchema = z
  .object(
    Object.fromEntries(
      Object.entries(RULE_SHAPES).map(([id, shape]) => [id, z.object(shape).partial().strict().optional()]),
    ),
  )
  .strict() as unknown as z.ZodType<{ [K in RuleId]?: Partial<RulesConfig[K]> }>;

export const domainOverridesSchema = z
  .partialRecord(
    z.enum(DOMAINS),
    z.object({ rules: ruleOverridesSchema.optional() }).strict().describe('overrides for one domain'),
  )
  .default({
    rural: { rules: { 'term-expiry': { default_term_years: 5 } } },
    community: { rules: { 'term-expiry': { default_term_years: 5 } } },
  });

export const levelSchema = z.enum(LEVELS);
