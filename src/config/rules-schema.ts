/**
 * Config schema of the rules: the single source of every rule's default thresholds.
 * `config/default.yaml` restates these defaults for admins to read and edit; a test keeps the two equal.
 */
import { z } from 'zod';
import { DOMAINS, LEVELS, type FrequencyRuleId, type RuleId } from '../domain/types.js';

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
};

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
/** Effective configuration of every rule (for one domain, after overrides). */
export type RulesConfig = { [K in FrequencyRuleId]: FrequencyRuleConfig } & {
  'assembly-quorum': RecordRuleConfig;
  'minutes-missing': RecordRuleConfig;
  'attendance-low': AttendanceRuleConfig;
  'term-expiry': TermRuleConfig;
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
