/**
 * `importFiles`: the whole import command. Every file is planned (format, encoding, table), then
 * read in table order (orgs before meetings) inside ONE import session of the store
 * (store.imports.begin(): its own connection and transaction): rows are validated as they stream
 * and handed to the session in batches between chunks of input, and if any file has any issue the
 * session is rolled back, so a rejected import changes nothing. Memory stays bounded: only orgs
 * are staged, other tables stream.
 */
import { createHash, type Hash } from 'node:crypto';
import { resolve } from 'node:path';
import type { Store } from '../store/port.js';
import type { ImportTable } from '../store/types/imports.js';
import { bindHeaders } from './headers.js';
import { IssueLog } from './issues.js';
import { planFile, type FilePlan } from './plan.js';
import { readCsv } from './readers/csv.js';
import { readNdjson } from './readers/ndjson.js';
import type { RowSink } from './readers/sink.js';
import { readXlsx } from './readers/xlsx.js';
import { CommandRuntime, newTally, RowProcessor } from './rows.js';
import type { FileTally, TableSpec, TableWriter } from './table.js';
import { ImportRejected, type ImportProgress, type ImportResult } from './types.js';
import { cellText } from './values.js';

/** Options of importFiles. */
export interface ImportFilesOptions {
  /** Called as bytes are read (about once per MiB, and at the end of each file). */
  onProgress?: (p: ImportProgress) => void;
  /** Epoch ms stamped on orgs.updated_at and imports.imported_at (default: now). */
  now?: number;
  /** Called once the command committed, with the org codes it changed (ImportSession.touchedOrgs): what to re-evaluate. */
  onTouched?: (orgs: string[]) => void;
}

/**
 * Import CSV/XLSX/NDJSON files in one all-or-nothing import session of `store`. Resolves with one
 * result per file (in the order given); rejects with ImportRejected (nothing written) on any issue.
 */
export async function importFiles(store: Store, paths: readonly string[], opts: ImportFilesOptions = {}): Promise<ImportResult[]> {
  const now = opts.now ?? Date.now();
  const issues = new IssueLog();
  const plans: FilePlan[] = [];
  for (const [i, path] of paths.entries()) {
    const plan = await planFile(path, i, issues);
    if (plan) plans.push(plan);
  }
  if (paths.length === 0) issues.add({ source: '(none)', reasonZh: '没有指定文件', reasonEn: 'no files given' });
  const ordered = [...plans].sort((a, b) => a.table.order - b.table.order || a.index - b.index);

  const results = new Map<FilePlan, ImportResult>();
  let touched: string[] = [];
  const session = await store.imports.begin();
  try {
    const cmd = await CommandRuntime.start(session, now, issues);
    let table: TableSpec<unknown> | undefined;
    let writer: TableWriter<unknown> | undefined;
    const finishTable = async () => {
      if (!writer || !table) return;
      await writer.finish();
      const deferred = await session.finishTable(table.name as ImportTable);
      if (deferred) writer.settle?.(deferred);
    };
    const tallies: [FilePlan, FileTally, FileSink][] = [];
    for (const plan of ordered) {
      if (plan.table !== table) {
        await finishTable();
        table = plan.table;
        await table.prepare?.(cmd);
        writer = table.openWriter(cmd);
      }
      const tally = newTally(plan.path);
      await writer!.beginFile(tally);
      const sink = await readPlannedFile(plan, tally, writer!, cmd, opts.onProgress);
      await writer!.flush();
      tallies.push([plan, tally, sink]);
    }
    await finishTable();
    if (issues.total > 0) throw new ImportRejected(issues.kept, issues.total);

    for (const [plan, tally, sink] of tallies) {
      const result: ImportResult = {
        source: plan.path,
        table: plan.table.name,
        tableZh: plan.table.nameZh,
        format: plan.format,
        ...(plan.encoding ? { encoding: plan.encoding } : {}),
        rows: tally.rows,
        inserted: tally.inserted,
        updated: tally.updated,
        unchanged: tally.unchanged,
        sha256: sink.hash.digest('hex'),
        ignoredColumns: sink.ignoredColumns(),
      };
      results.set(plan, result);
      await session.record({ file: resolve(plan.path), sha256: result.sha256, table: result.table, rows: result.rows,
        inserted: result.inserted, updated: result.updated, unchanged: result.unchanged, importedAt: now });
    }
    await session.commit();
    touched = await session.touchedOrgs();
  } catch (e) {
    await session.rollback();
    throw e;
  }
  opts.onTouched?.(touched);
  return plans.map((p) => results.get(p)!);
}

/** Read one planned file through a FileSink; returns the sink (hash, ignored columns). */
async function readPlannedFile(
  plan: FilePlan,
  tally: FileTally,
  writer: TableWriter<unknown>,
  cmd: CommandRuntime,
  onProgress: ImportFilesOptions['onProgress'],
): Promise<FileSink> {
  const sink = new FileSink(plan, tally, writer, cmd);
  let bytesRead = 0;
  let reported = 0;
  const report = () => onProgress?.({ source: plan.path, bytesRead, bytesTotal: plan.size });
  const tap = (chunk: Buffer) => {
    sink.hash.update(chunk);
    bytesRead += chunk.length;
    if (bytesRead - reported >= 1 << 20) {
      reported = bytesRead;
      report();
    }
  };
  if (plan.format === 'csv') await readCsv(plan.path, plan.encoding!, sink, tap);
  else if (plan.format === 'ndjson') await readNdjson(plan.path, plan.encoding!, sink, tap);
  else await readXlsx(plan.path, sink, tap);
  report();
  return sink;
}

/** Receives one file's rows: binds the header, then feeds data rows to the table's RowProcessor. */
class FileSink implements RowSink {
  readonly hash: Hash = createHash('sha256');
  done = false;
  private processor: RowProcessor | undefined;
  private headerWidth = 0;
  private ignored: string[] = [];

  constructor(
    private readonly plan: FilePlan,
    private readonly tally: FileTally,
    private readonly writer: TableWriter<unknown>,
    private readonly cmd: CommandRuntime,
  ) {
    if (plan.format === 'ndjson') this.processor = new RowProcessor(plan.table, writer, cmd, tally);
  }

  /** Write what the rows read so far staged (between chunks of input). */
  async drain(): Promise<void> {
    await this.writer.flush();
  }

  row(cells: unknown[], line: number): void {
    if (!this.processor) {
      if (line === this.plan.headerLine) this.bindHeader(cells, line);
      return; // title rows above the header
    }
    if (isBlank(cells)) return;
    if (cells.length > this.headerWidth) {
      for (let i = this.headerWidth; i < cells.length; i++) {
        if (cellText(cells[i]) !== null) {
          this.issue(line, `该行有 ${cells.length} 列，多于表头的 ${this.headerWidth} 列（第 ${i + 1} 列有值）`,
            `the row has ${cells.length} fields, more than the ${this.headerWidth} headers (field ${i + 1} is not empty)`);
          this.tally.rows++;
          return;
        }
      }
    }
    this.processor.processCells(cells, line, undefined);
  }

  object(value: unknown, line: number): void {
    this.processor!.processObject(value, line, undefined);
  }

  malformed(line: number | undefined, zh: string, en: string): void {
    this.issue(line, zh, en);
  }

  ignoredColumns(): string[] {
    return this.plan.format === 'ndjson' ? [...(this.processor?.ignoredKeys ?? [])] : this.ignored;
  }

  private bindHeader(cells: unknown[], line: number): void {
    const b = bindHeaders(this.plan.table, cells);
    for (const h of b.duplicates) this.issue(line, `表头「${h}」重复（与另一列指同一字段）`, `header "${h}" names a column already present`, h);
    for (const c of b.missing) {
      this.issue(line, `缺少必需列「${c.zh}」（${c.key}）`, `missing required column "${c.key}" (${c.zh})`, c.zh, c.key);
    }
    if (b.duplicates.length || b.missing.length) {
      this.done = true; // without a usable header every row would only repeat the same error
      return;
    }
    this.headerWidth = cells.length;
    this.ignored = b.ignored;
    this.processor = new RowProcessor(this.plan.table, this.writer, this.cmd, this.tally, b);
  }

  private issue(line: number | undefined, zh: string, en: string, column?: string, key?: string): void {
    this.cmd.issues.add({
      source: this.plan.path,
      ...(line !== undefined ? { line } : {}),
      ...(column !== undefined ? { column } : {}),
      ...(key !== undefined ? { key } : {}),
      reasonZh: zh,
      reasonEn: en,
    });
  }
}

function isBlank(cells: unknown[]): boolean {
  for (let i = 0; i < cells.length; i++) if (cellText(cells[i]) !== null) return false;
  return true;
}
