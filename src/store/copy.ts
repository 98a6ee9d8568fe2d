/**
 * `orglife db copy`: move a whole database between stores (SQLite file ⇄ PostgreSQL), every table
 * of the schema, in one transaction on the target, verified by row counts per table. Refuses a
 * target that already holds rows unless told to replace them. Both schemas have the same tables
 * and columns (tests/store/schema-parity.test.ts keeps them so); ids are copied as they are, and
 * PostgreSQL's identity sequences are moved past them afterwards.
 */
import { getTableConfig as pgTableConfig, PgTable } from 'drizzle-orm/pg-core';
import { getTableConfig as sqliteTableConfig, SQLiteTable } from 'drizzle-orm/sqlite-core';
import { is } from 'drizzle-orm';
import type pg from 'pg';
import copyStreams from 'pg-copy-streams';
import * as sqliteSchema from './sqlite/schema.js';
import * as pgSchema from './postgres/schema.js';
import { closeDb, openDb, type Db } from './sqlite/db.js';
import { closePg, isPostgresUrl, maskPgUrl, openPg, type PgDb } from './postgres/db.js';

/** A table as both stores know it. */
export interface CopiedTable {
  name: string;
  columns: string[];
  /** Primary key columns (keyset order for reading PostgreSQL in pages). */
  key: string[];
  /** Boolean columns (0/1 in SQLite, boolean in PostgreSQL). */
  booleans: Set<string>;
  /** The identity column of the PostgreSQL table, if any. */
  identity: string | null;
}

/** Every table of the schema, by name (from the SQLite schema; columns must match PostgreSQL's). */
export function schemaTables(): CopiedTable[] {
  const pgByName = new Map<string, ReturnType<typeof pgTableConfig>>();
  for (const t of Object.values(pgSchema)) if (is(t, PgTable)) pgByName.set(pgTableConfig(t).name, pgTableConfig(t));
  const out: CopiedTable[] = [];
  for (const t of Object.values(sqliteSchema)) {
    if (!is(t, SQLiteTable)) continue;
    const c = sqliteTableConfig(t);
    const p = pgByName.get(c.name);
    const columns = c.columns.map((x) => x.name);
    const key = c.primaryKeys.length ? c.primaryKeys[0]!.columns.map((x) => x.name) : c.columns.filter((x) => x.primary).map((x) => x.name);
    out.push({
      name: c.name,
      columns,
      key: key.length ? key : columns,
      booleans: new Set((p?.columns ?? []).filter((x) => x.columnType === 'PgBoolean').map((x) => x.name)),
      identity: p?.columns.find((x) => (x as unknown as { generatedIdentity?: unknown }).generatedIdentity)?.name ?? null,
    });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

/** Tables and columns one schema has and the other lacks (empty when they mirror each other). */
export function schemaDifferences(): string[] {
  const pgTables = new Map<string, string[]>();
  for (const t of Object.values(pgSchema)) if (is(t, PgTable)) pgTables.set(pgTableConfig(t).name, pgTableConfig(t).columns.map((c) => c.name));
  const out: string[] = [];
  const seen = new Set<string>();
  for (const t of Object.values(sqliteSchema)) {
    if (!is(t, SQLiteTable)) continue;
    const c = sqliteTableConfig(t);
    seen.add(c.name);
    const p = pgTables.get(c.name);
    if (!p) {
      out.push(`table ${c.name}: missing in PostgreSQL`);
      continue;
    }
    for (const col of c.columns) if (!p.includes(col.name)) out.push(`column ${c.name}.${col.name}: missing in PostgreSQL`);
    for (const col of p) if (!c.columns.some((x) => x.name === col)) out.push(`column ${c.name}.${col}: missing in SQLite`);
  }
  for (const name of pgTables.keys()) if (!seen.has(name)) out.push(`table ${name}: missing in SQLite`);
  return out;
}

/** One open end of a copy. */
type End = { kind: 'sqlite'; db: Db; label: string } | { kind: 'postgres'; db: PgDb; label: string };

async function openEnd(spec: string): Promise<End> {
  if (isPostgresUrl(spec)) return { kind: 'postgres', db: await openPg(spec, { max: 2, applicationName: 'orglife db copy' }), label: maskPgUrl(spec) };
  return { kind: 'sqlite', db: openDb(spec), label: spec };
}

async function closeEnd(e: End): Promise<void> {
  if (e.kind === 'postgres') await closePg(e.db);
  else closeDb(e.db);
}

async function countRows(e: End, table: string): Promise<number> {
  if (e.kind === 'sqlite') return e.db.$client.prepare(`SELECT count(*) FROM "${table}"`).pluck().get() as number;
  return Number((await e.db.$client.query(`SELECT count(*) AS n FROM "${table}"`)).rows[0].n);
}

/** Thrown when a copy cannot be done; the message is bilingual. Nothing was written. */
export class CopyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CopyError';
  }
}

export interface CopyOptions {
  /** Replace whatever the target holds (default: refuse a target with rows). */
  replace?: boolean;
  /** Called after each table. */
  onTable?: (t: { table: string; rows: number }) => void;
}

export interface CopyResult {
  from: string;
  to: string;
  tables: { table: string; source: number; target: number }[];
}

const PAGE = 10_000;

/** Rows of a table of the source, in pages of arrays (column order = t.columns). */
async function* readRows(e: End, t: CopiedTable): AsyncGenerator<unknown[][]> {
  const cols = t.columns.map((c) => `"${c}"`).join(', ');
  if (e.kind === 'sqlite') {
    const it = e.db.$client.prepare(`SELECT ${cols} FROM "${t.name}"`).raw().iterate() as IterableIterator<unknown[]>;
    let page: unknown[][] = [];
    for (const r of it) {
      page.push(r);
      if (page.length === PAGE) {
        yield page;
        page = [];
      }
    }
    if (page.length) yield page;
    return;
  }
  const key = t.key.map((c) => `"${c}"`).join(', ');
  const keyAt = t.key.map((c) => t.columns.indexOf(c));
  let last: unknown[] | null = null;
  for (;;) {
    const where = last ? `WHERE (${key}) > (${t.key.map((_, i) => `$${i + 1}`).join(', ')})` : '';
    const r = await e.db.$client.query({ text: `SELECT ${cols} FROM "${t.name}" ${where} ORDER BY ${key} LIMIT ${PAGE}`, values: last ?? [], rowMode: 'array' } as pg.QueryConfig);
    const rows = r.rows as unknown as unknown[][];
    if (!rows.length) return;
    yield rows.map((row) => row.map((v, i) => (typeof v === 'boolean' && t.booleans.has(t.columns[i]!) ? (v ? 1 : 0) : v)));
    last = keyAt.map((i) => rows[rows.length - 1]![i]);
  }
}

function copyText(v: unknown): string {
  if (v === null || v === undefined) return '\\N';
  if (typeof v === 'boolean') return v ? 't' : 'f';
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  const s = String(v);
  return /[\\\t\n\r]/.test(s) ? s.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r') : s;
}

async function writeTablePg(client: pg.PoolClient, src: End, t: CopiedTable): Promise<void> {
  const stream = client.query(copyStreams.from(`COPY "${t.name}" (${t.columns.map((c) => `"${c}"`).join(', ')}) FROM STDIN`));
  const done = new Promise<void>((resolve, reject) => stream.on('finish', resolve).on('error', reject));
  for await (const page of readRows(src, t)) {
    let chunk = '';
    for (const r of page) chunk += r.map(copyText).join('\t') + '\n';
    if (!stream.write(chunk)) await new Promise((r) => stream.once('drain', r));
  }
  stream.end();
  await done;
  if (t.identity) {
    await client.query(`SELECT setval(pg_get_serial_sequence('"${t.name}"', '${t.identity}'), coalesce((SELECT max("${t.identity}") FROM "${t.name}"), 0) + 1, false)`);
  }
}

/** Copy every table of `fromSpec` into `toSpec` (paths or postgres:// URLs). */
export async function copyDatabase(fromSpec: string, toSpec: string, opts: CopyOptions = {}): Promise<CopyResult> {
  const diff = schemaDifferences();
  if (diff.length) throw new CopyError(`两种数据库的表结构不一致，无法复制 / the two schemas differ, cannot copy: ${diff.join('; ')}`);
  if (fromSpec === toSpec) throw new CopyError('源和目标是同一个数据库 / source and target are the same database');
  const tables = schemaTables();
  const from = await openEnd(fromSpec);
  let to: End | undefined;
  try {
    to = await openEnd(toSpec);
    if (from.kind === to.kind) throw new CopyError(`源和目标都是 ${from.kind}：db copy 在 SQLite 与 PostgreSQL 之间复制 / both ends are ${from.kind}: db copy moves between SQLite and PostgreSQL`);
    const nonEmpty: string[] = [];
    for (const t of tables) if ((await countRows(to, t.name)) > 0) nonEmpty.push(t.name);
    if (nonEmpty.length && !opts.replace) {
      throw new CopyError(
        `目标数据库不是空的（${nonEmpty.join('、')} 中已有数据）；如要覆盖请加 --replace / the target is not empty (rows in ${nonEmpty.join(', ')}); pass --replace to overwrite it`,
      );
    }
    const target = to;
    // The source is read inside one snapshot, so the counts compared are those of what was copied.
    if (from.kind === 'sqlite') from.db.$client.exec('BEGIN');
    if (target.kind === 'postgres') {
      const client = await target.db.$client.connect();
      try {
        await client.query('BEGIN');
        if (nonEmpty.length) await client.query(`TRUNCATE ${tables.map((t) => `"${t.name}"`).join(', ')}`);
        for (const t of tables) {
          await writeTablePg(client, from, t);
          opts.onTable?.({ table: t.name, rows: Number((await client.query(`SELECT count(*) AS n FROM "${t.name}"`)).rows[0].n) });
        }
        await client.query('COMMIT');
      } catch (e) {
        await client.query('ROLLBACK').catch(() => {});
        throw e;
      } finally {
        client.release();
      }
      await vacuumCopied(target.db.$client, tables);
    } else {
      const sqlite = target.db.$client;
      const pgFrom = from as Extract<End, { kind: 'postgres' }>;
      // A repeatable-read snapshot of the PostgreSQL source would need one connection for every page; the
      // copy is meant for a stopped daemon, and the counts below catch a source that changed meanwhile.
      sqlite.exec('BEGIN IMMEDIATE');
      try {
        for (const t of tables) {
          if (nonEmpty.length) sqlite.exec(`DELETE FROM "${t.name}"`);
          const ins = sqlite.prepare(`INSERT INTO "${t.name}" (${t.columns.map((c) => `"${c}"`).join(', ')}) VALUES (${t.columns.map(() => '?').join(', ')})`);
          for await (const page of readRows(pgFrom, t)) for (const r of page) ins.run(r);
          opts.onTable?.({ table: t.name, rows: sqlite.prepare(`SELECT count(*) FROM "${t.name}"`).pluck().get() as number });
        }
        sqlite.exec('COMMIT');
      } catch (e) {
        if (sqlite.inTransaction) sqlite.exec('ROLLBACK');
        throw e;
      }
    }
    const result: CopyResult = { from: from.label, to: target.label, tables: [] };
    for (const t of tables) result.tables.push({ table: t.name, source: await countRows(from, t.name), target: await countRows(target, t.name) });
    if (from.kind === 'sqlite') from.db.$client.exec('COMMIT');
    const off = result.tables.filter((t) => t.source !== t.target);
    if (off.length) {
      throw new CopyError(
        `复制后行数不一致 / row counts differ after the copy: ${off.map((t) => `${t.table} ${t.source} → ${t.target}`).join(', ')}`,
      );
    }
    return result;
  } finally {
    if (from.kind === 'sqlite' && from.db.$client.inTransaction) from.db.$client.exec('ROLLBACK');
    await closeEnd(from);
    if (to) await closeEnd(to);
  }
}

/**
 * A copy into PostgreSQL is a bulk load like a large import (src/store/postgres/import-session.ts
 * analyzeChanged): VACUUM (ANALYZE) every table once it is committed, so the reads plan from
 * statistics and their index-only scans find the visibility map set. A server with autovacuum off
 * (or not yet come round) otherwise fetches every row of the reports' meetings reads from the heap
 * as well (the 20,000-branch year on a fresh copy: 15.9 s of those statements' server time →
 * 8.3 s after the vacuum). Best effort: the data is copied either way.
 */
async function vacuumCopied(pool: pg.Pool, tables: readonly CopiedTable[]): Promise<void> {
  const client = await pool.connect().catch(() => null);
  if (!client) return;
  let broken = false;
  try {
    for (const t of tables) await client.query(`VACUUM (ANALYZE) "${t.name}"`);
  } catch {
    broken = true;
  } finally {
    client.release(broken);
  }
}
