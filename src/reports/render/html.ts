/**
 * The branch health-check report as HTML for mail clients, browsers and print: one self-contained
 * document, styles in style attributes (mail clients drop <link> and often <style>), tables for
 * layout, charts as inline SVG. Every imported text is escaped. Pure: report data in, HTML out.
 */
import { membersHtml } from './members.js';
import { LEVEL_NAMES_ZH, RULE_NAMES_ZH } from '../../domain/types.js';
import type { BranchReport } from '../types.js';
import { barChart, scoreColor, trendChart } from './svg.js';
import { branchRatingHtml } from './rating.js';
import {
  changeText,
  colourText,
  escapeHtml as e,
  generatedText,
  percentText,
  rankChangeText,
  rankText,
  scoreText,
  starsText,
} from './text.js';

const TD = 'style="border:1px solid #ddd;padding:6px 8px;vertical-align:top"';
const TH = 'style="border:1px solid #ddd;padding:6px 8px;background:#f5f5f5;text-align:left;font-weight:bold"';
const TABLE = 'style="border-collapse:collapse;width:100%;font-size:14px;margin:8px 0"';
const H2 = 'style="font-size:18px;color:#b71c1c;border-left:4px solid #b71c1c;padding-left:8px;margin:24px 0 8px;page-break-after:avoid"';

/** Swatch colours of the grades. */
export const COLOUR_CSS = { red: '#c62828', yellow: '#f9a825', green: '#2e7d32' } as const;

/** htmlDocument's text before the body. */
export function htmlDocumentHead(title: string): string {
  return `<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(title)}</title>
<style>@media print { body { margin: 0 } section { page-break-inside: avoid } a { color: inherit; text-decoration: none } }</style>
</head>
<body style="margin:0;padding:0;background:#ffffff">
<div style="max-width:760px;margin:0 auto;padding:16px;font-family:'Microsoft YaHei','PingFang SC','Noto Sans CJK SC',sans-serif;color:#222;line-height:1.6">
`;
}

/** htmlDocument's text after the body. */
export const HTML_DOCUMENT_TAIL = `
<p style="margin-top:32px;font-size:12px;color:#888;border-top:1px solid #eee;padding-top:8px">本报告由组织生活工作预警系统根据录入的会议记录与导入的考核结果自动生成，星级为预估结果，以组织部门正式评定为准。</p>
</div>
</body>
</html>
`;

/** Wrap a body in the shared document shell (also used by the committee summary). */
export function htmlDocument(title: string, body: string): string {
  return htmlDocumentHead(title) + body + HTML_DOCUMENT_TAIL;
}

/** A table from header cells and rows of already-escaped cell HTML. */
export function table(headers: string[], rows: string[][]): string {
  return `${tableStart(headers)}${rows.map(tableRow).join('\n')}</table>`;
}

/** table()'s text before its rows: the rows follow, joined by newlines, then `</table>`. */
export function tableStart(headers: string[]): string {
  return `<table ${TABLE}><tr>${headers.map((h) => `<th ${TH}>${h}</th>`).join('')}</tr>\n`;
}

/** One row of table() from already-escaped cell HTML. */
export function tableRow(cells: string[]): string {
  return `<tr>${cells.map((c) => `<td ${TD}>${c}</td>`).join('')}</tr>`;
}

/** A section heading. */
export function h2(text: string): string {
  return `<h2 ${H2}>${e(text)}</h2>`;
}

function headline(r: BranchReport): string {
  const box = (label: string, value: string, extra = '') =>
    `<td style="padding:10px;text-align:center;border:1px solid #eee;width:25%"><div style="font-size:12px;color:#777">${label}</div><div style="font-size:22px;font-weight:bold;${extra}">${value}</div></td>`;
  const prev = r.previous
    ? `较上期（${e(r.previous.period)}）：得分 ${e(changeText(r.change.score, '分'))}，领域排名 ${e(rankChangeText(r.change.rank))}，党委内排名 ${e(rankChangeText(r.change.committeeRank))}`
    : '上期无报告，无法比较变化';
  return (
    `<table style="border-collapse:collapse;width:100%;margin:12px 0"><tr>` +
    box('综合得分', scoreText(r.score), `color:${scoreColor(r.score)}`) +
    box('等次', e(r.grade ?? '未评定')) +
    box('星级预估', `<span style="color:#e65100">${starsText(r.stars)}</span>`) +
    box('全市同领域排名', e(rankText(r.rank, r.rankOf))) +
    `</tr></table>` +
    `<p style="margin:4px 0;font-size:14px">党委内排名：${e(rankText(r.committeeRank, r.committeeRankOf))}；${prev}</p>` +
    (r.vetoed
      ? `<p style="margin:8px 0;padding:8px;background:#ffebee;border:1px solid #ef9a9a;color:#b71c1c;font-size:14px">本期列入负面清单（一票否决），不得评为五星。</p>`
      : '')
  );
}

function categories(r: BranchReport): string {
  const chart = barChart(`${r.name} ${r.periodName}分类得分`, r.categories.map((c) => ({ label: c.name, score: c.score })));
  const rows = r.categories.flatMap((c) => [
    [`<b>${e(c.name)}</b>`, e(c.weight), `<b>${e(c.score === null ? '无数据' : scoreText(c.score))}</b>`, ''],
    ...c.indicators.map((i) => [
      `&nbsp;&nbsp;${e(i.name)}${i.source === 'imported' ? '<span style="color:#888">（导入）</span>' : ''}`,
      e(i.weight),
      e(i.score === null ? '—' : scoreText(i.score)),
      e(i.detail),
    ]),
  ]);
  return `<section>${h2('分类得分')}<div style="margin:8px 0">${chart}</div>${table(['类别 / 指标', '权重', '得分', '说明'], rows)}</section>`;
}

function trend(r: BranchReport): string {
  return `<section>${h2('得分趋势')}<div style="margin:8px 0">${trendChart(`${r.name} 近期得分趋势`, r.trend)}</div>${table(
    r.trend.map((t) => e(t.period)),
    [r.trend.map((t) => e(scoreText(t.score)))],
  )}</section>`;
}

function orgLife(r: BranchReport): string {
  const s = r.stats;
  const facts = [
    ['三会一课落实', `应开展 ${s.required} 项，已落实 ${s.met} 项，未落实 ${s.required - s.met} 项`],
    ['按时开展', s.required ? `${s.timeliness.onTime} 项在提醒期前完成；平均完成时点为期间进度的 ${percentText(s.timeliness.meanLateness)}` : '—'],
    ['会议记录', `共 ${s.meetings} 次会议，参会率 ${percentText(s.attendance.rate)}`],
    ['会议记录完整', `有记录 ${s.minutes.yes} 次，无记录 ${s.minutes.no} 次，未填 ${s.minutes.unknown} 次（完整率 ${percentText(s.minutes.completeness)}）`],
    ['党员大会', `召开 ${s.assemblies.held} 次，到会过半 ${s.assemblies.quorate} 次`],
    ['收到预警', `${s.warnings.received} 条，已签收 ${s.warnings.acknowledged} 条${s.warnings.meanAckDays !== null ? `，平均 ${s.warnings.meanAckDays} 天签收` : ''}；未办结督办 ${s.openEscalations} 条`],
    ['整改事项', `未完成 ${s.rectifications.open} 项，其中逾期 ${s.rectifications.overdue} 项`],
  ].map(([k, v]) => [e(k), e(v)]);
  // One row per rule (a year has 12 monthly periods per rule): what was due, met, and when not.
  const byRule = new Map<string, typeof s.obligations>();
  for (const o of s.obligations) {
    const list = byRule.get(o.rule);
    if (list) list.push(o);
    else byRule.set(o.rule, [o]);
  }
  const obligations = [...byRule].map(([rule, list]) => {
    const missed = list.filter((o) => !o.met);
    const late = list.filter((o) => o.met && !o.onTime).length;
    return [
      e(RULE_NAMES_ZH[rule as keyof typeof RULE_NAMES_ZH]),
      e(list.length),
      e(list.length - missed.length),
      missed.length ? `<span style="color:#c62828;font-weight:bold">${e(missed.map((o) => o.period).join('、'))}</span>` : '<span style="color:#2e7d32">全部落实</span>',
      e(late ? `${late} 项临近期末完成` : '—'),
    ];
  });
  return (
    `<section>${h2('组织生活情况')}${table(['项目', '情况'], facts)}` +
    (obligations.length ? table(['应开展事项', '应开展（期）', '已落实', '未落实期间', '时效'], obligations) : '<p>本期无应开展事项。</p>') +
    `</section>`
  );
}

function problems(r: BranchReport): string {
  if (!r.problems.length) return `<section>${h2('问题清单')}<p>本期未发现问题，请继续保持。</p></section>`;
  const items = r.problems
    .map(
      (p, i) =>
        `<li style="margin:0 0 14px"><div><b>${i + 1}. ${e(p.title)}</b> <span style="color:#888;font-size:12px">[${e(p.rule)}]</span>` +
        (p.level ? ` <span style="color:#b71c1c;font-size:12px">${e(LEVEL_NAMES_ZH[p.level])}</span>` : '') +
        (p.history ? ` <span style="color:#777;font-size:12px">上线前（系统启用前的历史问题，未发送提醒）</span>` : '') +
        `</div><div style="font-size:14px">时间：${e(p.when)}</div><div style="font-size:14px">问题：${e(p.message)}</div>` +
        (p.evidence.length ? `<div style="font-size:13px;color:#555">依据：<ul style="margin:2px 0 2px 18px;padding:0">${p.evidence.map((x) => `<li>${e(x)}</li>`).join('')}</ul></div>` : '') +
        `<div style="font-size:14px;background:#f1f8e9;padding:4px 8px">整改建议：${e(p.suggestion)}</div></li>`,
    )
    .join('\n');
  return `<section>${h2(`问题清单（${r.problems.length} 项）`)}<ol style="list-style:none;padding:0;margin:0">${items}</ol></section>`;
}

function rectification(r: BranchReport): string {
  if (!r.problems.length) return '';
  return `<section>${h2('限期整改')}<p style="font-size:15px;padding:8px;border:1px solid #ffcc80;background:#fff8e1">请对照以上 ${r.problems.length} 项问题认真整改，于 <b>${e(r.rectification.deadline)}</b> 前完成，并将整改情况报上级党组织${r.parentName ? `（${e(r.parentName)}）` : ''}。</p></section>`;
}

/** The whole report as an HTML document. */
export function renderBranchHtml(r: BranchReport): string {
  const title = `${r.name} ${r.periodName}组织生活体检报告`;
  const meta = [
    `组织编码：${e(r.org)}`,
    `上级党组织：${e(r.parentName ?? r.parent ?? '—')}`,
    `领域：${e(r.domainName ?? '—')}`,
    `生成时间：${e(generatedText(r.generatedAt))}`,
  ].join('　');
  const notes = r.notes.length ? `<section>${h2('说明')}<ul>${r.notes.map((n) => `<li style="font-size:13px">${e(n)}</li>`).join('')}</ul></section>` : '';
  const body =
    `<h1 style="font-size:22px;text-align:center;color:#b71c1c;margin:8px 0">${e(title)}</h1>` +
    `<p style="text-align:center;font-size:13px;color:#666;margin:0 0 8px">${meta}</p>` +
    headline(r) +
    (r.colour ? `<p style="font-size:14px;margin:6px 0"><span style="display:inline-block;width:12px;height:12px;border-radius:6px;vertical-align:-1px;background:${COLOUR_CSS[r.colour.colour]}"></span> ${e(colourText(r.colour))}</p>` : '') +
    categories(r) +
    trend(r) +
    orgLife(r) +
    (r.members ? membersHtml(r.members, h2, table) : '') +
    problems(r) +
    (r.exempted?.length ? `<section>${h2('已豁免事项（不计入问题和得分）')}${table(['事项', '时间', '豁免'], r.exempted.map((x) => [e(x.title), e(x.when), e(x.note)]))}</section>` : '') +
    rectification(r) +
    (r.rating ? branchRatingHtml(r.rating) : '') +
    notes;
  return htmlDocument(title, body);
}
