/**
 * One row's path through a table: cells → column parsers → required check → table.validate →
 * writer.add. Shared by every reader (CSV/XLSX rows by header position, NDJSON and pushed JSON by
 * key). The processor is its own RowContext, reused for every row so the hot path allocates only
 * the parsed record.
 */
import type { ImportSession } from '../store/port.js';
import { OrgDirectory } from './directory.js';
import { columnIndexOf, type HeaderBinding } from './headers.js';
import type { IssueLog } from './issues.js';
import {
  fieldOf,
  type CommandContext,
  type FileTally,
  type RowContext,
  type RowLocation,
  type RowPosition,
  type TableSpec,
  type TableWriter,
} from './table.js';
import { Invalid, showValue } from './values.js';
import type { ImportIssue } from './types.js';

/** The running command: what tables see (CommandContext) plus the issue log. */
export class CommandRuntime implements CommandContext {
  private constructor(
    readonly session: ImportSession,
    readonly now: number,
    readonly issues: IssueLog,
    readonly orgs: OrgDirectory,
  ) {}

  static async start(session: ImportSession, now: number, issues: IssueLog): Promise<CommandRuntime> {
    return new CommandRuntime(session, now, issues, await OrgDirectory.load(session));
  }

  get failed(): boolean {
    return this.issues.total > 0;
  }
}

/** Validates and hands rows of one file (or batch) of one table to its writer. */
export class RowProcessor implements RowContext {
  line: number | undefined;
  item: number | undefined;
  seq = 0;
  private rowIssues = 0;
  private readonly fields: string[];
  /** For keyed rows (objects): raw key → column index (-1 = ignored). */
  private readonly keyIndex = new Map<string, number>();
  private readonly written: string[];
  private readonly position: Int32Array;
  private readonly objectCells: unknown[];
  /** Keys of objects that matched no column. */
  readonly ignoredKeys = new Set<string>();

  constructor(
    readonly table: TableSpec<unknown>,
    private readonly writer: TableWriter<unknown>,
    readonly cmd: CommandRuntime,
    readonly file: FileTally,
    /** Header binding for positional rows; omit for keyed rows (objects). */
    binding?: HeaderBinding,
  ) {
    this.fields = table.columns.map(fieldOf);
    this.written = binding ? binding.written : table.columns.map((c) => c.key);
    this.position = binding ? binding.position : Int32Array.from(table.columns, (_, i) => i);
    this.objectCells = new Array(table.columns.length);
  }

  get source(): string {
    return this.file.source;
  }

  /** One positional row (cells in header order). */
  processCells(cells: readonly unknown[], line: number | undefined, item: number | undefined): void {
    this.file.rows++;
    this.line = line;
    this.item = item;
    this.seq = this.cmd.issues.tick();
    this.rowIssues = 0;
    const cols = this.table.columns;
    const rec: Record<string, unknown> = {};
    let cellFailed = false;
    for (let i = 0; i < cols.length; i++) {
      const c = cols[i]!;
      const pos = this.position[i]!;
      const raw = pos >= 0 ? cells[pos] : undefined;
      const v = c.parse(raw);
      if (v instanceof Invalid) {
        if (c.masked) this.fail(c.key, '手机号码格式无效', 'invalid phone number', maskDigits(raw));
        else this.fail(c.key, v.zh, v.en, raw);
        rec[this.fields[i]!] = undefined;
        cellFailed = true;
      } else {
        if (v === null && c.required) this.fail(c.key, `缺少必填项「${c.zh}」`, `missing required value "${c.key}"`);
        rec[this.fields[i]!] = v;
      }
    }
    const out = this.table.validate(rec, this);
    if (!cellFailed && this.rowIssues === 0 && out !== null) this.writer.add(out, this);
  }

  /** One keyed row (NDJSON line or pushed JSON item); keys may be English or Chinese. */
  processObject(obj: unknown, line: number | undefined, item: number | undefined): void {
    if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) {
      this.file.rows++;
      this.line = line;
      this.item = item;
      this.seq = this.cmd.issues.tick();
      this.fail(undefined, '应为 JSON 对象（键值对）', 'expected a JSON object', obj);
      return;
    }
    const cells = this.objectCells;
    cells.fill(undefined);
    for (const k in obj) {
      let ci = this.keyIndex.get(k);
      if (ci === undefined) {
        ci = columnIndexOf(this.table, k);
        this.keyIndex.set(k, ci);
        if (ci < 0) this.ignoredKeys.add(k);
        else if (this.written[ci] === this.table.columns[ci]!.key) this.written[ci] = k;
      }
      if (ci >= 0) cells[ci] = (obj as Record<string, unknown>)[k];
    }
    this.processCells(cells, line, item);
  }

  fail(key: string | undefined, zh: string, en: string, value?: unknown): void {
    this.rowIssues++;
    this.cmd.issues.add(this.issue(this.line, this.item, key, zh, en, value));
  }

  locate(): RowLocation {
    const { line, item, source } = this;
    return {
      source,
      line,
      item,
      // Filed when found (tree checks after the last org file come after the rows' own issues, as always).
      fail: (key, zh, en, value) => this.cmd.issues.add(this.issue(line, item, key, zh, en, value)),
    };
  }

  failAt(at: RowPosition, key: string | undefined, zh: string, en: string, value?: unknown): void {
    this.cmd.issues.add(this.issue(at.line, at.item, key, zh, en, value), at.seq);
  }

  private issue(line: number | undefined, item: number | undefined, key: string | undefined, zh: string, en: string, value: unknown): ImportIssue {
    const i: ImportIssue = { source: this.file.source, reasonZh: zh, reasonEn: en };
    if (line !== undefined) i.line = line;
    if (item !== undefined) i.item = item;
    if (key !== undefined) {
      const ci = this.table.columns.findIndex((c) => c.key === key);
      i.column = ci >= 0 ? this.written[ci]! : key;
      i.key = key;
    }
    const v = showValue(value);
    if (v !== undefined) i.value = v;
    return i;
  }
}

/** A phone-like value with all but its first 3 and last 4 characters hidden. */
function maskDigits(raw: unknown): string {
  const s = typeof raw === 'string' ? raw.trim() : String(raw);
  return s.length <= 7 ? '*'.repeat(s.length) : `${s.slice(0, 3)}${'*'.repeat(s.length - 7)}${s.slice(-4)}`;
}

/** A fresh tally for one file or batch. */
export function newTally(source: string): FileTally {
  return { source, rows: 0, inserted: 0, updated: 0, unchanged: 0 };
}
