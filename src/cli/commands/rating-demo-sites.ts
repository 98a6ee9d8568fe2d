/**
 * Demonstration sites (示范点) chosen from five-star branches:
 *   orglife rating demo-site add --org CODE --year Y --level city|prefecture [--note T]
 *   orglife rating demo-site remove --org CODE --year Y
 *   orglife rating demo-site list [--year Y] [--json] [--xlsx F]
 */
import type { Command } from 'commander';
import { DOMAIN_NAMES_ZH } from '../../domain/types.js';
import { chooseDemoSite } from '../../rating/weak-service.js';
import { saveSheets } from '../../rating/xlsx.js';
import { UserError } from '../errors.js';
import { parseAtOption } from '../existing-db.js';
import { parseYearFlag, withRatingStore } from './rating-options.js';

export const DEMO_LEVEL_NAMES_ZH = { city: '市级', prefecture: '地市级' } as const;

function levelFlag(v: string | undefined): 'city' | 'prefecture' {
  const t = v?.trim();
  if (t === 'city' || t === '市级') return 'city';
  if (t === 'prefecture' || t === '地市级' || t === '地级') return 'prefecture';
  throw new UserError(`无效的级别 --level "${v ?? ''}"：可选 city（市级）、prefecture（地市级）/ invalid level`);
}

export function registerRatingDemoSites(rating: Command): void {
  const demo = rating.command('demo-site').description('示范点：从五星党支部中选树，注明年度和级别 / demonstration sites');
  demo
    .command('add')
    .description('选树示范点（须为该年度五星党支部）/ choose a demonstration site')
    .option('--org <code>', '党支部编码 / branch code')
    .option('--year <year>', '年度 / year')
    .option('--level <level>', 'city（市级）或 prefecture（地市级）/ level')
    .option('--note <text>', '说明 / note')
    .option('--at <time>', '操作时间（测试用）/ time of the action')
    .action(async (f: { org?: string; year?: string; level?: string; note?: string; at?: string }) => {
      const year = parseYearFlag(f.year);
      if (!f.org) throw new UserError('请用 --org 指定党支部编码 / --org is required');
      const level = levelFlag(f.level);
      const what = await withRatingStore((store) => chooseDemoSite(store, { org: f.org!, year, level, note: f.note?.trim() || null }, parseAtOption(f.at)));
      process.stdout.write(`${what === 'unchanged' ? '无变化' : '已选树'}：「${f.org}」${year} 年度${DEMO_LEVEL_NAMES_ZH[level]}示范点 / demonstration site ${what}\n`);
    });
  demo
    .command('remove')
    .description('取消示范点 / remove a demonstration site')
    .option('--org <code>', '党支部编码 / branch code')
    .option('--year <year>', '年度 / year')
    .action(async (f: { org?: string; year?: string }) => {
      const year = parseYearFlag(f.year);
      const ok = await withRatingStore((store) => store.rating.removeDemoSite(f.org ?? '', year));
      if (!ok) throw new UserError(`「${f.org}」不是 ${year} 年度示范点 / not a demonstration site`);
      process.stdout.write(`已取消「${f.org}」${year} 年度示范点 / removed\n`);
    });
  demo
    .command('list')
    .description('列出示范点 / list demonstration sites')
    .option('--year <year>', '年度 / year')
    .option('--json', '每行输出一个 JSON 对象 / one JSON object per line')
    .option('--xlsx <file>', '导出 XLSX / export to XLSX')
    .action(async (f: { year?: string; json?: boolean; xlsx?: string }) => {
      const year = f.year === undefined ? undefined : parseYearFlag(f.year);
      await withRatingStore(async (store) => {
        const branches = new Map((await store.rating.branches()).map((b) => [b.code, b]));
        const rows = (await store.rating.demoSites({ year })).map((s) => {
          const b = branches.get(s.org);
          return { ...s, name: b?.name ?? s.org, committee: b?.parentName ?? b?.parent ?? null, domain: b?.domain ?? null };
        });
        if (f.json) process.stdout.write(rows.map((r) => `${JSON.stringify(r)}\n`).join(''));
        else {
          const lines = [['年度', '级别', '组织编码', '支部名称', '上级党组织', '领域', '说明'].join('\t')];
          for (const r of rows) lines.push([r.year, DEMO_LEVEL_NAMES_ZH[r.level], r.org, r.name, r.committee ?? '', r.domain ? DOMAIN_NAMES_ZH[r.domain] : '', r.note ?? ''].join('\t'));
          if (!rows.length) lines.push('（无示范点）');
          process.stdout.write(`${lines.join('\n')}\n`);
        }
        if (f.xlsx) {
          await saveSheets(f.xlsx, [
            {
              name: '示范点',
              title: `${year ?? ''}${year ? ' 年度' : ''}党支部示范点`,
              headers: ['年度', '级别', '组织编码', '支部名称', '上级党组织', '领域', '说明'],
              widths: [8, 8, 14, 28, 22, 10, 30],
              rows: rows.map((r) => [r.year, DEMO_LEVEL_NAMES_ZH[r.level], r.org, r.name, r.committee ?? '', r.domain ? DOMAIN_NAMES_ZH[r.domain] : '', r.note ?? '']),
            },
          ]);
          process.stderr.write(`已导出 / written: ${f.xlsx}\n`);
        }
      });
    });
}
