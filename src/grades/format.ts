/** The Chinese text of `orglife grades` and of the grade lines in reports. */
import { shanghaiDate, periodNameZh } from '../domain/calendar.js';
import type { GradesConfig } from './config.js';
import { COLOUR_MEANINGS_ZH, COLOUR_NAMES_ZH, type BranchGrade, type Colour } from './compute.js';
import type { MonthGrades } from './gather.js';

export function countsText(c: Record<Colour, number>): string {
  return `红 ${c.red} · 黄 ${c.yellow} · 绿 ${c.green}`;
}

export function gradeLine(g: BranchGrade): string {
  const streak = g.warningMonths > 0 ? `连续 ${g.warningMonths} 个月有预警，本月 ${g.standing} 项` : '本月无预警';
  return `${COLOUR_NAMES_ZH[g.colour]}（${COLOUR_MEANINGS_ZH[g.colour]}）${g.name}（${g.code}）${streak}`;
}

export function consequenceLine(g: BranchGrade): string {
  return `${g.name}（${g.code}）连续 ${g.redMonths} 个月为红：${g.consequence}`;
}

export function rulesText(c: GradesConfig): string {
  const parts = [`连续 ${c.yellow_months} 个月存在预警（预警或督办）为黄`, `连续 ${c.red_months} 个月为红`];
  for (const q of [...c.consequences].sort((a, b) => a.red_months - b.red_months)) parts.push(`连续红 ${q.red_months} 个月：${q.action}`);
  return `评定规则：${parts.join('；')}。`;
}

export function gradesText(g: MonthGrades, config: GradesConfig, now: number): string {
  const asOf = now < g.month.end ? `（截至 ${shanghaiDate(now)}）` : '';
  const lines = [`${periodNameZh(g.month)}组织生活红黄绿评定${asOf}`];
  if (g.beforeGoLive) {
    lines.push('该月在系统启用日期（alerts.start_from）之前结束，不作评定。');
    return `${lines.join('\n')}\n`;
  }
  lines.push(`共 ${g.branches.length} 个支部：${countsText(g.counts)}`, rulesText(config), '');
  for (const c of g.committees) {
    lines.push(`■ ${c.name ?? '（无上级党委）'}${c.code ? `（${c.code}）` : ''}：${countsText(c.counts)}`);
    if (c.consequences.length) {
      lines.push('  需落实的后果：');
      for (const b of c.consequences) lines.push(`    ${consequenceLine(b)}`);
    }
    for (const b of c.flagged) lines.push(`  ${gradeLine(b)}`);
    if (!c.flagged.length) lines.push('  全部为绿');
    lines.push('');
  }
  return `${lines.join('\n')}`;
}
