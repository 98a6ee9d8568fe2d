/**
 * Config schema of the health-check reports (体检报告) and the star-rating estimate (评星定级):
 * category weights (per domain), indicator weights, grade/star bands, the negative list's cap,
 * suggestions per rule and the rectification deadline. The single source of these defaults;
 * config/default.yaml restates them for admins.
 */
import { z } from 'zod';
import { DOMAINS, RULE_IDS } from '../domain/types.js';

/** The five categories of the star rating, in display order. */
export const CATEGORY_IDS = ['leadership', 'mechanism', 'org_life', 'members', 'support'] as const;
export type CategoryId = (typeof CATEGORY_IDS)[number];
export const CATEGORY_NAMES_ZH: Record<CategoryId, string> = {
  leadership: '班子建设',
  mechanism: '运行机制',
  org_life: '组织生活',
  members: '党员管理',
  support: '基础保障',
};

/**
 * Indicators computed from the records, each in a fixed category. Their weights (within the
 * category) are configurable; 0 switches one off.
 */
export const RECORD_INDICATORS = {
  term: { category: 'leadership', name: '按期换届' },
  duties: { category: 'leadership', name: '支委会与书记讲党课' },
  warning_response: { category: 'mechanism', name: '预警响应' },
  rectification: { category: 'mechanism', name: '整改落实' },
  obligations: { category: 'org_life', name: '三会一课按期开展' },
  quorum: { category: 'org_life', name: '党员大会到会过半' },
  timeliness: { category: 'org_life', name: '按时开展（不拖到期末）' },
  attendance: { category: 'members', name: '党员参会率' },
  review: { category: 'members', name: '民主评议党员' },
  participation: { category: 'members', name: '党员参加组织生活（签到）' },
  minutes: { category: 'support', name: '会议记录完整' },
} as const satisfies Record<string, { category: CategoryId; name: string }>;
export type RecordIndicatorId = keyof typeof RECORD_INDICATORS;
export const RECORD_INDICATOR_IDS = Object.keys(RECORD_INDICATORS) as RecordIndicatorId[];

/** Problem kinds a report can list besides rule ids: the negative list and overdue rectifications. */
export const EXTRA_PROBLEM_IDS = ['veto', 'rectification-overdue'] as const;
export type ProblemRuleId = (typeof RULE_IDS)[number] | (typeof EXTRA_PROBLEM_IDS)[number];

/** Default Chinese suggestion for every rule id (and the two extra problem kinds). */
export const DEFAULT_SUGGESTIONS: Record<ProblemRuleId, string> = {
  'committee-monthly': '支部委员会应每月至少召开一次，建议固定每月召开时间，会前明确议题，会后及时录入记录。',
  'group-monthly': '各党小组应每月至少召开一次党小组会，建议由党小组长制定月度计划并督促落实。',
  'theme-day-monthly': '每月应开展一次主题党日活动，建议结合“三会一课”统筹安排，提前确定主题和时间。',
  'assembly-quarterly': '支部党员大会应每季度至少召开一次且到会人数过半，建议提前通知、确保党员按时参会。',
  'lecture-quarterly': '每季度应至少上一次党课，建议制定年度党课计划，明确授课人和主题。',
  'secretary-lecture-yearly': '支部书记每年应至少讲一次党课，建议将书记讲党课列入年度计划并按时完成。',
  'life-meeting-yearly': '每年应至少召开一次组织生活会，建议会前深入谈心谈话，会上认真开展批评和自我批评。',
  'review-yearly': '每年应开展一次民主评议党员，建议结合组织生活会一并安排，规范评议程序。',
  'assembly-quorum': '党员大会应有半数以上党员到会方为有效，建议会前落实请假报备，人数不足时改期召开。',
  'minutes-missing': '会议记录应要素齐全（时间、地点、主持人、记录人、出缺席、议程、决议），建议会后及时补全记录。',
  'attendance-low': '党员参会率偏低，建议加强通知提醒，对长期不参加组织生活的党员进行谈心谈话。',
  'term-expiry': '支部委员会任期即将届满或已届满，建议及时向上级党组织请示，按期做好换届选举工作。',
  'member-absence': '有党员长期未参加组织生活，建议逐一谈心谈话、查明原因；对无正当理由连续六个月不参加组织生活的，按党章第九条规定处置。',
  'probation-due': '有预备党员预备期已满或即将届满，建议及时召开支部党员大会讨论其转正问题，并按程序报上级党组织审批。',
  'attendance-mismatch': '会议实到人数多于签到人数，建议核实参会情况、规范签到，做到实到人数与签到一致。',
  'minutes-incomplete': '会议记录要素不全，建议对照要求补全主持人、记录人、议程、决议等要素。',
  'meeting-too-short': '会议时长不足，建议充实会议内容，确保会议质量。',
  'evidence-missing': '会议未留存影像资料，建议按本地规定留存（不得强制要求上传照片和录像）。',
  veto: '存在负面清单事项，本期不得评为五星，建议对照问题逐项整改，并向上级党组织报告整改情况。',
  'rectification-overdue': '整改事项已超过期限仍未完成，建议明确责任人和时限，尽快完成整改并报上级党组织。',
};

const weight = z.number().min(0).max(1000);
const categoryWeights = z
  .object(Object.fromEntries(CATEGORY_IDS.map((c) => [c, weight])) as Record<CategoryId, typeof weight>)
  .strict();

const DEFAULT_CATEGORY_WEIGHTS: Record<CategoryId, number> = {
  leadership: 20,
  mechanism: 20,
  org_life: 30,
  members: 15,
  support: 15,
};

/** Record indicators take 60 of each category's 100 and imported ones 40 (工作成效 carries 40%). */
const DEFAULT_RECORD_WEIGHTS: Record<RecordIndicatorId, number> = {
  term: 30,
  duties: 30,
  warning_response: 30,
  rectification: 30,
  obligations: 30,
  quorum: 10,
  timeliness: 20,
  attendance: 40,
  review: 20,
  participation: 30,
  minutes: 60,
};

const DEFAULT_IMPORTED: Record<string, { category: CategoryId; weight: number }> = {
  班子考核: { category: 'leadership', weight: 20 },
  班子建设成效: { category: 'leadership', weight: 20 },
  运行机制成效: { category: 'mechanism', weight: 40 },
  组织生活成效: { category: 'org_life', weight: 40 },
  党员管理成效: { category: 'members', weight: 40 },
  基础保障成效: { category: 'support', weight: 40 },
};

const bandSchema = z
  .object({
    min: z.number().min(0).max(100).describe('lowest score of the band'),
    grade: z.string().min(1).describe('grade shown (等次), e.g. 优秀'),
    stars: z.number().int().min(1).max(5).describe('star estimate of the band'),
  })
  .strict();

export const reportsSchema = z
  .object({
    weights: categoryWeights
      .default(DEFAULT_CATEGORY_WEIGHTS)
      .describe('weight of each of the five categories in the total score (normalised by their sum)'),
    domains: z
      .partialRecord(z.enum(DOMAINS), z.object({ weights: categoryWeights.partial() }).strict())
      .default({})
      .describe('per-domain category weight overrides'),
    record_indicators: z
      .object(Object.fromEntries(RECORD_INDICATOR_IDS.map((k) => [k, weight.default(DEFAULT_RECORD_WEIGHTS[k])])))
      .strict()
      .prefault({})
      .describe('weight, within its category, of each indicator computed from the records (0 = off)') as unknown as z.ZodPrefault<z.ZodType<Record<RecordIndicatorId, number>>>,
    imported_indicators: z
      .record(z.string().min(1), z.object({ category: z.enum(CATEGORY_IDS), weight }).strict())
      .default(DEFAULT_IMPORTED)
      .describe('imported indicator name (指标, as in the assessment file) → its category and weight within it'),
    missing_data: z
      .enum(['reweight', 'zero'])
      .default('reweight')
      .describe('an indicator or category without data: reweight = left out, the others share its weight; zero = scores 0'),
    bands: z
      .array(bandSchema)
      .min(1)
      .default([
        { min: 90, grade: '优秀', stars: 5 },
        { min: 80, grade: '良好', stars: 4 },
        { min: 70, grade: '一般', stars: 3 },
        { min: 60, grade: '较差', stars: 2 },
        { min: 0, grade: '差', stars: 1 },
      ])
      .refine((b) => b.every((x, i) => i === 0 || x.min < b[i - 1]!.min), 'bands must be listed highest min first')
      .refine((b) => b[b.length - 1]!.min === 0, 'the last band must start at 0')
      .describe('grade and star bands, highest first: a score ≥ min gets that grade and stars'),
    penalties: z
      .object({
        open_escalation: z.number().min(0).max(100).default(8).describe('points off the total per open escalation (督办) of the branch'),
        open_warning: z.number().min(0).max(100).default(5).describe('points off the total per open, unacknowledged warning (预警)'),
        overdue_rectification: z.number().min(0).max(100).default(8).describe('points off the total per overdue rectification item (整改逾期)'),
        max: z.number().min(0).max(100).default(40).describe('at most this many points off in all'),
      })
      .strict()
      .prefault({})
      .describe('deductions for what is still open when the report is made'),
    none_met_max_score: z
      .number().min(0).max(100).default(50)
      .describe('a branch that met none of the obligations of the period scores at most this (below the middle grades)'),
    veto_max_stars: z
      .number().int().min(1).max(5).default(4)
      .describe('a branch on the negative list (一票否决) gets at most this many stars (and that band’s grade)'),
    rectification_days: z
      .number().int().min(1).max(365).default(30)
      .describe('rectification deadline: this many days after the report'),
    trend_periods: z.number().int().min(2).max(24).default(6).describe('periods shown in the score trend chart'),
    suggestions: z
      .object(
        Object.fromEntries(
          (Object.keys(DEFAULT_SUGGESTIONS) as ProblemRuleId[]).map((k) => [k, z.string().min(1).default(DEFAULT_SUGGESTIONS[k])]),
        ),
      )
      .strict()
      .prefault({})
      .describe('Chinese suggestion shown with each problem, per rule id') as unknown as z.ZodPrefault<z.ZodType<Record<ProblemRuleId, string>>>,
    email: z
      .object({
        branches: z.boolean().default(true).describe('email each branch its report (secretary and Party-affairs worker)'),
        committees: z.boolean().default(true).describe('email each committee its summary'),
      })
      .strict()
      .prefault({}),
    robot_notices: z
      .enum(['summaries', 'all'])
      .default('summaries')
      .describe(
        "when routing.report lists wecom or dingtalk: which reports a committee's chat robots announce — summaries = the committee's own summary only (one post a period per group); all = also every branch report of its branches (a township of 300 branches posts 300 times a month)",
      ),
  })
  .strict()
  .prefault({});

export type ReportsConfig = z.infer<typeof reportsSchema>;
export type Band = z.infer<typeof bandSchema>;

/** Effective category weights of a domain: the base weights with the domain's overrides. */
export function categoryWeightsFor(cfg: ReportsConfig, domain: string | null): Record<CategoryId, number> {
  const o = domain ? cfg.domains[domain as (typeof DOMAINS)[number]]?.weights : undefined;
  return { ...cfg.weights, ...(o ?? {}) } as Record<CategoryId, number>;
}
