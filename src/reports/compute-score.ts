/**
 * Scoring (评星定级 estimate): indicators → five category scores → a total out of 100 → grade and
 * stars, with the negative list capping the stars. Pure.
 *
 * How it adds up (all weights in config `reports`):
 * - Each indicator scores 0–100 or has no data (null). Record indicators come from BranchStats;
 *   imported ones come from the assessment file, mapped to a category by
 *   `reports.imported_indicators` (indicator name → {category, weight}).
 * - A category's score is the weighted mean of its indicators. A record indicator without data
 *   means "not applicable" (no review due in a monthly report, no assemblies held) and is left
 *   out. An imported indicator that was not imported is left out and the others share its weight
 *   (`missing_data: reweight`, the default), or scores 0 (`missing_data: zero`). The same applies
 *   to a category without any data in the total.
 * - The total is the weighted mean of the categories (weights per domain), rounded to 0.1.
 * - A branch of which nothing was required in the period (founded after it began, all rules off)
 *   is not rated: score, grade and stars are null and it is not ranked.
 * - The band with the highest `min` ≤ score gives grade and stars; a negative-list entry caps the
 *   stars at `veto_max_stars` (default 4) and takes that band's grade.
 */
import type { Config } from '../config/schema.js';
import {
  CATEGORY_IDS,
  CATEGORY_NAMES_ZH,
  RECORD_INDICATORS,
  RECORD_INDICATOR_IDS,
  categoryWeightsFor,
  type Band,
  type CategoryId,
  type RecordIndicatorId,
} from './config.js';
import { round } from './compute-facts.js';
import type { BranchFacts, BranchStats, CategoryScore, IndicatorScore } from './types.js';

const pct = (x: number) => `${round(x * 100, 1)}%`;
const share = (n: number, d: number): number | null => (d > 0 ? round((100 * n) / d, 1) : null);

/** Score and detail of one record indicator. */
export function recordIndicator(id: RecordIndicatorId, s: BranchStats): { score: number | null; detail: string } {
  return { score: recordIndicatorScore(id, s), detail: recordIndicatorDetail(id, s) };
}

const metOf = (s: BranchStats, rules: readonly string[]) => {
  let n = 0;
  let met = 0;
  for (const o of s.obligations) {
    if (!rules.includes(o.rule)) continue;
    n++;
    if (o.met) met++;
  }
  return { n, met };
};
const DUTIES = ['committee-monthly', 'secretary-lecture-yearly'];
const REVIEW = ['review-yearly'];

/** The score (0–100, null = no data) of one record indicator: recordIndicator's, without building its detail. */
export function recordIndicatorScore(id: RecordIndicatorId, s: BranchStats): number | null {
  switch (id) {
    case 'obligations':
      return share(s.met, s.required);
    case 'duties':
    case 'review': {
      const { n, met } = metOf(s, id === 'duties' ? DUTIES : REVIEW);
      return share(met, n);
    }
    case 'quorum':
      return share(s.assemblies.quorate, s.assemblies.held);
    case 'timeliness':
      return share(s.timeliness.onTime, s.required);
    case 'attendance':
      return s.attendance.rate === null ? null : round(s.attendance.rate * 100, 1);
    case 'participation': {
      const m = s.members;
      return !m || m.meanRate === null ? null : round(m.meanRate * 100, 1);
    }
    case 'minutes':
      return s.minutes.completeness === null ? null : round(s.minutes.completeness * 100, 1);
    case 'warning_response':
      // No warning is no evidence: not full marks, just not scored.
      return s.warnings.received ? share(s.warnings.promptlyAcknowledged, s.warnings.received) : null;
    case 'rectification':
      return s.rectifications.due ? share(s.rectifications.closedOnTime, s.rectifications.due) : null;
    case 'term':
      return s.term.status === 'unknown' ? null : s.term.status === 'ok' ? 100 : s.term.status === 'due-soon' ? 80 : 0;
  }
}

/** The detail line (中文) of one record indicator. */
function recordIndicatorDetail(id: RecordIndicatorId, s: BranchStats): string {
  switch (id) {
    case 'obligations':
      return `应开展 ${s.required} 项，已落实 ${s.met} 项`;
    case 'duties': {
      const { n, met } = metOf(s, DUTIES);
      return n ? `支委会与书记讲党课应 ${n} 项，落实 ${met} 项` : '本期无此要求';
    }
    case 'review': {
      const { n, met } = metOf(s, REVIEW);
      return n ? `民主评议党员应 ${n} 次，开展 ${met} 次` : '本期无此要求';
    }
    case 'quorum':
      return s.assemblies.held ? `党员大会 ${s.assemblies.held} 次，到会过半 ${s.assemblies.quorate} 次` : '本期无党员大会记录';
    case 'timeliness':
      return s.required
        ? `按时落实 ${s.timeliness.onTime} 项（共 ${s.required} 项）` +
            (s.timeliness.meanLateness !== null ? `，平均在期间进度 ${pct(s.timeliness.meanLateness)} 时完成` : '')
        : '本期无此要求';
    case 'attendance':
      return s.attendance.rate === null ? '本期无会议记录' : `应到 ${s.attendance.expected} 人次，实到 ${s.attendance.attended} 人次，参会率 ${pct(s.attendance.rate)}`;
    case 'participation': {
      const m = s.members;
      if (!m || m.meanRate === null) return m ? '本期无签到记录' : '无党员名册';
      return `党员 ${m.roster} 名，签到会议 ${m.tracked} 次，人均参加率 ${pct(m.meanRate)}；连续3个月以上未参加 ${m.absent3} 名，6个月以上 ${m.absent6} 名`;
    }
    case 'minutes':
      return s.minutes.completeness === null
        ? '本期无可判断的会议记录'
        : `有记录 ${s.minutes.yes} 次，缺记录 ${s.minutes.no} 次` + (s.minutes.unknown ? `，未填 ${s.minutes.unknown} 次` : '');
    case 'warning_response': {
      const w = s.warnings;
      if (!w.received) return '本期未收到预警，不计分';
      return `收到预警 ${w.received} 条，已签收 ${w.acknowledged} 条，按时签收 ${w.promptlyAcknowledged} 条` + (w.meanAckDays !== null ? `，平均 ${w.meanAckDays} 天签收` : '');
    }
    case 'rectification': {
      const r = s.rectifications;
      if (!r.due) return (r.open ? `整改中 ${r.open} 项，均未到期` : '无到期整改事项') + '，不计分';
      return `到期整改 ${r.due} 项，按期完成 ${r.closedOnTime} 项，逾期未完成 ${r.overdue} 项`;
    }
    case 'term':
      return s.term.status === 'unknown'
        ? '无换届日期，未评'
        : `本届任期至 ${s.term.endDate}` + (s.term.status === 'overdue' ? '，已到期未换届' : s.term.status === 'due-soon' ? '，即将届满' : '');
  }
}

/** Weighted mean over entries with data; `zero` mode counts missing ones as 0. Null if nothing counts. */
function weightedMean(entries: { weight: number; score: number | null }[], mode: 'reweight' | 'zero'): number | null {
  let sum = 0;
  let w = 0;
  for (const e of entries) {
    if (e.weight <= 0) continue;
    if (e.score === null && mode === 'reweight') continue;
    sum += e.weight * (e.score ?? 0);
    w += e.weight;
  }
  const anyData = entries.some((e) => e.weight > 0 && e.score !== null);
  return w > 0 && anyData ? sum / w : null;
}

/**
 * The five category scores of one branch, with their indicators. `details: false` leaves every
 * indicator's detail line empty (the same scores: what only the figures need, as the live pass).
 */
export function categoryScores(f: BranchFacts, config: Config, details = true): CategoryScore[] {
  const cfg = config.reports;
  const weights = categoryWeightsFor(cfg, f.org.domain);
  const byCategory = new Map<CategoryId, IndicatorScore[]>(CATEGORY_IDS.map((c) => [c, []]));
  for (const id of RECORD_INDICATOR_IDS) {
    const weight = cfg.record_indicators[id];
    if (weight <= 0) continue;
    const def = RECORD_INDICATORS[id];
    const score = recordIndicatorScore(id, f.stats);
    byCategory.get(def.category)!.push({ id, name: def.name, source: 'records', weight, score, detail: details ? recordIndicatorDetail(id, f.stats) : '' });
  }
  for (const [name, def] of Object.entries(cfg.imported_indicators)) {
    if (def.weight <= 0) continue;
    const score = f.assessments[name];
    byCategory.get(def.category)!.push({
      id: name,
      name,
      source: 'imported',
      weight: def.weight,
      score: score ?? null,
      detail: !details ? '' : score === undefined ? '未导入考核结果' : `导入得分 ${score}`,
    });
  }
  return CATEGORY_IDS.map((id) => {
    const indicators = byCategory.get(id)!;
    // A record indicator without data is not applicable (nothing required): always left out.
    const s = weightedMean(indicators.filter((i) => i.source === 'imported' || i.score !== null), cfg.missing_data);
    return { id, name: CATEGORY_NAMES_ZH[id], weight: weights[id], score: s === null ? null : round(s, 1), indicators };
  });
}

/** One deduction from the total (shown in the report's notes). */
export interface Deduction {
  reason: string;
  points: number;
}

/** What is still open lowers the score: open escalations and warnings, overdue rectifications (capped). */
export function deductionsOf(f: BranchFacts, config: Config): Deduction[] {
  const p = config.reports.penalties;
  const overdue = f.overdueItems.length;
  const raw: Deduction[] = [
    { reason: `未办结的督办 ${f.stats.openEscalations} 项`, points: f.stats.openEscalations * p.open_escalation },
    { reason: `未处理的预警 ${f.stats.openWarnings} 项`, points: f.stats.openWarnings * p.open_warning },
    { reason: `逾期未完成的整改 ${overdue} 项`, points: overdue * p.overdue_rectification },
  ].filter((d) => d.points > 0);
  let left = p.max;
  return raw.map((d) => {
    const points = Math.min(d.points, left);
    left -= points;
    return { ...d, points: round(points, 1) };
  }).filter((d) => d.points > 0);
}

/**
 * The total score (0–100, one decimal); null = not rated. The weighted mean of the categories,
 * minus the deductions for what is still open, and at most `none_met_max_score` for a branch that
 * met none of its obligations (so it can never reach the middle grades, whatever else it did).
 */
export function totalScore(f: BranchFacts, categories: CategoryScore[], config: Config): number | null {
  if (f.stats.required === 0) return null;
  const mean = weightedMean(categories, config.reports.missing_data);
  if (mean === null) return null;
  let s = mean - deductionsOf(f, config).reduce((a, d) => a + d.points, 0);
  if (f.stats.met === 0) s = Math.min(s, config.reports.none_met_max_score);
  return round(Math.max(0, s), 1);
}

/** The band a score falls in (bands are listed highest first; the last starts at 0). */
export function bandOf(score: number, bands: Band[]): Band {
  return bands.find((b) => score >= b.min) ?? bands[bands.length - 1]!;
}

/** Grade and stars of a score, with the negative-list cap. */
export function gradeOf(
  score: number | null,
  vetoed: boolean,
  config: Config,
): { grade: string | null; stars: number | null; starsBeforeVeto: number | null } {
  if (score === null) return { grade: null, stars: null, starsBeforeVeto: null };
  const bands = config.reports.bands;
  const band = bandOf(score, bands);
  const cap = config.reports.veto_max_stars;
  if (!vetoed || band.stars <= cap) return { grade: band.grade, stars: band.stars, starsBeforeVeto: band.stars };
  // The highest band within the cap gives the grade (良好 for 4 stars by default).
  const capped = bands.find((b) => b.stars <= cap);
  return { grade: capped?.grade ?? band.grade, stars: cap, starsBeforeVeto: band.stars };
}
