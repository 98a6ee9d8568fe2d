/**
 * Writes of the importer: a generic keyed upsert (one prepared statement, counts inserted / updated /
 * unchanged without extra queries) and the `imports` audit table.
 */
import type Database from 'better-sqlite3';
import { desc } from 'drizzle-orm';
import type { Db } from './db.js';
import { imports } from './schema.js';

import type { ImportRecord, UpsertOutcome, UpsertSpec } from '../types/imports.js';


/**
 * Upserts rows keyed by a unique key, counting inserted / updated / unchanged from better-sqlite3's
 * `changes` and `lastInsertRowid` (an UPSERT that updates leaves last_insert_rowid alone), so the
 * hot path is one statement per row. It also notices a key written twice in one command (in one file
 * or in two) with different content: the earlier row was inserted in this command (rowid above the
 * command's starting max) or updated or found unchanged in it (kept in a map by key). Which file the earlier row came from is found from the files' first insert indexes.
 */
export class KeyedUpserter {
  private readonly upsertStmt: Database.Statement;
  private readonly rowidStmt: Database.Statement;
  private readonly maxRowidStmt: Database.Statement;
  private readonly resetStmt: Database.Statement;
  private lastRowid = -1;
  private fileStartRowid = 0;
  private started = false;
  /** Lines of the rows inserted in this command, by insertion order (rowid − fileStartRowid − 1). */
  private insertedLines = new LineLog();
  /** Each file of the command: its source and the insertion index of its first insert. */
  private readonly files: { source: string; from: number }[] = [];
  /** Keys updated, or found unchanged, in this command (with the line and source that wrote or saw them). */
  private updatedInCommand = new Map<string, { line: number; source: string }>();
  /** After a 'conflict': the line of the earlier row with the same key, when known. */
  conflictLine: number | undefined;
  /** After a 'conflict': the source (file) of that earlier row. */
  conflictSource: string | undefined;

  constructor(
    private readonly client: Database.Database,
    readonly spec: UpsertSpec,
  ) {
    const all = [...spec.key, ...spec.columns, ...(spec.stamp ? [spec.stamp] : [])];
    const q = (c: string) => `"${c}"`;
    const t = q(spec.table);
    const set = [...spec.columns, ...(spec.stamp ? [spec.stamp] : [])].map((c) => `${q(c)} = excluded.${q(c)}`);
    const changed = spec.columns.map((c) => `${t}.${q(c)} IS NOT excluded.${q(c)}`);
    this.upsertStmt = client.prepare(
      `INSERT INTO ${t} (${all.map(q).join(', ')}) VALUES (${all.map(() => '?').join(', ')})
       ON CONFLICT (${spec.key.map(q).join(', ')}) DO ` +
        (changed.length ? `UPDATE SET ${set.join(', ')} WHERE ${changed.join(' OR ')}` : 'NOTHING'),
    );
    this.rowidStmt = client
      .prepare(`SELECT rowid AS r FROM ${t} WHERE ${spec.key.map((c) => `${q(c)} = ?`).join(' AND ')}`)
      .pluck();
    this.maxRowidStmt = client.prepare(`SELECT coalesce(max(rowid), 0) FROM ${t}`).pluck();
    client.exec('CREATE TEMP TABLE IF NOT EXISTS import_rowid_reset (x INTEGER)');
    // Inserting rowid -1 sets last_insert_rowid() to -1, a value no real insert here produces.
    this.resetStmt = client.prepare('INSERT OR REPLACE INTO temp.import_rowid_reset (rowid, x) VALUES (-1, 0)');
  }

  /** Start a file (or batch) of the command: duplicate detection spans all files of one upserter. */
  beginFile(source = ''): void {
    if (!this.started) {
      this.started = true;
      this.resetStmt.run();
      this.lastRowid = -1;
      this.fileStartRowid = this.maxRowidStmt.get() as number;
    }
    this.files.push({ source, from: this.insertedLines.length });
  }

  private get source(): string {
    return this.files[this.files.length - 1]?.source ?? '';
  }

  /** The source of the row inserted at insertion index `index`. */
  private sourceOfInsert(index: number): string {
    let found = '';
    for (const f of this.files) if (f.from <= index) found = f.source;
    return found;
  }

  /**
   * Write one row. `params`: key values, then `columns`, then the stamp, in spec order.
   * `line` is remembered to name the earlier row of a conflicting duplicate.
   */
  upsert(params: unknown[], line: number): UpsertOutcome {
    const r = this.upsertStmt.run(params);
    if (r.changes === 0) {
      // A row already stored with this content: remember it, so the same key given with other
      // content later in this command (this file or a later one) is a conflict, not an update.
      const keyText = this.keyText(params);
      if (!this.updatedInCommand.has(keyText)) this.updatedInCommand.set(keyText, { line, source: this.source });
      return 'unchanged';
    }
    const rowid = r.lastInsertRowid as number;
    if (rowid !== this.lastRowid) {
      this.lastRowid = rowid;
      this.insertedLines.push(line);
      return 'inserted';
    }
    // An update: was this key already written (or seen unchanged) in this command?
    const keyValues = params.slice(0, this.spec.key.length);
    const keyText = this.keyText(params);
    const earlierUpdate = this.updatedInCommand.get(keyText);
    if (earlierUpdate !== undefined) {
      this.conflictLine = earlierUpdate.line;
      this.conflictSource = earlierUpdate.source;
      return 'conflict';
    }
    const existing = this.rowidStmt.get(keyValues) as number;
    if (existing > this.fileStartRowid) {
      const index = existing - this.fileStartRowid - 1;
      this.conflictLine = this.insertedLines.get(index);
      this.conflictSource = this.sourceOfInsert(index);
      return 'conflict';
    }
    this.updatedInCommand.set(keyText, { line, source: this.source });
    return 'updated';
  }

  private keyText(params: readonly unknown[]): string {
    const n = this.spec.key.length;
    return n === 1 ? String(params[0]) : JSON.stringify(params.slice(0, n));
  }
}

/** An append-only list of line numbers in 64k-entry Uint32Array chunks (4 bytes a row, no big copies). */
class LineLog {
  private chunks: Uint32Array[] = [];
  private n = 0;
  push(line: number): void {
    const i = this.n & 0xffff;
    if (i === 0) this.chunks.push(new Uint32Array(0x10000));
    this.chunks[this.chunks.length - 1]![i] = line;
    this.n++;
  }
  get length(): number {
    return this.n;
  }
  get(index: number): number | undefined {
    if (index < 0 || index >= this.n) return undefined;
    return this.chunks[index >>> 16]![index & 0xffff];
  }
}

/** Record an accepted file (call inside the import's transaction). */
export function recordImport(db: Db, rec: ImportRecord): void {
  db.insert(imports).values(rec).run();
}

/** The most recent imports, newest first. */
export function listImports(db: Db, limit = 50): (ImportRecord & { id: number })[] {
  return db.select().from(imports).orderBy(desc(imports.id)).limit(limit).all();
}
