/** The importer's public API: files (CLI) and pushed rows (HTTP ingest), one validation, all or nothing. */
export { importFiles, type ImportFilesOptions } from './files.js';
export { importRecords } from './records.js';
export {
  ImportRejected,
  formatIssue,
  MAX_KEPT_ISSUES,
  type ImportIssue,
  type ImportResult,
  type ImportFormat,
  type ImportProgress,
  type TextEncoding,
} from './types.js';
export { TABLES, tableByName } from './tables/index.js';
export type { TableSpec, ColumnSpec, TableWriter, RowContext, RowLocation, RowPosition, CommandContext, FileTally } from './table.js';
