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

export { rankingRowOf, rankingRows, sortRankingRows, type RankingRow } from './ranking-row.js';
import { sortRankingRows, rankingRowOf, type RankingRow } from './ranking-row.js';

const HEADERS = ['排名', '组织编码', '支部名称', '上级党组织', '领域', '得分', '等次', '星级', '负面清单', '排名变化', '得分变化', '问题数', ...CATEGORY_IDS.map((c) => CATEGORY_NAMES_ZH[c])];

type StreamWorkbook = InstanceType<typeof ExcelJS.stream.xlsx.WorkbookWriter>;

/** Rows written between two waits for the zip to catch up. */
const ROWS_PER_WAIT = 500;
/** Bytes a sheet may have waiting for the zip before the writer waits. */
const MAX_PENDING_BYTES = 4 * 2 ** 20;

/**
 * Wait until the zip has taken the sheet's XML so far. exceljs's sheet stream (a StreamBuf) keeps
 * what is written until the zip reaches that sheet, then hands it on without back-pressure: written
 * in one synchronous loop, every sheet of 250,000 rows sat in memory whole (~360 MiB for the
 * ranking). Waiting here keeps at most a few MiB pending; the bytes are the same.
 */
async function zipCaughtUp(ws: StreamWorksheet): Promise<void> {
  // The zip's side is a readable-stream PassThrough (its own state fields, not Node's getters).
  type Pipe = { _writableState?: { length: number }; _readableState?: { length: number } };
  const stream = (ws as unknown as { stream: { pipes: Pipe[]; buffers: unknown[] } }).stream;
  const pending = () =>
    stream.buffers.length * 65536 + stream.pipes.reduce((n, p) => n + (p._writableState?.length ?? 0) + (p._readableState?.length ?? 0), 0);
  while (pending() > MAX_PENDING_BYTES) await new Promise((resolve) => setTimeout(resolve, 1));
}

type StreamWorksheet = ReturnType<StreamWorkbook['addWorksheet']>;

async function addSheet(wb: StreamWorkbook, name: string, title: string, rows: RankingRow[]): Promise<void> {
  const ws = wb.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 2 }] });
  ws.columns = HEADERS.map((_, i) => ({ width: [8, 14, 28, 22, 10][i] ?? 10 }));
  ws.addRow(safeRow([title])).commit();
  ws.addRow(HEADERS).commit();
  let written = 0;
  for (const r of rows) {
    if (++written % ROWS_PER_WAIT === 0) await zipCaughtUp(ws);
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
  for (const d of domains) await addSheet(wb, DOMAIN_NAMES_ZH[d], `${periodName} ${DOMAIN_NAMES_ZH[d]}领域党支部排名`, sorted.filter((r) => r.domain === d));
  if (!domain) await addSheet(wb, '全部', `${periodName} 全市党支部排名（按领域）`, sorted);
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
