/**
 * `orglife rating subsidies --year 2026 [--json] [--xlsx FILE]`: each branch's secretary subsidy
 * (by the star in effect on the 1st of each month) and five-star work fund for the year, totals per
 * committee and for the city; --xlsx writes the payment roll (发放名册) for finance.
 */
import type { Command } from 'commander';
import { DOMAIN_NAMES_ZH } from '../../domain/types.js';
import { computeSubsidies, type SubsidyResult } from '../../rating/subsidies.js';
import { paymentRollSheets, saveSheets } from '../../rating/xlsx.js';
import { parseYearFlag, withRatingStore } from './rating-options.js';

const yuan = (n: number) => n.toLocaleString('en-US');
const stars = (months: number[]) => months.map((s) => (s ? String(s) : '-')).join('');

function table(r: SubsidyResult): string {
  const lines = [`${r.year} 年度星级激励（书记补贴按每月 1 日生效星级计发，单位：元）`];
  lines.push(['组织编码', '支部名称', '上级党组织', '领域', '书记', '1–12月星级', '补贴月数', '书记补贴', '五星经费'].join('\t'));
  for (const b of r.branches) {
    lines.push(
      [b.org, b.name, b.committeeName ?? b.committee ?? '', b.domain ? DOMAIN_NAMES_ZH[b.domain] : '', b.secretary ?? '', stars(b.starsByMonth), b.months, yuan(b.subsidy_yuan), yuan(b.fund_yuan)].join('\t'),
    );
  }
  lines.push('', '按上级党组织汇总：', ['上级党组织', '支部数', '享受支部数', '书记补贴', '五星经费'].join('\t'));
  for (const c of r.committees) lines.push([c.committeeName ?? c.committee ?? '（无）', c.branches, c.paidBranches, yuan(c.subsidy_yuan), yuan(c.fund_yuan)].join('\t'));
  lines.push(`全市合计：${r.city.branches} 个支部，${r.city.paidBranches} 个享受激励，书记补贴 ${yuan(r.city.subsidy_yuan)} 元，五星工作经费 ${yuan(r.city.fund_yuan)} 元`);
  return lines.join('\n');
}

export function registerRatingSubsidies(rating: Command): void {
  rating
    .command('subsidies')
    .description('计算年度书记星级补贴和五星工作经费，可导出发放名册 / secretary subsidies and five-star funds of a year')
    .option('--year <year>', '年度，如 2026 / the year')
    .option('--org <code>', '只看一个支部 / one branch only')
    .option('--json', '每行输出一个支部的 JSON 对象（org、subsidy_yuan、fund_yuan …）/ one JSON object per branch')
    .option('--xlsx <file>', '导出发放名册 XLSX / write the payment roll (发放名册) to an XLSX file')
    .action(async (flags: { year?: string; org?: string; json?: boolean; xlsx?: string }) => {
      const year = parseYearFlag(flags.year);
      await withRatingStore(async (store, config) => {
        const branches = (await store.rating.branches()).filter((b) => !flags.org || b.code === flags.org);
        const r = computeSubsidies(branches, await store.rating.ratings(), await store.rating.starChanges(), year, config.rating);
        if (flags.json) process.stdout.write(r.branches.map((b) => `${JSON.stringify(b)}\n`).join(''));
        else process.stdout.write(`${table(r)}\n`);
        if (flags.xlsx) {
          await saveSheets(flags.xlsx, paymentRollSheets(r));
          process.stderr.write(`已导出发放名册 / payment roll written: ${flags.xlsx}\n`);
        }
      });
    });
}
