/**
 * What a campaign looks like to people: per branch, each step's star beside the engine's estimate,
 * the proposed final star and what limits it; and the same as text and as XLSX rows. Pure.
 */
import { DOMAIN_NAMES_ZH } from '../domain/types.js';
import { CAMPAIGN_STATE_NAMES_ZH, finalStars, starCeiling, type Campaign, type CampaignEntry, type StarLimits } from './campaign.js';
import type { RatingConfig } from './config.js';
import type { RatingBranch } from './types.js';
import type { Sheet } from './xlsx.js';

export interface CampaignRow {
  org: string;
  name: string;
  committee: string | null;
  domain: RatingBranch['domain'];
  self_stars: number | null;
  committee_stars: number | null;
  city_stars: number | null;
  five_star_cancelled: boolean;
  city_reason: string | null;
  proposed_stars: number | null;
  /** The engine's estimate from the records now, and as recorded at each step. */
  estimate_now: number | null;
  estimates: CampaignEntry['estimates'];
  /** Why the star is capped (negative list, weak branch), if it is. */
  limit: string | null;
}

export function campaignRows(entries: readonly CampaignEntry[], branches: ReadonlyMap<string, RatingBranch>, estimates: ReadonlyMap<string, number | null>, limits: StarLimits, cfg: RatingConfig): CampaignRow[] {
  return entries.map((e) => {
    const b = branches.get(e.org);
    const c = starCeiling(e.org, limits, cfg);
    return {
      org: e.org,
      name: b?.name ?? e.org,
      committee: b?.parentName ?? b?.parent ?? null,
      domain: b?.domain ?? null,
      self_stars: e.selfStars,
      committee_stars: e.committeeStars,
      city_stars: e.cityStars,
      five_star_cancelled: e.fiveStarCancelled,
      city_reason: e.cityReason,
      proposed_stars: finalStars(e),
      estimate_now: estimates.get(e.org) ?? null,
      estimates: e.estimates,
      limit: c ? c.zh : null,
    };
  });
}

const s = (n: number | null | undefined) => (n === null || n === undefined ? '—' : `${n}星`);

export function campaignText(c: Campaign, rows: readonly CampaignRow[]): string {
  const lines = [`${c.year} 年度评星定级：当前阶段「${CAMPAIGN_STATE_NAMES_ZH[c.state]}」` + (c.noticeFrom ? `，公示期 ${c.noticeFrom} 至 ${c.noticeTo}` : '')];
  lines.push(['组织编码', '支部名称', '上级党组织', '领域', '支部自评', '党委考评', '市级复核', '拟定/最终', '系统测算', '限制'].join('\t'));
  for (const r of rows) {
    const city = r.five_star_cancelled ? `取消五星（${r.city_reason ?? ''}）` : r.city_stars !== null ? `${s(r.city_stars)}（${r.city_reason ?? ''}）` : '—';
    lines.push([r.org, r.name, r.committee ?? '', r.domain ? DOMAIN_NAMES_ZH[r.domain] : '', s(r.self_stars), s(r.committee_stars), city, s(r.proposed_stars), s(r.estimate_now), r.limit ?? ''].join('\t'));
  }
  if (!rows.length) lines.push('（尚无支部参评记录）');
  return lines.join('\n');
}

export function campaignSheet(c: Campaign, rows: readonly CampaignRow[]): Sheet {
  return {
    name: '评星定级',
    title: `${c.year} 年度评星定级（${CAMPAIGN_STATE_NAMES_ZH[c.state]}）`,
    headers: ['组织编码', '支部名称', '上级党组织', '领域', '支部自评', '自评时测算', '党委考评', '考评时测算', '市级复核', '复核理由', '取消五星资格', '拟定/最终星级', '当前测算', '限制'],
    widths: [14, 28, 22, 10],
    rows: rows.map((r) => [
      r.org, r.name, r.committee ?? '', r.domain ? DOMAIN_NAMES_ZH[r.domain] : '',
      r.self_stars, r.estimates.self_assessment ?? null, r.committee_stars, r.estimates.committee_review ?? null,
      r.city_stars, r.city_reason ?? '', r.five_star_cancelled ? '是' : '否', r.proposed_stars, r.estimate_now, r.limit ?? '',
    ]),
  };
}
