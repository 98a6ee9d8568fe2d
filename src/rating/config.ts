/**
 * Config schema of the star-rating year (`rating:`): incentives per domain and star (the
 * secretary's monthly subsidy and the five-star work fund), the cap on the share of five-star
 * branches, the weak-branch star cap and the public-notice length. The single source of these
 * defaults; config/default.yaml restates them for admins. Only rural branches have incentives by
 * default: a domain without an entry pays nothing.
 */
import { z } from 'zod';
import { DOMAINS, type Domain } from '../domain/types.js';

const yuan = z.number().int().min(0).max(1_000_000);

const subsidySchema = z
  .object({
    '1': yuan.default(0).describe('monthly subsidy (yuan) for 1 star'),
    '2': yuan.default(0).describe('for 2 stars'),
    '3': yuan.default(0).describe('for 3 stars'),
    '4': yuan.default(0).describe('for 4 stars'),
    '5': yuan.default(0).describe('for 5 stars'),
  })
  .strict()
  .prefault({});

const incentiveSchema = z
  .object({
    subsidy: subsidySchema.describe("the secretary's monthly subsidy (书记补贴) per star in effect on the 1st of the month"),
    five_star_fund: yuan.default(0).describe('work fund (五星工作经费) paid once per five-star rating, in the year it takes effect'),
  })
  .strict();

export type Incentive = z.infer<typeof incentiveSchema>;

const DEFAULT_INCENTIVES: Partial<Record<Domain, Incentive>> = {
  rural: { subsidy: { '1': 0, '2': 0, '3': 300, '4': 400, '5': 500 }, five_star_fund: 10_000 },
};

export const ratingSchema = z
  .object({
    incentives: z
      .partialRecord(z.enum(DOMAINS), incentiveSchema)
      .default(DEFAULT_INCENTIVES)
      .describe('per domain: monthly subsidy per star and the five-star fund, in yuan; a domain not listed pays nothing'),
    five_star_max_share: z
      .number().min(0).max(1).default(0.3)
      .describe('at most this share of a domain’s rated branches may be filed five stars in a year (1 = no cap)'),
    weak_max_stars: z
      .number().int().min(0).max(5).default(3)
      .describe('a branch designated weak and lax (软弱涣散) cannot be rated above this star'),
    notice_working_days: z
      .number().int().min(1).max(30).default(5)
      .describe('public notice (公示) length in working days (holiday calendar: calendar.holidays/workdays)'),
    weak_reminder_day: z
      .number().int().min(1).max(28).default(1)
      .describe('day of the month the responsible township leader is reminded of an open weak-branch designation'),
  })
  .strict()
  .prefault({});

export type RatingConfig = z.infer<typeof ratingSchema>;

/** The incentive of a domain, or null when it pays nothing. */
export function incentiveOf(cfg: RatingConfig, domain: Domain | null): Incentive | null {
  return domain ? (cfg.incentives[domain] ?? null) : null;
}

/** The monthly subsidy (yuan) for a star in a domain; 0 below one star or without incentives. */
export function monthlySubsidy(cfg: RatingConfig, domain: Domain | null, stars: number): number {
  const inc = incentiveOf(cfg, domain);
  if (!inc || stars < 1 || stars > 5) return 0;
  return inc.subsidy[String(stars) as '1' | '2' | '3' | '4' | '5'];
}
