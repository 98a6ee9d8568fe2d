/**
 * The import's keyed upsert on PostgreSQL: rows stream into a session-local TEMP table with COPY
 * (no lock on any shared table, so the daemon's delivery bookkeeping never waits for an import),
 * then, in the import's one short transaction, duplicate keys within a file are found with one
 * query and every file is applied with one INSERT … SELECT … ON CONFLICT DO UPDATE (only rows
 * whose content changed are rewritten), counting inserted / updated / unchanged per file exactly
 * like the SQLite upserter: a later file overrides an earlier one, as if run one by one.
 */
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type pg from 'pg';
import copyStreams from 'pg-copy-streams';

/** What a staged upsert writes. */
export interface PgUpsertSpec {
  table: string;
  /** Columns of the UNIQUE key the upsert targets. */
  key: readonly string[];
  /** Other columns, replaced when the row exists and compared to tell "unchanged". */
  columns: readonly string[];
  /** A column set on insert and on real change but never compared (e.g. updated_at). */
  stamp?: string;
  /**
   * A column filled at apply time from another table by a staged value (meetings.org_id from the
   * org code: orgs of the same command get their ids only when they are applied).
   */
  resolve?: { column: string; table: string; by: string; take: string };
}

/** Counts of one file. */
export interface StagedCounts {
  rows: number;
  inserted: number;
  updated: number;
  unchanged: number;
}

/** A key written twice in one file with different content. */
export interface StagedConflict {
  file: number;
  line: number;
  /** The line of the first row of that key in the file. */
  firstLine: number;
  key: string[];
}

const q = (c: string) => `"${c.replace(/"/g, '""')}"`;

/** One value in COPY's text format. */
export function copyText(v: unknown): string {
  if (v === null || v === undefined) return '\\N';
  if (typeof v === 'boolean') return v ? 't' : 'f';
  if (typeof v === 'number') return String(v);
  const s = String(v);
  return /[\\\t\n\r]/.test(s) ? s.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r') : s;
}

const FLUSH_AT = 1 << 20;

export class PgStagedUpsert {
  private readonly stage: string;
  /** Staged columns in order: file, line, key…, columns… (the resolve column holds the lookup value). */
  private readonly staged: string[];
  private stream: Writable | undefined;
  private streamDone: Promise<void> | undefined;
  private streamError: unknown;
  private buf: string[] = [];
  private bufLen = 0;
  private file = -1;
  private readonly rowsPerFile: number[] = [];

  private constructor(
    private readonly client: pg.PoolClient,
    readonly spec: PgUpsertSpec,
  ) {
    this.stage = `stage_${spec.table}_${randomBytes(3).toString('hex')}`;
    this.staged = [...spec.key, ...spec.columns];
  }

  /** Create the staging table on `client` (a dedicated connection, kept until `close`). */
  static async open(client: pg.PoolClient, spec: PgUpsertSpec): Promise<PgStagedUpsert> {
    const s = new PgStagedUpsert(client, spec);
    const cols = s.staged.map((c) => (spec.resolve?.column === c ? `NULL::text AS ${q(c)}` : `t.${q(c)}`));
    // Same types as the target (CREATE … AS … WITH NO DATA); no index, no WAL (TEMP), dropped with the session.
    await client.query(`CREATE TEMP TABLE ${q(s.stage)} AS SELECT 0::int AS file, 0::int AS line, ${cols.join(', ')} FROM ${q(spec.table)} t WITH NO DATA`);
    return s;
  }

  private ensureStream(): Writable {
    if (this.stream) return this.stream;
    const cols = ['file', 'line', ...this.staged].map(q).join(', ');
    const stream = this.client.query(copyStreams.from(`COPY ${q(this.stage)} (${cols}) FROM STDIN`));
    stream.on('error', (e) => (this.streamError ??= e));
    this.streamDone = new Promise((resolve) => stream.on('finish', () => resolve()).on('error', () => resolve()));
    this.stream = stream;
    return stream;
  }

  /** A new file (or pushed batch) begins: duplicate keys are per file. */
  beginFile(): number {
    this.rowsPerFile.push(0);
    return ++this.file;
  }

  /** Stage one row: key values then columns, in spec order (the resolve column: its lookup value). */
  add(values: readonly unknown[], line: number): void {
    let s = `${this.file}\t${line}`;
    for (let i = 0; i < values.length; i++) s += `\t${copyText(values[i])}`;
    s += '\n';
    this.buf.push(s);
    this.bufLen += s.length;
    this.rowsPerFile[this.file]!++;
    if (this.bufLen >= FLUSH_AT) this.push();
  }

  private push(): boolean {
    if (!this.buf.length) return true;
    const chunk = this.buf.join('');
    this.buf = [];
    this.bufLen = 0;
    return this.ensureStream().write(chunk);
  }

  /** Let the server catch up (call between chunks of input). */
  async drain(): Promise<void> {
    if (!this.push() && this.stream) await once(this.stream, 'drain');
    if (this.streamError) throw this.streamError;
  }

  /** End the COPY (every row is on the server). */
  async finishStaging(): Promise<void> {
    this.push();
    if (this.stream) {
      this.stream.end();
      await this.streamDone;
    }
    if (this.streamError) throw this.streamError;
  }

  /** Keys of file `f` written twice with different content (the slow path: only when a key repeats). */
  private async conflictsOf(f: number): Promise<StagedConflict[]> {
    const key = this.spec.key.map((c) => `s.${q(c)}`).join(', ');
    const content = (t: string) => `(${this.spec.columns.map((c) => `${t}.${q(c)}`).join(', ')})`;
    const cmp = this.spec.columns.length ? `${content('s')} IS DISTINCT FROM ${content('f')}` : 'false';
    const r = await this.client.query({
      text: `WITH f AS (SELECT DISTINCT ON (${key}) s.* FROM ${q(this.stage)} s WHERE s.file = $1 ORDER BY ${key}, s.line)
             SELECT s.line, f.line AS first, ${key} FROM ${q(this.stage)} s
               JOIN f ON ${this.spec.key.map((c) => `s.${q(c)} = f.${q(c)}`).join(' AND ')}
              WHERE s.file = $1 AND s.line <> f.line AND ${cmp}
              ORDER BY s.line`,
      values: [f],
      rowMode: 'array',
    } as pg.QueryConfig);
    return (r.rows as unknown as unknown[][]).map((x) => ({ file: f, line: x[0] as number, firstLine: x[1] as number, key: x.slice(2).map(String) }));
  }

  /**
   * Apply every staged file, in order, on the client's open transaction. Returns counts per file,
   * or the conflicts (keys written twice in one file with different content) when there are any:
   * then the caller must roll back. Fast path: each file's rows go in with one INSERT … SELECT;
   * only when a key repeats within a file (PostgreSQL refuses to upsert one row twice in a
   * statement) is the file checked for conflicts and applied keeping the first row of each key.
   */
  async apply(now: number): Promise<{ counts: StagedCounts[]; conflicts: StagedConflict[] }> {
    await this.client.query(`ANALYZE ${q(this.stage)}`);
    const { table, key, columns, stamp, resolve } = this.spec;
    const t = q(table);
    const target = [...key, ...columns, ...(stamp ? [stamp] : [])];
    const select = this.staged.map((c) => (resolve?.column === c ? `r.${q(resolve.take)}` : `s.${q(c)}`));
    if (stamp) select.push('$2::int8');
    const join = resolve ? ` JOIN ${q(resolve.table)} r ON r.${q(resolve.by)} = s.${q(resolve.column)}` : '';
    const set = [...columns, ...(stamp ? [stamp] : [])].map((c) => `${q(c)} = excluded.${q(c)}`);
    const changed = `(${columns.map((c) => `${t}.${q(c)}`).join(', ')}) IS DISTINCT FROM (${columns.map((c) => `excluded.${q(c)}`).join(', ')})`;
    const onConflict = columns.length ? `DO UPDATE SET ${set.join(', ')} WHERE ${changed}` : 'DO NOTHING';
    const keyList = key.map((c) => `s.${q(c)}`).join(', ');
    const upsert = (source: string) => `WITH up AS (
           INSERT INTO ${t} AS ${t} (${target.map(q).join(', ')})
           SELECT ${select.join(', ')} FROM ${source} s${join}
           ON CONFLICT (${key.map(q).join(', ')}) ${onConflict}
           RETURNING (xmax = 0) AS ins)
         SELECT count(*) FILTER (WHERE ins) AS inserted, count(*) FILTER (WHERE NOT ins) AS updated FROM up`;
    const fast = upsert(`(SELECT * FROM ${q(this.stage)} WHERE file = $1)`);
    const firstOfKey = upsert(`(SELECT DISTINCT ON (${keyList}) s.* FROM ${q(this.stage)} s WHERE s.file = $1 ORDER BY ${keyList}, s.line)`);
    const counts: StagedCounts[] = [];
    const conflicts: StagedConflict[] = [];
    for (let f = 0; f < this.rowsPerFile.length; f++) {
      const rows = this.rowsPerFile[f]!;
      if (!rows) {
        counts.push({ rows, inserted: 0, updated: 0, unchanged: 0 });
        continue;
      }
      const params = stamp ? [f, now] : [f];
      await this.client.query('SAVEPOINT staged_file');
      let r: pg.QueryResult<{ inserted: number; updated: number }>;
      try {
        r = await this.client.query(fast, params);
        await this.client.query('RELEASE SAVEPOINT staged_file');
      } catch (e) {
        await this.client.query('ROLLBACK TO SAVEPOINT staged_file');
        await this.client.query('RELEASE SAVEPOINT staged_file');
        if ((e as { code?: string }).code !== '21000') throw e; // cardinality_violation: a key repeats in this file
        const found = await this.conflictsOf(f);
        if (found.length) {
          conflicts.push(...found);
          continue;
        }
        r = await this.client.query(firstOfKey, params);
      }
      const { inserted, updated } = r.rows[0]!;
      counts.push({ rows, inserted, updated, unchanged: rows - inserted - updated });
    }
    return conflicts.length ? { counts: [], conflicts } : { counts, conflicts };
  }

  /** Drop the staging table (also dropped with the session). */
  async close(): Promise<void> {
    if (this.stream && !this.stream.writableEnded) {
      this.stream.end();
      await this.streamDone;
    }
    await this.client.query(`DROP TABLE IF EXISTS ${q(this.stage)}`).catch(() => {});
  }
}
