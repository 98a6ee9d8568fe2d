/**
 * `orglife ranking --period 2026 [--domain rural] [--xlsx FILE] [--at TIME]`: the city-wide
 * ranking (大比武) of branches per domain, printed as a table and optionally exported to XLSX.
 */
import type { Command } from 'commander';
import { DOMAINS, DOMAIN_NAMES_ZH, type Domain } from '../../domain/types.js';
import { rankingRowOf, saveRankingRowsXlsx, sortRankingRows, type RankingRow } from '../../reports/xlsx.js';
import { rankChangeText, scoreText, starsText } from '../../reports/render/text.js';
import { UserError } from '../errors.js';
import { parseAt, parsePeriodFlag, streamOrFail, withReportStore } from './report.js';

interface RankingFlags {
  period?: string;
  domain?: string;
  xlsx?: string;
  at?: string;
  limit?: string;
}

/** A domain flag: the English code or the Chinese name. */
function parseDomain(flag: string | undefined): Domain | undefined {
  if (flag === undefined) return undefined;
  const d = flag.trim();
  const found = DOMAINS.find((x) => x === d || DOMAIN_NAMES_ZH[x] === d);
  if (!found) {
    throw new UserError(`无效的领域 --domain "${flag}"：可选 ${DOMAINS.map((x) => `${x}（${DOMAIN_NAMES_ZH[x]}）`).join('、')} / invalid domain`);
  }
  return found;
}

export function registerRanking(program: Command): void {
  program
    .command('ranking')
    .description('全市分领域党支部排名（大比武），可导出 XLSX / city-wide ranking per domain')
    .option('--period <label>', '期间：2026-10、2026-Q3 或 2026 / period label')
    .option('--domain <domain>', '只看一个领域，如 rural 或 农村 / one domain')
    .option('--xlsx <file>', '导出 XLSX 文件 / export to an XLSX workbook')
    .option('--limit <n>', '每个领域只显示前 N 名（XLSX 不受影响） / show the top N per domain')
    .option('--at <time>', '计算时间（默认当前时间） / evaluation time')
    .action(async (flags: RankingFlags) => {
      const p = parsePeriodFlag(flags.period);
      const domain = parseDomain(flags.domain);
      const now = parseAt(flags.at);
      const limit = flags.limit === undefined ? Infinity : Number(flags.limit);
      if (!(limit > 0)) throw new UserError(`无效的 --limit "${flags.limit}"：应为正整数 / invalid limit`);
      await withReportStore(async (store, config) => {
        // Streamed: one small ranking row per branch is kept, not every report.
        const all: RankingRow[] = [];
        let first: string | undefined;
        await streamOrFail(store, config, p, now, {
          onChunk: (reports) => {
            first ??= reports[0]?.periodName;
            for (const r of reports) if (!domain || r.domain === domain) all.push(rankingRowOf(r));
          },
        });
        const periodName = first ?? p.label;
        const rows = sortRankingRows([...all]);
        const lines: string[] = [];
        for (const d of domain ? [domain] : DOMAINS) {
          const list = rows.filter((r) => r.domain === d);
          if (!list.length) continue;
          lines.push(`${periodName} ${DOMAIN_NAMES_ZH[d]}领域党支部排名（${list.filter((r) => r.rank !== null).length} 个参评）`);
          lines.push(['排名', '组织编码', '支部名称', '得分', '等次', '星级', '排名变化'].join('\t'));
          for (const r of list.slice(0, limit)) {
            lines.push(
              [r.rank ?? '—', r.org, r.name, scoreText(r.score), r.grade ?? '未评定', starsText(r.stars) + (r.vetoed ? '（负面清单）' : ''), rankChangeText(r.rankChange)].join('\t'),
            );
          }
          lines.push('');
        }
        if (!lines.length) lines.push(`${periodName} 无参评支部 / no branches`);
        process.stdout.write(`${lines.join('\n')}\n`);
        if (flags.xlsx) {
          await saveRankingRowsXlsx(flags.xlsx, all, periodName, domain);
          process.stderr.write(`已导出 / written: ${flags.xlsx}\n`);
        }
      });
    });
}
