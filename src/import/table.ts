/**
 * What an importable table is. Each table lives in src/import/tables/<name>.ts and exports one
 * TableSpec; src/import/tables/index.ts lists them. Readers, header matching, cell parsing, error
 * reporting, the store's import session and the CLI are shared: a table only says what its columns
 * are, how a row is checked, and which rows it hands the session (store.imports.begin()) to write.
 */
import type { ImportSession } from '../store/port.js';
import type { DeferredOutcomes } from '../store/types/imports.js';
import type { OrgDirectory } from './directory.js';
import type { ValueParser } from './values.js';

/** One column of an interchange table. */
export interface ColumnSpec {
  /** English key, as in the interchange format and NDJSON ('held_at'). */
  key: string;
  /** The Chinese header ('召开时间'). */
  zh: string;
  /** More accepted headers (synonyms seen in the field). Matching ignores case and spaces. */
  aliases?: readonly string[];
  /** Property of the parsed record that receives the value ('heldAt'); defaults to `key`. */
  field?: string;
  /** The value must be present in every row (and so the column in every file). */
  required?: boolean;
  /** Raw cell → value | null (empty) | Invalid. */
  parse: ValueParser<unknown>;
  /** A personal phone number: shown masked (138****1234) in errors. */
  masked?: boolean;
}


/** Counts of one file (or pushed batch) of a table, filled by the table's writer. */
export interface FileTally {
  readonly source: string;
  rows: number;
  inserted: number;
  updated: number;
  unchanged: number;
}

/** The running import command, as tables see it. */
export interface CommandContext {
  /** The store's import session: every write of the command, all or nothing. */
  readonly session: ImportSession;
  /** Epoch ms of the import (stamps, audit). */
  readonly now: number;
  /** Orgs known so far: the database plus org files of this command (complete once orgs have finished). */
  readonly orgs: OrgDirectory;
  /** True once any issue was reported: the command will be rolled back, writing is optional. */
  readonly failed: boolean;
}

/** Where a row came from, kept to report problems found later (e.g. in TableWriter.finish). */
export interface RowLocation {
  readonly source: string;
  readonly line: number | undefined;
  readonly item: number | undefined;
  /** Report a problem with this row; `key` names the column (English key), undefined for the row. */
  fail(key: string | undefined, zh: string, en: string, value?: unknown): void;
}

/** The row being processed. Valid only during the call: use locate() (or `seq` with failAt) to keep its location. */
export interface RowContext extends RowLocation {
  readonly cmd: CommandContext;
  readonly file: FileTally;
  /** The row's position in the command (orders issues found later with the rows they concern). */
  readonly seq: number;
  /** A copy of this row's location that stays valid after the call. */
  locate(): RowLocation;
  /** Report a problem with an earlier row of the same file (line, item and seq as they were then). */
  failAt(at: RowPosition, key: string | undefined, zh: string, en: string, value?: unknown): void;
}

/** An earlier row of the file being read, by position (kept by writers instead of a RowLocation per row). */
export interface RowPosition {
  line: number | undefined;
  item: number | undefined;
  seq: number;
}

/**
 * Collects one table's valid records for the command and hands them to the session in batches.
 * `add` is synchronous (rows stream from the readers); `flush` writes what was collected and is
 * awaited between chunks of input, so memory stays bounded.
 */
export interface TableWriter<R> {
  /** A new file (or pushed batch) of this table begins. */
  beginFile(file: FileTally): Promise<void>;
  /** One valid record: stage it and count it on row.file once written. May report issues. */
  add(rec: R, row: RowContext): void;
  /** Write the staged records. */
  flush(): Promise<void>;
  /** After the last file of this table in the command: cross-row checks and staged writes. */
  finish(): Promise<void>;
  /** The outcomes the store deferred (it staged the table), after ImportSession.finishTable. */
  settle?(d: DeferredOutcomes): void;
}

/** An importable table. */
export interface TableSpec<R = unknown> {
  /** Registry name ('orgs'); also what importRecords takes. */
  readonly name: string;
  /** Chinese name for messages ('组织'). */
  readonly nameZh: string;
  /** Apply order within one command: lower first (orgs 10, meetings 20). */
  readonly order: number;
  readonly columns: readonly ColumnSpec[];
  /** Keys whose headers all present identify a file of this table. */
  readonly signature: readonly string[];
  /**
   * Cross-field checks of one parsed row (single-column checks are done by the parsers, required
   * values by the column flags). Report through row.fail; return the record, or null if invalid.
   * In `rec`, an empty cell is null and a cell that failed to parse (already reported) is undefined:
   * skip checks on undefined fields. The return value is ignored when a cell failed.
   */
  validate(rec: Record<string, unknown>, row: RowContext): R | null;
  /** Load what validate needs from the store (before the table's first row); optional. */
  prepare?(cmd: CommandContext): Promise<void>;
  /** Open the writer for one command. */
  openWriter(cmd: CommandContext): TableWriter<R>;
}

/** Field name of a column (its `field`, else its key). */
export function fieldOf(c: ColumnSpec): string {
  return c.field ?? c.key;
}

/**
 * "at line 12" / "在第 12 行" for an earlier row of the same key, naming its file when it was
 * another file of the command ("meetings-2025.csv:12" / "在 meetings-2025.csv 第 12 行").
 */
export function earlierRow(row: { readonly source: string; readonly line: number | undefined }, source: string | undefined, at: number | undefined): { zh: string; en: string } {
  const unitZh = row.line !== undefined ? '行' : '项';
  const unitEn = row.line !== undefined ? 'line' : 'item';
  if (source && source !== row.source) {
    return at !== undefined
      ? { zh: `在 ${source} 第 ${at} ${unitZh}`, en: `at ${source}:${at}` }
      : { zh: `在 ${source} 中`, en: `in ${source}` };
  }
  return at !== undefined ? { zh: `在第 ${at} ${unitZh}`, en: `at ${unitEn} ${at}` } : { zh: '在本文件前面', en: 'earlier in this file' };
}
