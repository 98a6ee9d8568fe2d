/**
 * Reports as Markdown, which also reads well as plain text (the text part of report emails and
 * `--format md`). Imported names and topics are escaped so they cannot inject markup. Pure.
 */
import { committeeMembersText, membersMarkdown } from './members.js';
import { LEVEL_NAMES_ZH, RULE_NAMES_ZH } from '../../domain/types.js';
import type { BranchReport, CommitteeSummary } from '../types.js';
import { branchRatingMarkdown, committeeRatingMarkdown } from './rating.js';
import { changeText, colourText, COLOUR_LIST_MAX, escapeMd as m, generatedText, percentText, rankChangeText, rankText, scoreText, starsText } from './text.js';

function mdTable(headers: string[], rows: string[][]): string {
  return [`| ${headers.join(' | ')} |`, `|${headers.map(() => ' --- ').join('|')}|`, ...rows.map(mdRow)].join('\n');
}

const mdRow = (cells: string[]) => `| ${cells.join(' | ')} |`;

/** The branch report as Markdown. */
export function renderBranchMarkdown(r: BranchReport): string {
  const s = r.stats;
  const out: string[] = [];
  out.push(`# ${m(r.name)} ${r.periodName}组织生活体检报告`, '');
  out.push(
    `组织编码：${m(r.org)}　上级党组织：${m(r.parentName ?? r.parent ?? '—')}　领域：${m(r.domainName ?? '—')}　生成时间：${generatedText(r.generatedAt)}`,
    '',
  );
  out.push(
    `- 综合得分：**${scoreText(r.score)}**`,
    `- 等次：${m(r.grade ?? '未评定')}`,
    `- 星级预估：${starsText(r.stars)}${r.vetoed ? '（列入负面清单，一票否决五星）' : ''}`,
    `- 全市同领域排名：${rankText(r.rank, r.rankOf)}；党委内排名：${rankText(r.committeeRank, r.committeeRankOf)}`,
    r.previous
      ? `- 较上期（${r.previous.period}）：得分 ${changeText(r.change.score, '分')}，领域排名 ${rankChangeText(r.change.rank)}，党委内排名 ${rankChangeText(r.change.committeeRank)}`
      : '- 较上期：上期无报告',
    '',
  );
  out.push('## 分类得分', '');
  out.push(
    mdTable(
      ['类别 / 指标', '权重', '得分', '说明'],
      r.categories.flatMap((c) => [
        [`**${c.name}**`, String(c.weight), `**${c.score === null ? '无数据' : scoreText(c.score)}**`, ''],
        ...c.indicators.map((i) => [`　${m(i.name)}${i.source === 'imported' ? '（导入）' : ''}`, String(i.weight), scoreText(i.score), m(i.detail)]),
      ]),
    ),
    '',
  );
  out.push('## 得分趋势', '', mdTable(r.trend.map((t) => t.period), [r.trend.map((t) => scoreText(t.score))]), '');
  out.push('## 组织生活情况', '');
  out.push(
    `- 三会一课：应开展 ${s.required} 项，已落实 ${s.met} 项；按时完成 ${s.timeliness.onTime} 项，平均完成时点为期间进度的 ${percentText(s.timeliness.meanLateness)}`,
    `- 会议：${s.meetings} 次，参会率 ${percentText(s.attendance.rate)}；会议记录完整率 ${percentText(s.minutes.completeness)}（无记录 ${s.minutes.no} 次）`,
    `- 党员大会：召开 ${s.assemblies.held} 次，到会过半 ${s.assemblies.quorate} 次`,
    `- 预警：收到 ${s.warnings.received} 条，已签收 ${s.warnings.acknowledged} 条${s.warnings.meanAckDays !== null ? `，平均 ${s.warnings.meanAckDays} 天签收` : ''}；未办结督办 ${s.openEscalations} 条`,
    `- 整改：未完成 ${s.rectifications.open} 项，其中逾期 ${s.rectifications.overdue} 项`,
    '',
  );
  const missed = s.obligations.filter((o) => !o.met);
  if (missed.length) out.push(`未落实事项：${missed.map((o) => `${RULE_NAMES_ZH[o.rule]}（${o.period}）`).join('；')}`, '');
  if (r.colour) out.push(m(colourText(r.colour)), '');
  if (r.members) out.push(...membersMarkdown(r.members, m));
  out.push(`## 问题清单（${r.problems.length} 项）`, '');
  if (!r.problems.length) out.push('本期未发现问题，请继续保持。', '');
  r.problems.forEach((p, i) => {
    out.push(`${i + 1}. **${m(p.title)}** \`${p.rule}\`${p.level ? ` ${LEVEL_NAMES_ZH[p.level]}` : ''}${p.history ? ' 上线前（系统启用前的历史问题，未发送提醒）' : ''}`);
    out.push(`   - 时间：${m(p.when)}`, `   - 问题：${m(p.message)}`);
    for (const x of p.evidence) out.push(`   - 依据：${m(x)}`);
    out.push(`   - 整改建议：${m(p.suggestion)}`);
  });
  if (r.exempted?.length) {
    out.push('', '## 已豁免事项（不计入问题和得分）', '');
    for (const x of r.exempted) out.push(`- ${m(x.title)}（${m(x.when)}）：${m(x.note)}`);
  }
  if (r.problems.length) {
    out.push('', '## 限期整改', '', `请对照以上问题认真整改，于 **${r.rectification.deadline}** 前完成，并将整改情况报上级党组织。`);
  }
  if (r.rating) out.push('', ...branchRatingMarkdown(r.rating));
  if (r.notes.length) out.push('', '## 说明', '', ...r.notes.map((n) => `- ${m(n)}`));
  out.push('', '——本报告由组织生活工作预警系统自动生成，星级为预估结果，以组织部门正式评定为准。', '');
  return out.join('\n');
}

/** The committee summary as Markdown; `note` is shown under the title (a mail whose lists were cut). */
export function renderCommitteeMarkdown(c: CommitteeSummary, opts: { note?: string } = {}): string {
  return [...committeeMarkdownParts(c, opts)].join('');
}

/** Ranking rows per part of committeeMarkdownParts. */
const ROWS_PER_PART = 2000;

/** renderCommitteeMarkdown's text in parts (joined, exactly that text): the ranking a bounded number of rows at a time. */
export function* committeeMarkdownParts(c: CommitteeSummary, opts: { note?: string } = {}): Generator<string> {
  const out: string[] = [];
  out.push(`# ${m(c.name)} ${c.periodName}党支部组织生活体检汇总`, '');
  out.push(`生成时间：${generatedText(c.generatedAt)}　支部数：${c.branchCount}　参评：${c.ratedCount}　平均分：${scoreText(c.averageScore)}`, '');
  if (opts.note) out.push(`> ${m(opts.note)}`, '');
  out.push('## 等次分布', '', mdTable(c.grades.map((g) => m(g.grade)), [c.grades.map((g) => String(g.count))]), '');
  out.push('## 星级分布', '', mdTable(c.stars.map((s) => `${s.stars}星`), [c.stars.map((s) => String(s.count))]), '');
  const roster = committeeMembersText(c);
  if (roster) out.push('## 党员管理', '', roster, '');
  out.push('## 常见问题', '');
  if (!c.commonProblems.length) out.push('本期各支部未发现问题。');
  for (const p of c.commonProblems) out.push(`- ${m(p.title)}：${p.branches} 个支部`);
  out.push('', '## 需重点关注的支部', '');
  if (!c.attention.length) out.push('无未办结督办或逾期整改的支部。');
  for (const a of c.attention) out.push(`- ${m(a.name)}（${m(a.org)}）：未办结督办 ${a.openEscalations} 条，逾期整改 ${a.overdueRectifications} 项`);
  if (c.colours) {
    const k = c.colours;
    out.push('', `## 组织生活红黄绿（${k.month}）`, '', `红 ${k.counts.red} · 黄 ${k.counts.yellow} · 绿 ${k.counts.green}`);
    if (k.consequences.length) {
      out.push('', '需落实的后果：');
      for (const x of k.consequences) out.push(`- ${m(x.name)}（${m(x.org)}）连续 ${x.redMonths} 个月为红：${m(x.consequence)}`);
    }
    const shown = k.flagged.slice(0, COLOUR_LIST_MAX);
    if (shown.length) out.push('');
    for (const x of shown) out.push(`- ${x.colour === 'red' ? '红' : '黄'}：${m(x.name)}（${m(x.org)}），连续 ${x.warningMonths} 个月有预警`);
    if (k.flagged.length > shown.length) out.push(`- 另有 ${k.flagged.length - shown.length} 个红黄支部未列出`);
  }
  if (c.rating) out.push('', ...committeeRatingMarkdown(c.rating));
  out.push('', '## 支部排名', '');
  // The ranking: mdTable's lines, a part of rows at a time, then the closing newline.
  const head = mdTable(['排名', '组织编码', '支部名称', '得分', '等次', '星级', '较上期', '问题数'], []);
  yield `${out.join('\n')}\n${head}`;
  for (let i = 0; i < c.branches.length; i += ROWS_PER_PART) {
    const rows = c.branches.slice(i, i + ROWS_PER_PART).map((b) =>
      mdRow([
        b.rank === null ? '—' : String(b.rank),
        m(b.org),
        m(b.name) + (b.vetoed ? '（负面清单）' : ''),
        scoreText(b.score),
        m(b.grade ?? '未评定'),
        starsText(b.stars),
        changeText(b.scoreChange),
        String(b.problems),
      ]),
    );
    yield `\n${rows.join('\n')}`;
  }
  yield '\n';
}
