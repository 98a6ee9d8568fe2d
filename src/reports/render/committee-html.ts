/**
 * The committee summary (党委汇总) as HTML: grade and star distribution (inline SVG bars), most
 * common problems, branches needing attention, and the ranking of its branches. Pure.
 */
import { committeeMembersText } from './members.js';
import type { CommitteeSummary } from '../types.js';
import { COLOUR_CSS, HTML_DOCUMENT_TAIL, htmlDocumentHead, h2, table, tableRow, tableStart } from './html.js';
import { scoreColor } from './svg.js';
import { committeeRatingHtml } from './rating.js';
import { changeText, COLOUR_LIST_MAX, escapeHtml as e, generatedText, scoreText, starsText } from './text.js';

function distributionChart(title: string, bars: { label: string; count: number }[]): string {
  const max = Math.max(1, ...bars.map((b) => b.count));
  const width = 520;
  const rowH = 26;
  const left = 70;
  const plot = width - left - 60;
  const height = bars.length * rowH + 10;
  const rows = bars
    .map((b, i) => {
      const y = 5 + i * rowH;
      const w = b.count ? Math.max(2, (plot * b.count) / max) : 0;
      return (
        `<text x="${left - 8}" y="${y + 16}" text-anchor="end" font-size="13" fill="#333">${e(b.label)}</text>` +
        `<rect class="bar" x="${left}" y="${y + 3}" width="${w.toFixed(1)}" height="18" fill="#c62828"/>` +
        `<text x="${(left + w + 6).toFixed(1)}" y="${y + 16}" font-size="13" fill="#333">${b.count}</text>`
      );
    })
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" role="img" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" style="max-width:100%;height:auto"><title>${e(title)}</title>${rows}</svg>`;
}

/** The committee summary as an HTML document; `note` (plain text) is shown under the title (a mail whose lists were cut). */
export function renderCommitteeHtml(c: CommitteeSummary, opts: { note?: string } = {}): string {
  return [...committeeHtmlParts(c, opts)].join('');
}

/** Ranking rows per part of committeeHtmlParts (a city's top committee lists every branch). */
const ROWS_PER_PART = 2000;

/**
 * renderCommitteeHtml's text in parts (joined, exactly that text): the ranking table a bounded
 * number of rows at a time, so a summary of a province's 250,000 branches (~200 MB of HTML) is
 * written without ever being one string.
 */
export function* committeeHtmlParts(c: CommitteeSummary, opts: { note?: string } = {}): Generator<string> {
  const title = `${c.name} ${c.periodName}党支部组织生活体检汇总`;
  const overview = table(
    ['支部数', '参评支部', '平均分', '需重点关注'],
    [[e(c.branchCount), e(c.ratedCount), e(scoreText(c.averageScore)), e(c.attention.length)]],
  );
  const grades = distributionChart('等次分布', c.grades.map((g) => ({ label: g.grade, count: g.count })));
  const stars = distributionChart('星级分布', c.stars.map((s) => ({ label: `${s.stars}星`, count: s.count })));
  const common = c.commonProblems.length
    ? table(['问题', '涉及支部数'], c.commonProblems.map((p) => [e(p.title), e(p.branches)]))
    : '<p>本期各支部未发现问题。</p>';
  const attention = c.attention.length
    ? table(
        ['组织编码', '支部名称', '未办结督办', '逾期整改'],
        c.attention.map((a) => [e(a.org), e(a.name), e(a.openEscalations), e(a.overdueRectifications)]),
      )
    : '<p>无未办结督办或逾期整改的支部。</p>';
  yield htmlDocumentHead(title) +
    `<h1 style="font-size:22px;text-align:center;color:#b71c1c;margin:8px 0">${e(title)}</h1>` +
    `<p style="text-align:center;font-size:13px;color:#666">组织编码：${e(c.org)}　生成时间：${e(generatedText(c.generatedAt))}</p>` +
    (opts.note ? `<p style="background:#fff8e1;border:1px solid #ffcc80;padding:8px;font-size:14px">${e(opts.note)}</p>` : '') +
    `<section>${h2('总体情况')}${overview}</section>` +
    `<section>${h2('等次分布')}${grades}</section>` +
    `<section>${h2('星级分布')}${stars}</section>` +
    (committeeMembersText(c) ? `<section>${h2('党员管理')}<p>${e(committeeMembersText(c))}</p></section>` : '') +
    `<section>${h2('常见问题')}${common}</section>` +
    `<section>${h2('需重点关注的支部')}${attention}</section>` +
    (c.colours ? committeeColoursHtml(c.colours) : '') +
    (c.rating ? committeeRatingHtml(c.rating) : '') +
    `<section>${h2('支部排名')}` +
    tableStart(['排名', '组织编码', '支部名称', '得分', '等次', '星级', '较上期', '问题数']);
  for (let i = 0; i < c.branches.length; i += ROWS_PER_PART) {
    const rows = c.branches.slice(i, i + ROWS_PER_PART).map((b) =>
      tableRow([
        e(b.rank ?? '—'),
        e(b.org),
        e(b.name) + (b.vetoed ? ' <span style="color:#b71c1c">（负面清单）</span>' : ''),
        `<span style="color:${scoreColor(b.score)};font-weight:bold">${e(scoreText(b.score))}</span>`,
        e(b.grade ?? '未评定'),
        `<span style="color:#e65100">${starsText(b.stars)}</span>`,
        e(changeText(b.scoreChange)),
        e(b.problems),
      ]),
    );
    yield (i ? '\n' : '') + rows.join('\n');
  }
  yield `</table></section>` + HTML_DOCUMENT_TAIL;
}

/** 组织生活红黄绿: counts, the consequences to carry out, the red and yellow branches (first COLOUR_LIST_MAX). */
function committeeColoursHtml(k: NonNullable<CommitteeSummary['colours']>): string {
  const swatch = (c: keyof typeof COLOUR_CSS) => `<span style="display:inline-block;width:10px;height:10px;border-radius:5px;background:${COLOUR_CSS[c]}"></span>`;
  const counts = `<p>${swatch('red')} 红 ${e(k.counts.red)}　${swatch('yellow')} 黄 ${e(k.counts.yellow)}　${swatch('green')} 绿 ${e(k.counts.green)}</p>`;
  const consequences = k.consequences.length
    ? `<p style="font-weight:bold">需落实的后果：</p>` + table(['组织编码', '支部名称', '连续为红', '后果'], k.consequences.map((x) => [e(x.org), e(x.name), e(`${x.redMonths} 个月`), e(x.consequence)]))
    : '';
  const shown = k.flagged.slice(0, COLOUR_LIST_MAX);
  const flagged = shown.length
    ? table(['等级', '组织编码', '支部名称', '连续有预警'], shown.map((x) => [`${swatch(x.colour)} ${x.colour === 'red' ? '红' : '黄'}`, e(x.org), e(x.name), e(`${x.warningMonths} 个月`)])) +
      (k.flagged.length > shown.length ? `<p style="font-size:13px;color:#666">另有 ${e(k.flagged.length - shown.length)} 个红黄支部未列出。</p>` : '')
    : '<p>全部为绿。</p>';
  return `<section>${h2(`组织生活红黄绿（${k.month}）`)}${counts}${consequences}${flagged}</section>`;
}
