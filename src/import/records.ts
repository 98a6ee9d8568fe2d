/**
 * `importRecords`: rows already parsed (the HTTP ingest API's JSON pushes) through the same
 * validation and keyed upsert as files, all or nothing, in one import session of the store.
 */
import { createHash } from 'node:crypto';
import type { Store } from '../store/port.js';
import type { ImportTable } from '../store/types/imports.js';
import { IssueLog } from './issues.js';
import { CommandRuntime, newTally, RowProcessor } from './rows.js';
import { TABLES, tableByName } from './tables/index.js';
import { ImportRejected, type ImportResult } from './types.js';

/** Pushed rows handed to the session at a time. */
const BATCH_ROWS = 5000;

/**
 * Import `rows` (objects with English keys; Chinese keys and values also accepted) into the table
 * named `table` ('orgs', 'meetings', …). Issues name the 0-based `item` index and the column.
 * Throws ImportRejected, with nothing written, if any row is bad. Meetings must refer to orgs
 * already in the database (push orgs first).
 */
export async function importRecords(
  store: Store,
  table: string,
  rows: readonly Record<string, unknown>[],
  source: string,
  opts: { now?: number; onTouched?: (orgs: string[]) => void } = {},
): Promise<ImportResult> {
  const spec = tableByName(table);
  if (!spec) {
    const known = TABLES.map((t) => t.name).join(', ');
    throw new ImportRejected([{ source, reasonZh: `未知的数据表「${table}」，可选：${known}`, reasonEn: `unknown table "${table}"; expected one of: ${known}` }]);
  }
  if (!Array.isArray(rows)) {
    throw new ImportRejected([{ source, reasonZh: '应为对象数组', reasonEn: 'expected an array of objects' }]);
  }
  const now = opts.now ?? Date.now();
  const issues = new IssueLog();
  const tally = newTally(source);
  const sha256 = createHash('sha256').update(JSON.stringify(rows)).digest('hex');
  let ignored: string[] = [];
  let touched: string[] = [];
  const session = await store.imports.begin();
  try {
    const cmd = await CommandRuntime.start(session, now, issues);
    await spec.prepare?.(cmd);
    const writer = spec.openWriter(cmd);
    await writer.beginFile(tally);
    const processor = new RowProcessor(spec, writer, cmd, tally);
    for (let i = 0; i < rows.length; i++) {
      processor.processObject(rows[i], undefined, i);
      if ((i + 1) % BATCH_ROWS === 0) await writer.flush();
    }
    await writer.flush();
    await writer.finish();
    const deferred = await session.finishTable(spec.name as ImportTable);
    if (deferred) writer.settle?.(deferred);
    if (issues.total > 0) throw new ImportRejected(issues.kept, issues.total);
    ignored = [...processor.ignoredKeys];
    await session.record({ file: source, sha256, table: spec.name, rows: tally.rows, inserted: tally.inserted,
      updated: tally.updated, unchanged: tally.unchanged, importedAt: now });
    await session.commit();
    touched = await session.touchedOrgs();
  } catch (e) {
    await session.rollback();
    throw e;
  }
  // After the session is over: a re-evaluation the callback starts sees what was committed.
  opts.onTouched?.(touched);
  return {
    source,
    table: spec.name,
    tableZh: spec.nameZh,
    format: 'json',
    rows: tally.rows,
    inserted: tally.inserted,
    updated: tally.updated,
    unchanged: tally.unchanged,
    sha256,
    ignoredColumns: ignored,
  };
}
