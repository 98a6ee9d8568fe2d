/**
 * Health-check reports of all branches for one period: score, grade, stars, ranks, change since
 * the previous period, problems, suggestions, deadline and trend. A pure function of the branch
 * facts, their history, the config and "now".
 */
import { parsePeriod, periodNameZh, previousPeriod, type Period } from '../domain/calendar.js';
import { DOMAIN_NAMES_ZH } from '../domain/types.js';
import type { Config } from '../config/schema.js';
import { categoryScores, deductionsOf, gradeOf, totalScore } from './compute-score.js';
import { problemsOf, problemTitle, rectificationDeadline } from './compute-problems.js';
import { exemptionNoteZh } from '../domain/exemptions.js';
import { rankWithin } from './compute-rank.js';
import { round } from './compute-facts.js';
import type { BranchFacts, BranchReport, HistoryPoint } from './types.js';

/** Labels of the `n` periods ending with p, oldest first. */
export function recentPeriods(p: Period, n: number): string[] {
  const out = [p.label];
  let q = p;
  for (let i = 1; i < n; i++) {
    q = previousPeriod(q);
    out.unshift(q.label);
  }
  return out;
}

/** A branch's ranks in its domain (city-wide) and in its parent committee, with the rated group sizes. */
export interface BranchRanks {
  rank: number | null;
  rankOf: number;
  committeeRank: number | null;
  committeeRankOf: number;
}

/**
 * Reports of every branch in `facts` for period p. Ranks are computed over exactly these
 * branches (pass all branches of the city for city-wide ranks), unless `ranks` gives them by org
 * code (computed over the whole city beforehand, so a chunk of branches can be reported at a time).
 * `history` holds earlier reports' headlines per org code (any periods; the previous period and
 * the trend window are picked out).
 */
export function computeBranchReports(
  facts: readonly BranchFacts[],
  history: ReadonlyMap<string, readonly HistoryPoint[]>,
  p: Period,
  config: Config,
  now: number,
  ranks?: ReadonlyMap<string, BranchRanks>,
): BranchReport[] {
  const prevLabel = previousPeriod(p).label;
  const trendLabels = recentPeriods(p, config.reports.trend_periods);
  const deadline = rectificationDeadline(now, config.reports.rectification_days);

  const scored = facts.map((f) => {
    const categories = categoryScores(f, config);
    const score = totalScore(f, categories, config);
    return { f, categories, score };
  });
  const given = (s: (typeof scored)[number]) => {
    const r = ranks!.get(s.f.org.code);
    if (!r) throw new Error(`no rank for ${s.f.org.code}`);
    return r;
  };
  const byDomain: ReadonlyMap<(typeof scored)[number], { rank: number | null; of: number }> = ranks
    ? new Map(scored.map((s) => [s, { rank: given(s).rank, of: given(s).rankOf }]))
    : rankWithin(scored, (s) => s.score, (s) => s.f.org.domain ?? '');
  const byParent: ReadonlyMap<(typeof scored)[number], { rank: number | null; of: number }> = ranks
    ? new Map(scored.map((s) => [s, { rank: given(s).committeeRank, of: given(s).committeeRankOf }]))
    : rankWithin(scored, (s) => s.score, (s) => s.f.org.parent);

  return scored.map((entry) => {
    const { f, categories, score } = entry;
    const vetoed = f.vetoes.length > 0;
    const { grade, stars, starsBeforeVeto } = gradeOf(score, vetoed, config);
    const dom = byDomain.get(entry)!;
    const par = byParent.get(entry)!;
    const past = history.get(f.org.code) ?? [];
    const previous = past.find((h) => h.period === prevLabel) ?? null;
    const diff = (a: number | null, b: number | null | undefined) => (a === null || b === null || b === undefined ? null : a - b);
    const notes: string[] = [];
    if (score === null) notes.push('本期对该支部无组织生活要求（新成立或规则未启用），不评定等次、不参与排名。');
    else if (!f.existedWholePeriod) notes.push(`该支部于 ${f.org.establishedOn} 成立，成立前的期间不作要求。`);
    for (const c of categories) {
      if (c.score === null) {
        notes.push(
          config.reports.missing_data === 'zero'
            ? `“${c.name}”类别本期无数据，按 0 分计入。`
            : `“${c.name}”类别本期无数据，不计入总分，其权重由其余类别按比例分担。`,
        );
      }
    }
    const missingImported = categories.flatMap((c) => c.indicators.filter((x) => x.source === 'imported' && x.score === null).map((x) => x.name));
    if (missingImported.length && score !== null) {
      notes.push(`未导入考核指标：${missingImported.join('、')}（${config.reports.missing_data === 'zero' ? '按 0 分计' : '不计分，权重由同类其他指标分担'}）。`);
    }
    if (score !== null) {
      const off = deductionsOf(f, config);
      if (off.length) notes.push(`扣分：${off.map((d) => `${d.reason}，扣 ${d.points} 分`).join('；')}。`);
      if (f.stats.met === 0) notes.push(`本期应开展的 ${f.stats.required} 项组织生活均未落实，总分最高计 ${config.reports.none_met_max_score} 分。`);
    }
    if (f.unknownIndicators.length) notes.push(`以下导入指标未在配置中对应类别，未计分：${f.unknownIndicators.join('、')}。`);
    if (vetoed && starsBeforeVeto !== null && stars !== null && starsBeforeVeto > stars) {
      notes.push(`因列入负面清单，星级由 ${starsBeforeVeto} 星降为 ${stars} 星（一票否决五星）。`);
    }
    const trendScores = new Map(past.map((h) => [h.period, h.score]));
    return {
      kind: 'branch',
      org: f.org.code,
      name: f.org.name,
      parent: f.org.parent,
      parentName: f.parentName,
      domain: f.org.domain,
      domainName: f.org.domain ? DOMAIN_NAMES_ZH[f.org.domain] : null,
      period: p.label,
      periodKind: p.kind,
      periodName: periodNameZh(p),
      generatedAt: now,
      score,
      grade,
      stars,
      starsBeforeVeto,
      vetoed,
      rank: dom.rank,
      rankOf: dom.of,
      committeeRank: par.rank,
      committeeRankOf: par.of,
      previous,
      change: {
        score: diff(score, previous?.score) === null ? null : round(diff(score, previous?.score)!, 1),
        // Positive = moved up (a smaller rank number).
        rank: diff(previous?.rank ?? null, dom.rank),
        committeeRank: diff(previous?.committeeRank ?? null, par.rank),
        stars: diff(stars, previous?.stars),
      },
      categories,
      stats: f.stats,
      problems: problemsOf(f, config, now),
      ...(f.exempted ? { exempted: exemptedOf(f.exempted) } : {}),
      rectification: deadline,
      trend: trendLabels.map((label) => ({ period: label, score: label === p.label ? score : (trendScores.get(label) ?? null) })),
      notes,
      ...(f.memberSection ? { members: f.memberSection } : {}),
    } satisfies BranchReport;
  });
}

/** The exempt lapses of a report, as people read them. */
function exemptedOf(list: NonNullable<BranchFacts['exempted']>): NonNullable<BranchReport['exempted']> {
  return list.map(({ finding, exemption }) => ({
    rule: finding.rule,
    title: problemTitle(finding.rule),
    when: finding.rule === 'term-expiry' ? `任期届满日 ${finding.period}` : (parsePeriod(finding.period) ? periodNameZh(parsePeriod(finding.period)!) : finding.period),
    note: exemptionNoteZh(exemption),
  }));
}
