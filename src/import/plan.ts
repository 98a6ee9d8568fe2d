/**
 * Before anything is written, each file is looked at: its format (XLSX by its zip signature, NDJSON
 * by extension or a leading '{', else CSV), its text encoding, and the table its headers name.
 * Knowing the tables up front lets one command apply org files before meeting files.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import { detectEncoding, SAMPLE_BYTES } from './encoding.js';
import { detectTable, unknownHeadersReason } from './headers.js';
import type { IssueLog } from './issues.js';
import { readCsv } from './readers/csv.js';
import { readNdjson } from './readers/ndjson.js';
import type { RowSink } from './readers/sink.js';
import { readXlsx } from './readers/xlsx.js';
import type { TableSpec } from './table.js';
import type { TextEncoding } from './types.js';
import { cellText } from './values.js';

/** How a file will be read. */
export interface FilePlan {
  /** Position in the command line. */
  index: number;
  path: string;
  size: number;
  format: 'csv' | 'xlsx' | 'ndjson';
  encoding?: TextEncoding;
  table: TableSpec<unknown>;
  /** CSV/XLSX: the line (row) of the header; title rows above it are skipped. */
  headerLine: number;
}

/** Rows searched for the header (a sheet may start with a title row or two). */
const HEADER_SEARCH_ROWS = 10;

/** Look at a file; on any problem report it and return undefined. */
export async function planFile(path: string, index: number, issues: IssueLog): Promise<FilePlan | undefined> {
  const fail = (zh: string, en: string, line?: number) => {
    issues.add({ source: path, ...(line !== undefined ? { line } : {}), reasonZh: zh, reasonEn: en });
    return undefined;
  };
  let size: number;
  try {
    const st = statSync(path);
    if (!st.isFile()) return fail('不是文件', 'not a regular file');
    size = st.size;
  } catch {
    return fail('文件不存在或无法读取', 'file not found or not readable');
  }
  if (size === 0) return fail('文件为空', 'the file is empty');
  const sample = readSample(path, Math.min(size, SAMPLE_BYTES));
  const ext = extname(path).toLowerCase();
  if (ext === '.xls' || sample.subarray(0, 4).equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0]))) {
    return fail('不支持旧版 Excel（.xls）文件，请另存为 .xlsx 或 CSV', 'old Excel .xls files are not supported; save as .xlsx or CSV');
  }
  if ((sample[0] === 0xff && sample[1] === 0xfe) || (sample[0] === 0xfe && sample[1] === 0xff)) {
    return fail('不支持 UTF-16（“Unicode 文本”）文件，请另存为“CSV UTF-8”或 CSV', 'UTF-16 text is not supported; save as CSV (UTF-8 or GBK)');
  }
  const isZip = sample.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]));
  if (ext === '.xlsx' && !isZip) return fail('不是有效的 XLSX 文件（不是 zip 格式）', 'not a valid XLSX file (not a zip archive)');
  const format: FilePlan['format'] = isZip
    ? 'xlsx'
    : ['.ndjson', '.jsonl', '.json'].includes(ext) || /^(\xef\xbb\xbf)?\s*\{/.test(sample.subarray(0, 64).toString('latin1'))
      ? 'ndjson'
      : 'csv';
  if (format === 'ndjson' && /^(\xef\xbb\xbf)?\s*\[/.test(sample.subarray(0, 64).toString('latin1'))) {
    return fail('这是一个 JSON 数组：请改为每行一个 JSON 对象（NDJSON）', 'this is a JSON array; write one JSON object per line (NDJSON)', 1);
  }
  const encoding = format === 'xlsx' ? undefined : detectEncoding(sample, size <= sample.length);

  const peek = new HeaderPeek(format === 'ndjson');
  const noTap = () => {};
  if (format === 'csv') await readCsv(path, encoding!, peek, noTap);
  else if (format === 'ndjson') await readNdjson(path, encoding!, peek, noTap);
  else await readXlsx(path, peek, noTap);

  if (peek.table) return { index, path, size, format, ...(encoding ? { encoding } : {}), table: peek.table, headerLine: peek.line };
  if (peek.problem) return fail(peek.problem.zh, peek.problem.en, peek.problem.line);
  if (!peek.firstCells) return fail('文件中没有数据（没有表头）', 'no data in the file (no header row)');
  const r = unknownHeadersReason(peek.firstCells);
  return fail(r.zh, r.en, peek.firstLine);
}

function readSample(path: string, n: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(n);
    const got = readSync(fd, buf, 0, n, 0);
    return buf.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}

/** A sink that reads just far enough to find the header row (or the first NDJSON object). */
class HeaderPeek implements RowSink {
  table: TableSpec<unknown> | undefined;
  line = 0;
  firstCells: unknown[] | undefined;
  firstLine: number | undefined;
  /** The first malformed line seen before a header was found. */
  problem: { line: number | undefined; zh: string; en: string } | undefined;
  private seen = 0;
  done = false;

  constructor(private readonly keyed: boolean) {}

  row(cells: unknown[], line: number): void {
    if (cells.every((c) => cellText(c) === null)) return;
    this.consider(cells, line);
  }

  object(value: unknown, line: number): void {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      this.malformed(line, '应为 JSON 对象（键值对）', 'expected a JSON object');
      return;
    }
    this.consider(Object.keys(value), line);
  }

  malformed(line: number | undefined, zh: string, en: string): void {
    this.problem ??= { line, zh, en };
    // CSV and XLSX readers stop at a malformed spot; NDJSON may find a good object further down.
    this.done = !this.keyed || ++this.seen >= HEADER_SEARCH_ROWS;
  }

  private consider(headers: unknown[], line: number): void {
    if (!this.firstCells) {
      this.firstCells = headers;
      this.firstLine = line;
    }
    const table = detectTable(headers);
    if (table) {
      this.table = table;
      this.line = line;
      this.done = true;
      return;
    }
    // NDJSON has no title rows: its first object decides.
    this.done = this.keyed || ++this.seen >= HEADER_SEARCH_ROWS;
  }
}
