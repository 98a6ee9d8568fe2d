/**
 * Rankings (大比武) as an XLSX workbook for the organization department: one sheet per domain
 * (city-wide ranking within the domain), plus a sheet of all branches. exceljs writes it.
 */
import ExcelJS from 'exceljs';
import { createWriteStream } from 'node:fs';
import { PassThrough, type Writable } from 'node:stream';
import { safeRow } from '../domain/safe-cell.js';
import { DOMAINS, DOMAIN_NAMES_ZH, type Domain } from '../domain/types.js';
import type { BranchReport } from './types.js';
import { CATEGORY_IDS, CATEGORY_NAMES_ZH } from './config.js';

/** One row of a ranking. */
export interface RankingRow {
  rank: number | null;
  org: string;
  name: string;
  parentName: string | null;
  domain: Domain | null;
  score: number | null;
  grade: string | null;
  stars: number | null;
  vetoed: boolean;
  rankChange: number | null;
  scoreChange: number | null;
  problems: number;
  categories: (number | null)[];
}

/** Ranking rows of the reports (optionally one domain), best first; unrated at the end. */
export function rankingRows(reports: readonly BranchReport[], domain?: Domain): RankingRow[] {
  return sortRankingRows(reports.filter((r) => !domain || r.domain === domain).map(rankingRowOf));
}

/** One report's ranking row (small: kept per branch while the reports are streamed). */
export function rankingRowOf(r: BranchReport): RankingRow {
  return {
    rank: r.rank,
    org: r.org,
    name: r.name,
    parentName: r.parentName,
    domain: r.domain,
    score: r.score,
    grade: r.grade,
    stars: r.stars,
    vetoed: r.vetoed,
    rankChange: r.change.rank,
    scoreChange: r.change.score,
    problems: r.problems.length,
    categories: CATEGORY_IDS.map((id) => r.categories.find((c) => c.id === id)?.score ?? null),
  };
}

/** Best first within each domain; unrated at the end (sorts in place, returns the array). */
export function sortRankingRows(rows: RankingRow[]): RankingRow[] {
  return rows.sort((a, b) => (a.domain ?? '').localeCompare(b.domain ?? '') || (a.rank ?? Infinity) - (b.rank ?? Infinity) || a.org.localeCompare(b.org));
}

const HEADERS = ['排名', '组织编码', '支部名称', '上级党组织', '领域', '得分', '等次', '星级', '负面清单', '排名变化', '得分变化', '问题数', ...CATEGORY_IDS.map((c) => CATEGORY_NAMES_ZH[c])];

type StreamWorkbook = InstanceType<typeof ExcelJS.stream.xlsx.WorkbookWriter>;

function addSheet(wb: StreamWorkbook, name: string, title: string, rows: RankingRow[]): void {
  const ws = wb.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 2 }] });
  ws.columns = HEADERS.map((_, i) => ({ width: [8, 14, 28, 22, 10][i] ?? 10 }));
  ws.addRow(safeRow([title])).commit();
  ws.addRow(HEADERS).commit();
  for (const r of rows) {
    // Names and codes come from imports: neutralised like every exported cell (src/domain/safe-cell.ts).
    ws.addRow(safeRow([
      r.rank ?? '未参与排名',
      r.org,
      r.name,
      r.parentName ?? '',
      r.domain ? DOMAIN_NAMES_ZH[r.domain] : '',
      r.score,
      r.grade ?? '未评定',
      r.stars,
      r.vetoed ? '是' : '否',
      r.rankChange,
      r.scoreChange,
      r.problems,
      ...r.categories,
    ])).commit();
  }
  ws.commit();
}

/**
 * Write the ranking workbook (a sheet per domain present, or the one asked for, then 全部) to a
 * stream. exceljs's streaming writer keeps memory flat for tens of thousands of rows.
 */
export async function writeRankingXlsx(out: Writable, reports: readonly BranchReport[], periodName: string, domain?: Domain): Promise<void> {
  await writeRankingRowsXlsx(out, reports.filter((r) => !domain || r.domain === domain).map(rankingRowOf), periodName, domain);
}

/** The ranking workbook from ranking rows (any order; every branch's, or one domain's with `domain`). */
export async function writeRankingRowsXlsx(out: Writable, rows: RankingRow[], periodName: string, domain?: Domain): Promise<void> {
  // No cell styles: with them exceljs is several times slower per row, for a bold header only.
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: false });
  wb.creator = 'orglife';
  const sorted = sortRankingRows(rows);
  const domains = domain ? [domain] : DOMAINS.filter((d) => sorted.some((r) => r.domain === d));
  for (const d of domains) addSheet(wb, DOMAIN_NAMES_ZH[d], `${periodName} ${DOMAIN_NAMES_ZH[d]}领域党支部排名`, sorted.filter((r) => r.domain === d));
  if (!domain) addSheet(wb, '全部', `${periodName} 全市党支部排名（按领域）`, sorted);
  await wb.commit();
}

/** Write the ranking workbook to a file. */
export async function saveRankingXlsx(file: string, reports: readonly BranchReport[], periodName: string, domain?: Domain): Promise<void> {
  await saveRankingRowsXlsx(file, reports.filter((r) => !domain || r.domain === domain).map(rankingRowOf), periodName, domain);
}

/** Write the ranking workbook of ranking rows to a file. */
export async function saveRankingRowsXlsx(file: string, rows: RankingRow[], periodName: string, domain?: Domain): Promise<void> {
  const out = createWriteStream(file);
  const closed = new Promise<void>((resolve, reject) => {
    out.on('close', () => resolve());
    out.on('error', reject);
  });
  await writeRankingRowsXlsx(out, rows, periodName, domain);
  await closed;
}

/** The ranking workbook in memory (tests, small cities). */
export async function rankingXlsx(reports: readonly BranchReport[], periodName: string, domain?: Domain): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const out = new PassThrough();
  out.on('data', (c: Buffer) => chunks.push(c));
  const ended = new Promise<void>((resolve) => out.on('end', () => resolve()));
  await writeRankingXlsx(out, reports, periodName, domain);
  await ended;
  return Buffer.concat(chunks);
}
