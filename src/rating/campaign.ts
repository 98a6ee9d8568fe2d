/**
 * The yearly rating campaign (四步走) as pure decisions: the states and their order, which star a
 * branch may be given (negative list, weak-branch cap), the five-star share cap per domain, the
 * public-notice window in working days, and what a transition writes. The service
 * (campaign-service.ts) loads the facts, calls these, and applies the result in one transaction.
 */
import { addDays, parseDate, shanghaiDate } from '../domain/calendar.js';
import { DOMAIN_NAMES_ZH, type Domain } from '../domain/types.js';
import { isWorkingDay, type WorkCalendar } from '../domain/workdays.js';
import type { RatingConfig } from './config.js';
import { RatingError } from './errors.js';

import type { Campaign, CampaignEntry, CampaignState } from '../store/types/rating.js';

export type { Campaign, CampaignEntry, CampaignState };

/** The campaign's states in order: the four steps, then filed (备案). */
export const CAMPAIGN_STATES = ['self_assessment', 'committee_review', 'city_review', 'public_notice', 'filed'] as const satisfies readonly CampaignState[];
export const CAMPAIGN_STATE_NAMES_ZH: Record<CampaignState, string> = {
  self_assessment: '支部自评',
  committee_review: '党委考评',
  city_review: '市级复核',
  public_notice: '公示',
  filed: '已备案',
};

/** The state after `s`, or null at the end. */
export function nextState(s: CampaignState): CampaignState | null {
  const i = CAMPAIGN_STATES.indexOf(s);
  return CAMPAIGN_STATES[i + 1] ?? null;
}

/** Refuse an action that belongs to another step. */
export function requireState(c: Campaign | undefined, year: number, want: CampaignState, action: { zh: string; en: string }): Campaign {
  if (!c) throw new RatingError(`${year} 年度评星定级尚未启动，请先运行 orglife rating open --year ${year}`, `no rating campaign for ${year}; open it first`, 'not_found');
  if (c.state !== want) {
    throw new RatingError(
      `${year} 年度评星定级当前处于「${CAMPAIGN_STATE_NAMES_ZH[c.state]}」阶段，不能${action.zh}（仅限「${CAMPAIGN_STATE_NAMES_ZH[want]}」阶段）`,
      `the ${year} campaign is at ${c.state}; ${action.en} is only possible at ${want}`,
    );
  }
  return c;
}

/** What limits a branch's star: the negative list (一票否决) and an open weak designation. */
export interface StarLimits {
  /** Negative-list items of the year, by branch. */
  vetoes: ReadonlyMap<string, readonly string[]>;
  /** Branches with an open weak-and-lax designation. */
  weak: ReadonlySet<string>;
}

/** The highest star a branch may be given, and why (null when 5 is allowed). */
export function starCeiling(org: string, limits: StarLimits, cfg: RatingConfig): { max: number; zh: string; en: string } | null {
  let out: { max: number; zh: string; en: string } | null = null;
  const items = limits.vetoes.get(org);
  if (items?.length) out = { max: 4, zh: `列入负面清单（${items.join('；')}），一票否决五星`, en: 'on the negative list: five stars vetoed' };
  if (limits.weak.has(org) && cfg.weak_max_stars < (out?.max ?? 5)) {
    out = { max: cfg.weak_max_stars, zh: `已被确定为软弱涣散基层党组织，最高只能评 ${cfg.weak_max_stars} 星`, en: `designated weak and lax: at most ${cfg.weak_max_stars} stars` };
  }
  return out;
}

/** Check a star given to a branch; throws a bilingual RatingError when it is not allowed. */
export function checkStar(org: string, stars: number, limits: StarLimits, cfg: RatingConfig): void {
  if (!Number.isInteger(stars) || stars < 1 || stars > 5) {
    throw new RatingError(`星级 ${stars} 无效，应为 1–5 的整数`, `invalid stars ${stars} (expected 1–5)`, 'invalid');
  }
  const c = starCeiling(org, limits, cfg);
  if (c && stars > c.max) throw new RatingError(`「${org}」不能评为 ${stars} 星：${c.zh}`, `"${org}" cannot be rated ${stars} stars: ${c.en}`);
}

/** The star an entry ends with: the city's adjustment, else the committee's, capped at 4 when five stars were cancelled. */
export function finalStars(e: CampaignEntry): number | null {
  const s = e.cityStars ?? e.committeeStars;
  if (s === null) return null;
  return e.fiveStarCancelled && s > 4 ? 4 : s;
}

/** Five-star counts per domain against the cap: the domains over it. */
export function fiveStarCapViolations(
  entries: readonly { org: string; stars: number | null }[],
  domainOf: (org: string) => Domain | null,
  cfg: RatingConfig,
): { domain: Domain | null; rated: number; five: number; max: number }[] {
  const by = new Map<Domain | null, { rated: number; five: number }>();
  for (const e of entries) {
    if (e.stars === null) continue;
    const d = domainOf(e.org);
    const t = by.get(d) ?? { rated: 0, five: 0 };
    t.rated++;
    if (e.stars === 5) t.five++;
    by.set(d, t);
  }
  const out: { domain: Domain | null; rated: number; five: number; max: number }[] = [];
  for (const [domain, t] of by) {
    // A tiny epsilon so 0.3 × 10 is 3, not 2.9999….
    const max = Math.floor(cfg.five_star_max_share * t.rated + 1e-9);
    if (t.five > max) out.push({ domain, rated: t.rated, five: t.five, max });
  }
  return out;
}

/** The error for five-star cap violations. */
export function capError(v: ReturnType<typeof fiveStarCapViolations>, cfg: RatingConfig): RatingError {
  const pct = Math.round(cfg.five_star_max_share * 100);
  return new RatingError(
    `五星比例超过上限（${pct}%）：` + v.map((x) => `${x.domain ? DOMAIN_NAMES_ZH[x.domain] : '未分领域'}领域 ${x.rated} 个参评支部中拟评五星 ${x.five} 个，最多 ${x.max} 个`).join('；'),
    `five-star share above the cap (${pct}%): ` + v.map((x) => `${x.domain ?? 'no domain'}: ${x.five} of ${x.rated} rated, at most ${x.max}`).join('; '),
  );
}

/**
 * The public notice window: it starts on the first working day on or after `startDay` and lasts `n`
 * working days; returns the first and last day ('YYYY-MM-DD'). Searches at most a year ahead.
 */
export function noticeWindow(startDay: string, n: number, cal: WorkCalendar): { from: string; to: string } {
  let t = parseDate(startDay)!;
  let from: string | null = null;
  let counted = 0;
  for (let i = 0; i < 366 + n * 7; i++, t = addDays(t, 1)) {
    const d = shanghaiDate(t);
    if (!isWorkingDay(cal, d)) continue;
    from ??= d;
    if (++counted === n) return { from, to: d };
  }
  return { from: from ?? startDay, to: shanghaiDate(t) };
}
