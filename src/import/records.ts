/**
 * `importRecords`: rows already parsed (the HTTP ingest API's JSON pushes) through the same
 * validation and keyed upsert as files, all or nothing, synchronously in one transaction.
 */
import { createHash } from 'node:crypto';
import type { Db } from '../store/sqlite/db.js';
import { recordImport } from '../store/sqlite/imports.js';
import { IssueLog } from './issues.js';
import { CommandRuntime, newTally, RowProcessor } from './rows.js';
import { TABLES, tableByName } from './tables/index.js';
import { ImportRejected, type ImportResult } from './types.js';

/**
 * Import `rows` (objects with English keys; Chinese keys and values also accepted) into the table
 * named `table` ('orgs', 'meetings', …). Issues name the 0-based `item` index and the column.
 * Throws ImportRejected, with nothing written, if any row is bad. Meetings must refer to orgs
 * already in the database (push orgs first).
 */
export function importRecords(
  db: Db,
  table: string,
  rows: readonly Record<string, unknown>[],
  source: string,
  opts: { now?: number } = {},
): ImportResult {
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
  db.$client.transaction(() => {
    const cmd = new CommandRuntime(db, now, issues);
    const writer = spec.openWriter(cmd);
    writer.beginFile(tally);
    const processor = new RowProcessor(spec, writer, cmd, tally);
    for (let i = 0; i < rows.length; i++) processor.processObject(rows[i], undefined, i);
    writer.finish();
    if (issues.total > 0) throw new ImportRejected(issues.kept, issues.total);
    ignored = [...processor.ignoredKeys];
    recordImport(db, { file: source, sha256, table: spec.name, rows: tally.rows, inserted: tally.inserted,
      updated: tally.updated, unchanged: tally.unchanged, importedAt: now });
  })();
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
