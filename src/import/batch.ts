/**
 * The batch between a table's writer and the store's import session: valid rows are staged with
 * their position as they stream in, and `flush` (awaited between chunks of input) upserts them in
 * one session call, counts each outcome on its file and reports conflicts (a key written earlier in
 * the command with other content) on the row's own line, in input order.
 */
import type { ImportRows, ImportTable, UpsertBatchResult, UpsertOutcome } from '../store/types/imports.js';
import { earlierRow, type CommandContext, type RowContext, type RowPosition } from './table.js';

/** What a conflict is reported as: the message's subject and the column and value to name. */
export interface ConflictText {
  key: string;
  /** e.g. 记录编号「M1」 */
  zh: string;
  /** e.g. record id "M1" */
  en: string;
  value: unknown;
}

export class SessionBatch<T extends ImportTable> {
  private rows: ImportRows[T][] = [];
  private lines: number[] = [];
  private pos: RowPosition[] = [];
  private ctx: RowContext | undefined;
  private inflight: Promise<void> = Promise.resolve();

  constructor(
    private readonly cmd: CommandContext,
    readonly table: T,
    /** How a conflicting row is named. */
    private readonly conflict: (row: ImportRows[T]) => ConflictText,
    /** Called with each written row's outcome (after it was counted). */
    private readonly onOutcome?: (row: ImportRows[T], outcome: UpsertOutcome) => void,
  ) {}

  get size(): number {
    return this.rows.length;
  }

  /** Stage a row for the session. `row` is the file's processor; `at` the row's position (default: the current row's, copied). */
  add(w: ImportRows[T], row: RowContext, at: RowPosition = { line: row.line, item: row.item, seq: row.seq }): void {
    if (this.ctx !== row) {
      // Rows of another file: write what the previous one staged first (counts go to its tally).
      if (this.rows.length && this.ctx) throw new Error('SessionBatch: nextFile() before the next file');
      this.ctx = row;
    }
    this.rows.push(w);
    this.lines.push(at.line ?? at.item ?? 0);
    this.pos.push(at);
  }

  /**
   * Hand the staged rows to the session. The previous batch is awaited first and this one is left
   * in flight (one batch deep), so the next chunk of input is parsed while the store writes this
   * one; `wait` also awaits this batch (end of a file or table).
   */
  async flush(wait = false): Promise<void> {
    await this.inflight;
    const ctx = this.ctx;
    if (this.rows.length && ctx) {
      const rows = this.rows;
      const pos = this.pos;
      const lines = this.lines;
      this.rows = [];
      this.pos = [];
      this.lines = [];
      const p = this.cmd.session.upsert(this.table, rows, lines, this.cmd.now).then((r) => this.settle(ctx, rows, pos, r));
      p.catch(() => undefined); // rejected: awaited (and thrown) by the next flush
      this.inflight = p;
    }
    if (wait) await this.inflight;
  }

  private settle(ctx: RowContext, rows: ImportRows[T][], pos: RowPosition[], r: UpsertBatchResult): void {
    for (let i = 0; i < rows.length; i++) {
      const o = r.outcomes[i]!;
      if (o === 'conflict') {
        const c = this.conflict(rows[i]!);
        const p = pos[i]!;
        const at = earlierRow({ source: ctx.source, line: p.line }, r.conflictSources[i], r.conflictLines[i]);
        ctx.failAt(p, c.key, `${c.zh}${at.zh}已出现且内容不同`, `${c.en} already appears ${at.en} with different content`, c.value);
        continue;
      }
      ctx.file[o]++;
      this.onOutcome?.(rows[i]!, o);
    }
  }

  /** The next file begins: staged rows of the previous one are written first. */
  async nextFile(): Promise<void> {
    await this.flush(true);
    this.ctx = undefined;
  }
}
