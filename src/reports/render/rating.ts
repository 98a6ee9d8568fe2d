/**
 * The star-rating sections of the reports as HTML and Markdown lines: for a branch its star
 * history, star and subsidy in effect, demonstration-site titles and weak-branch rectification;
 * for a committee the star distribution and its change since last year, five-star candidates,
 * weak branches, demonstration sites and the subsidy total. Every imported text is escaped. Pure.
 */
import { CHANNEL_NAMES_ZH } from '../../rating/types.js';
import type { BranchRatingSection, CommitteeRatingSection } from '../../rating/report-section.js';
import { MEASURES, MEASURE_KEYS, WEAK_CATEGORIES, WEAK_ITEM_KINDS, type WeakCategory } from '../../rating/weak.js';
import { h2, table } from './html.js';
import { escapeHtml as e, escapeMd as m } from './text.js';

const LEVEL = { city: '市级', prefecture: '地市级' } as const;
const star = (n: number) => (n === 0 ? '无星' : `${n}星`);
const yuan = (n: number) => `${n.toLocaleString('en-US')} 元`;
const signed = (n: number) => (n > 0 ? `+${n}` : String(n));

function historyRows(r: BranchRatingSection): string[][] {
  return r.history.map((h) => [
    h.on,
    star(h.stars),
    h.kind === 'rating' ? `${h.ref} 年度评定` : `年中调整（${CHANNEL_NAMES_ZH[h.channel!]}）${h.reason ? `：${h.reason}` : ''}`,
  ]);
}

export function branchRatingHtml(r: BranchRatingSection): string {
  const facts = [
    ['生效星级', `${e(star(r.starsInEffect))}（截至 ${e(r.asOf)}）`],
    ['书记补贴', `${e(r.subsidyMonth.month)} 按 ${e(star(r.subsidyMonth.stars))} 计发 ${e(yuan(r.subsidyMonth.yuan))}；${r.year.year} 年度合计 ${e(yuan(r.year.subsidy_yuan))}`],
    ['五星工作经费', e(yuan(r.year.fund_yuan))],
  ];
  if (r.demoSites.length) facts.push(['示范点', r.demoSites.map((d) => `${d.year} 年度${LEVEL[d.level]}示范点`).join('、')]);
  let out = `<section>${h2('星级与激励')}${table(['项目', '情况'], facts)}`;
  out += r.history.length ? table(['生效日期', '星级', '来源'], historyRows(r).map((row) => row.map(e))) : '<p>尚无星级评定记录。</p>';
  out += '</section>';
  if (r.weak) {
    const w = r.weak;
    const rows = [
      ['类别', e(WEAK_CATEGORIES[w.category as WeakCategory] ?? w.category) + (w.reason ? `（${e(w.reason)}）` : '')],
      ['确定日期', e(w.designatedOn) + (w.removedOn ? `，${e(w.removedOn)} 已摘帽：${e(w.removalNote ?? '')}` : '，整顿中')],
      ...MEASURE_KEYS.map((k) => [e(MEASURES[k]), e(w[k] ?? '未落实')]),
      ['进展', `问题清单 ${w.progress.problems} 项，已解决 ${w.progress.resolved} 项；后备干部 ${w.progress.cadres} 名`],
    ];
    const items = w.items.map((i) => [e(WEAK_ITEM_KINDS[i.kind]), e(i.text), i.kind === 'problem' ? (i.resolution ? `已解决（${e(i.resolvedOn)}）：${e(i.resolution)}` : '未解决') : '']);
    out += `<section>${h2('软弱涣散整顿')}${table(['项目', '情况'], rows)}${items.length ? table(['类型', '内容', '解决情况'], items) : ''}</section>`;
  }
  return out;
}

export function branchRatingMarkdown(r: BranchRatingSection): string[] {
  const out = ['## 星级与激励', ''];
  out.push(`- 生效星级：${star(r.starsInEffect)}（截至 ${r.asOf}）`);
  out.push(`- 书记补贴：${r.subsidyMonth.month} 按 ${star(r.subsidyMonth.stars)} 计发 ${yuan(r.subsidyMonth.yuan)}；${r.year.year} 年度合计 ${yuan(r.year.subsidy_yuan)}；五星工作经费 ${yuan(r.year.fund_yuan)}`);
  if (r.demoSites.length) out.push(`- 示范点：${r.demoSites.map((d) => `${d.year} 年度${LEVEL[d.level]}示范点`).join('、')}`);
  for (const row of historyRows(r)) out.push(`- ${row[0]}　${row[1]}　${m(row[2])}`);
  if (r.weak) {
    const w = r.weak;
    out.push('', '## 软弱涣散整顿', '');
    out.push(`- 类别：${m(WEAK_CATEGORIES[w.category as WeakCategory] ?? w.category)}${w.reason ? `（${m(w.reason)}）` : ''}；${w.designatedOn} 确定${w.removedOn ? `，${w.removedOn} 已摘帽` : '，整顿中'}`);
    out.push(`- 四个一：${MEASURE_KEYS.map((k) => `${MEASURES[k]} ${m(w[k] ?? '未落实')}`).join('；')}`);
    out.push(`- 问题清单 ${w.progress.problems} 项，已解决 ${w.progress.resolved} 项；后备干部 ${w.progress.cadres} 名`);
    for (const i of w.items) out.push(`  - ${WEAK_ITEM_KINDS[i.kind]}：${m(i.text)}${i.kind === 'problem' ? (i.resolution ? ` → 已解决：${m(i.resolution)}` : ' → 未解决') : ''}`);
  }
  out.push('');
  return out;
}

export function committeeRatingHtml(c: CommitteeRatingSection): string {
  const dist = table(['星级', `截至 ${e(c.asOf)}`, '上年同期', '变化'], c.distribution.map((d) => [e(star(d.stars)), e(d.count), e(d.lastYear), e(signed(d.change))]));
  const cands = c.fiveStarCandidates.length
    ? `<p>${c.fiveStarCandidates.map((x) => `${e(x.name)}（${e(x.org)}）`).join('、')}${c.fiveStarCandidates[0]!.source === 'estimate' ? '（系统测算）' : '（评星定级拟定）'}</p>`
    : '<p>无。</p>';
  const weak = c.weakBranches.length
    ? table(['组织编码', '支部名称', '类别', '确定日期', '问题数', '已解决', '后备干部'], c.weakBranches.map((w) => [e(w.org), e(w.name), e(WEAK_CATEGORIES[w.category as WeakCategory] ?? w.category), e(w.designatedOn), e(w.problems), e(w.resolved), e(w.cadres)]))
    : '<p>无软弱涣散党支部。</p>';
  const demo = c.demoSites.length ? `<p>${c.demoSites.map((d) => `${e(d.name)}（${d.year} 年度${LEVEL[d.level]}）`).join('、')}</p>` : '<p>无。</p>';
  return (
    `<section>${h2('星级分布及变化')}${dist}</section>` +
    `<section>${h2('五星候选')}${cands}</section>` +
    `<section>${h2('软弱涣散党支部')}${weak}</section>` +
    `<section>${h2('示范点')}${demo}</section>` +
    `<section>${h2('星级激励')}<p>${c.subsidy.year} 年度书记补贴合计 ${e(yuan(c.subsidy.subsidy_yuan))}，五星工作经费 ${e(yuan(c.subsidy.fund_yuan))}。</p></section>`
  );
}

export function committeeRatingMarkdown(c: CommitteeRatingSection): string[] {
  const out = ['## 星级分布及变化', ''];
  for (const d of c.distribution) out.push(`- ${star(d.stars)}：${d.count} 个（上年同期 ${d.lastYear}，${signed(d.change)}）`);
  out.push('', '## 五星候选', '', c.fiveStarCandidates.length ? c.fiveStarCandidates.map((x) => `${m(x.name)}（${m(x.org)}）`).join('、') : '无。');
  out.push('', '## 软弱涣散党支部', '');
  if (!c.weakBranches.length) out.push('无软弱涣散党支部。');
  for (const w of c.weakBranches) out.push(`- ${m(w.name)}（${m(w.org)}）：${w.designatedOn} 确定，问题 ${w.problems} 项已解决 ${w.resolved} 项，后备干部 ${w.cadres} 名`);
  out.push('', '## 示范点', '', c.demoSites.length ? c.demoSites.map((d) => `${m(d.name)}（${d.year} 年度${LEVEL[d.level]}）`).join('、') : '无。');
  out.push('', '## 星级激励', '', `${c.subsidy.year} 年度书记补贴合计 ${yuan(c.subsidy.subsidy_yuan)}，五星工作经费 ${yuan(c.subsidy.fund_yuan)}。`, '');
  return out;
}
