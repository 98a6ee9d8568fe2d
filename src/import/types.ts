/**
 * The public vocabulary of the importer: what a caller gets back (ImportResult), what a rejected
 * import reports (ImportIssue inside ImportRejected). Shared by the CLI, the HTTP ingest API and tests.
 */

/** Input formats the importer reads; 'json' = rows pushed through importRecords. */
export type ImportFormat = 'csv' | 'xlsx' | 'ndjson' | 'json';

/** How a text file was decoded. */
export type TextEncoding = 'utf-8' | 'utf-8-bom' | 'gbk';

/** Counts of one accepted file (or one pushed batch). rows = inserted + updated + unchanged. */
export interface ImportResult {
  /** File path as given, or the `source` label of importRecords. */
  source: string;
  /** Registry name of the table the file filled ('orgs', 'meetings', …). */
  table: string;
  /** Chinese name of that table ('组织', '会议记录', …). */
  tableZh: string;
  format: ImportFormat;
  encoding?: TextEncoding;
  /** Data rows read (blank rows are not counted). */
  rows: number;
  inserted: number;
  updated: number;
  unchanged: number;
  /** sha256 (hex) of the file bytes; for importRecords, of JSON.stringify(rows). */
  sha256: string;
  /** Headers that matched no column of the table (ignored), as written in the file. */
  ignoredColumns: string[];
}

/**
 * One problem found in the input. `line` is the physical line in a CSV/NDJSON file (the header is
 * line 1) or the row number in an XLSX sheet; `item` is the 0-based index into importRecords' rows.
 */
export interface ImportIssue {
  source: string;
  line?: number;
  item?: number;
  /** The column as written in the input ('实到人数', 'attended'). */
  column?: string;
  /** The English key of that column ('attended'). */
  key?: string;
  /** The offending value, trimmed and shortened. */
  value?: string;
  reasonZh: string;
  reasonEn: string;
}

/** At most this many issues are kept in ImportRejected.issues; `total` counts all of them. */
export const MAX_KEPT_ISSUES = 1000;

/** Thrown when the input has any problem. Nothing was written: the transaction was rolled back. */
export class ImportRejected extends Error {
  constructor(
    /** The first MAX_KEPT_ISSUES issues, in input order. */
    readonly issues: ImportIssue[],
    /** How many issues were found in all. */
    readonly total: number = issues.length,
  ) {
    super(
      `导入被拒绝，未写入任何数据：${total} 处错误 / import rejected, nothing written: ${total} issue${total === 1 ? '' : 's'}` +
        (issues[0] ? `\n  ${formatIssue(issues[0])}${total > 1 ? ' …' : ''}` : ''),
    );
    this.name = 'ImportRejected';
  }
}

/** One issue as one line of text: "meetings.csv:12 列「实到人数」: 中文 / English". */
export function formatIssue(i: ImportIssue): string {
  const where = i.line !== undefined ? `${i.source}:${i.line}` : i.item !== undefined ? `${i.source}[${i.item}]` : i.source;
  const col = i.column ? ` 列「${i.column}」${i.key && i.key !== i.column ? `(${i.key})` : ''}` : '';
  return `${where}${col}: ${i.reasonZh} / ${i.reasonEn}`;
}

/** Progress of one file, by bytes. */
export interface ImportProgress {
  source: string;
  bytesRead: number;
  bytesTotal: number;
}
