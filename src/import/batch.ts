/**
 * The batch between a table's writer and the store's import session: valid rows are staged with
 * their position as they stream in, and `flush` (awaited between chunks of input) upserts them in
 * one session call, counts each outcome on its file and reports conflicts (a key written earlier in
 * the command with other content) on the row's own line, in input order. A store that stages the
 * table (PostgreSQL's COPY path) answers 'deferred' and gives the counts and conflicts when the table
 * finishes (`settleDeferred`); only each file's context is kept for that, never the rows.
 */
import type { DeferredOutcomes, ImportRows, ImportTable, UpsertBatchResult, UpsertOutcome } from '../store/types/imports.js';
import { earlierRow, type CommandContext, type FileTally, type RowContext, type RowPosition } from './table.js';

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
  /** Each file of the table in the command (beginFile order), with whether its rows have lines (else items): for deferred outcomes. */
  private readonly files: { tally: FileTally; ctx?: RowContext; lines: boolean }[] = [];

  constructor(
    private readonly cmd: CommandContext,
    readonly table: T,
    /** How a conflicting row is named. */
    private readonly conflict: (row: ImportRows[T]) => ConflictText,
    /** Called with each written row's outcome (after it was counted); not called for deferred outcomes. */
    private readonly onOutcome?: (row: ImportRows[T], outcome: UpsertOutcome) => void,
    /** How a conflicting row is named from its key alone (tables a store may stage). */
    private readonly conflictOfKey?: (key: string) => ConflictText,
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
      const last = this.files[this.files.length - 1];
      if (last && !last.ctx && last.tally === row.file) {
        last.ctx = row;
        last.lines = at.line !== undefined;
      }
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
      const p = this.cmd.session.upsert(this.table, rows, lines, this.cmd.now, pos.map((x) => x.seq)).then((r) => this.settle(ctx, rows, pos, r));
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
      if (o === 'deferred') continue;
      ctx.file[o]++;
      this.onOutcome?.(rows[i]!, o);
    }
  }

  /**
   * The outcomes of a staged table (ImportSession.finishTable): counts onto each file's tally, and
   * each conflict reported on its own row (file, line, position in the command) naming the earlier row.
   */
  settleDeferred(d: DeferredOutcomes): void {
    d.files.forEach((counts, k) => {
      const file = this.files[k]?.tally;
      if (!file) return;
      file.inserted += counts.inserted;
      file.updated += counts.updated;
      file.unchanged += counts.unchanged;
    });
    for (const c of d.conflicts) {
      const f = this.files[c.file];
      if (!f?.ctx) continue;
      const text = this.conflictOfKey?.(c.key) ?? { key: '', zh: `「${c.key}」`, en: `"${c.key}"`, value: c.key };
      const at = earlierRow({ source: f.ctx.source, line: f.lines ? c.line : undefined }, this.files[c.earlierFile]?.tally.source, c.earlierLine);
      const pos = f.lines ? { line: c.line, item: undefined, seq: c.seq } : { line: undefined, item: c.line, seq: c.seq };
      f.ctx.failAt(pos, text.key || undefined, `${text.zh}${at.zh}已出现且内容不同`, `${text.en} already appears ${at.en} with different content`, text.value);
    }
  }

  /**
   * The next file begins: staged rows of the previous one are written first. Tables a store may stage
   * pass the file's tally, in the order they call ImportSession.beginFile (deferred outcomes name files by it).
   */
  async nextFile(tally?: FileTally): Promise<void> {
    await this.flush(true);
    this.ctx = undefined;
    if (tally) this.files.push({ tally, lines: true });
  }
}
