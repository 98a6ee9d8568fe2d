/**
 * XLSX exports of the rating year for finance and the organization department: the payment roll
 * (发放名册: branch, secretary, star by month, subsidy, fund) with committee and city totals, and a
 * generic list writer the other rating lists use. Names come from imports, so every cell goes through
 * the shared safeCell (text starting with = + - @, tab or CR gets a leading apostrophe).
 */
import ExcelJS from 'exceljs';
import { createWriteStream } from 'node:fs';
import { PassThrough, type Writable } from 'node:stream';
import { DOMAIN_NAMES_ZH } from '../domain/types.js';
import { safeCell as sharedSafeCell } from '../domain/safe-cell.js';
import type { SubsidyResult } from './subsidies.js';

type CellValue = string | number | null;

/** A cell through the shared formula neutralisation (src/domain/safe-cell.ts). */
export function safeCell(v: CellValue | undefined): CellValue {
  return v === undefined ? null : (sharedSafeCell(v) as CellValue);
}

/** One sheet of a workbook: a title row, a header row, then the rows. */
export interface Sheet {
  name: string;
  title: string;
  headers: string[];
  widths?: number[];
  rows: CellValue[][];
}

/** Write sheets to a stream (exceljs's streaming writer: flat memory for large cities). */
export async function writeSheets(out: Writable, sheets: readonly Sheet[]): Promise<void> {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: false });
  wb.creator = 'orglife';
  for (const s of sheets) {
    const ws = wb.addWorksheet(s.name, { views: [{ state: 'frozen', ySplit: 2 }] });
    ws.columns = s.headers.map((_, i) => ({ width: s.widths?.[i] ?? 12 }));
    ws.addRow([safeCell(s.title)]).commit();
    ws.addRow(s.headers.map(safeCell)).commit();
    for (const r of s.rows) ws.addRow(r.map(safeCell)).commit();
    ws.commit();
  }
  await wb.commit();
}

/** Write sheets to a file. */
export async function saveSheets(file: string, sheets: readonly Sheet[]): Promise<void> {
  const out = createWriteStream(file);
  const closed = new Promise<void>((resolve, reject) => {
    out.on('close', () => resolve());
    out.on('error', reject);
  });
  await writeSheets(out, sheets);
  await closed;
}

/** Sheets as an XLSX buffer (tests, HTTP responses). */
export async function sheetsBuffer(sheets: readonly Sheet[]): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const out = new PassThrough();
  out.on('data', (c: Buffer) => chunks.push(c));
  const ended = new Promise<void>((resolve) => out.on('end', () => resolve()));
  await writeSheets(out, sheets);
  await ended;
  return Buffer.concat(chunks);
}

const MONTHS = Array.from({ length: 12 }, (_, i) => `${i + 1}月星级`);

/** The payment roll (发放名册) of a year: one sheet of branches, one of committee totals. */
export function paymentRollSheets(r: SubsidyResult): Sheet[] {
  const branches: Sheet = {
    name: '发放名册',
    title: `${r.year} 年度党支部书记星级补贴及五星工作经费发放名册（单位：元）`,
    headers: ['序号', '组织编码', '支部名称', '上级党组织', '领域', '书记', ...MONTHS, '补贴月数', '书记补贴', '五星工作经费', '合计'],
    widths: [6, 14, 28, 22, 10, 10, ...MONTHS.map(() => 8), 8, 10, 12, 10],
    rows: r.branches.map((b, i) => [
      i + 1,
      b.org,
      b.name,
      b.committeeName ?? b.committee ?? '',
      b.domain ? DOMAIN_NAMES_ZH[b.domain] : '',
      b.secretary ?? '',
      ...b.starsByMonth,
      b.months,
      b.subsidy_yuan,
      b.fund_yuan,
      b.subsidy_yuan + b.fund_yuan,
    ]),
  };
  branches.rows.push([null, '', '全市合计', '', '', '', ...MONTHS.map(() => null), null, r.city.subsidy_yuan, r.city.fund_yuan, r.city.subsidy_yuan + r.city.fund_yuan]);
  const committees: Sheet = {
    name: '分党委汇总',
    title: `${r.year} 年度星级补贴及五星工作经费（按上级党组织汇总，单位：元）`,
    headers: ['上级党组织编码', '上级党组织', '支部数', '享受补贴或经费的支部数', '书记补贴', '五星工作经费', '合计'],
    widths: [14, 24, 8, 12, 12, 12, 12],
    rows: [
      ...r.committees.map((c) => [c.committee ?? '', c.committeeName ?? '', c.branches, c.paidBranches, c.subsidy_yuan, c.fund_yuan, c.subsidy_yuan + c.fund_yuan]),
      ['', '全市合计', r.city.branches, r.city.paidBranches, r.city.subsidy_yuan, r.city.fund_yuan, r.city.subsidy_yuan + r.city.fund_yuan],
    ],
  };
  return [branches, committees];
}
