/**
 * The demo's report folder: every branch's health-check report and every committee's summary as
 * HTML (the renderers of src/reports), the ranking workbook, and an index.html linking them all.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config/schema.js';
import type { Period } from '../domain/calendar.js';
import { buildReports } from '../reports/gather.js';
import { renderBranch, renderCommittee } from '../reports/render/index.js';
import { escapeHtml } from '../alerts/index.js';
import type { BranchReport } from '../reports/types.js';
import { saveRankingXlsx } from '../reports/xlsx.js';
import type { Store } from '../store/port.js';

/** What was written. */
export interface RenderedReports {
  dir: string;
  index: string;
  branches: number;
  committees: number;
  ranking: string;
  /** Branches by grade (未评定 for unrated). */
  grades: Record<string, number>;
}

/** Compute the reports of `period` as of `now` and write them under `dir`. */
export async function renderDemoReports(store: Store, config: Config, period: Period, now: number, dir: string): Promise<RenderedReports> {
  const { reports, summaries } = await buildReports(store, config, period, now);
  mkdirSync(join(dir, 'branches'), { recursive: true });
  mkdirSync(join(dir, 'committees'), { recursive: true });
  for (const r of reports) writeFileSync(join(dir, 'branches', `${r.org}.html`), renderBranch(r, 'html'));
  for (const s of summaries) writeFileSync(join(dir, 'committees', `${s.org}.html`), renderCommittee(s, 'html'));
  const periodName = reports[0]?.periodName ?? period.label;
  const ranking = join(dir, `ranking-${period.label}.xlsx`);
  await saveRankingXlsx(ranking, reports, periodName);
  const index = join(dir, 'index.html');
  writeFileSync(index, indexHtml(periodName, reports, summaries.map((s) => ({ org: s.org, name: s.name, branchCount: s.branchCount, averageScore: s.averageScore }))));
  // In the order of the configured bands (best first), unrated last.
  const grades: Record<string, number> = {};
  for (const g of [...config.reports.bands.map((b) => b.grade), '未评定']) {
    const n = reports.filter((r) => (r.grade ?? '未评定') === g).length;
    if (n) grades[g] = n;
  }
  return { dir, index, branches: reports.length, committees: summaries.length, ranking, grades };
}

function indexHtml(
  periodName: string,
  reports: readonly BranchReport[],
  committees: ReadonlyArray<{ org: string; name: string; branchCount: number; averageScore: number | null }>,
): string {
  const e = escapeHtml;
  const sorted = [...reports].sort((a, b) => (b.score ?? -1) - (a.score ?? -1) || a.org.localeCompare(b.org));
  const rows = sorted
    .map(
      (r) =>
        `<tr><td><a href="branches/${e(r.org)}.html">${e(r.name)}</a></td><td>${e(r.parentName ?? '')}</td><td>${e(r.domainName ?? '')}</td>` +
        `<td>${r.score ?? '—'}</td><td>${e(r.grade ?? '未评定')}</td><td>${r.stars ? '★'.repeat(r.stars) : '—'}</td><td>${r.problems.length}</td></tr>`,
    )
    .join('\n');
  const cRows = committees
    .map((c) => `<li><a href="committees/${e(c.org)}.html">${e(c.name)}</a>（${c.branchCount} 个支部，平均 ${c.averageScore ?? '—'} 分）</li>`)
    .join('\n');
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>${e(periodName)} 体检报告（演示）</title>
<style>body{font-family:system-ui,"PingFang SC","Microsoft YaHei",sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px}th{background:#f4f4f4}</style>
</head><body>
<h1>${e(periodName)} 党支部体检报告（演示数据）</h1>
<p>以下数据均为合成的示例城市，不含真实人员。</p>
<h2>上级党委汇总</h2><ul>${cRows}</ul>
<h2>支部（按得分排序）</h2>
<table><tr><th>支部</th><th>上级党委</th><th>领域</th><th>得分</th><th>等次</th><th>星级</th><th>问题数</th></tr>
${rows}
</table></body></html>
`;
}
