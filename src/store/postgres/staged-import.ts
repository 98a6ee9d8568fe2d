/**
 * The big keyed tables of an import command on PostgreSQL (meetings, members), staged: rows stream
 * into a TEMP table with COPY as they are parsed (no index, no WAL, no per-batch statement), and when
 * the table finishes, ONE `INSERT … SELECT … ON CONFLICT DO UPDATE … WHERE changed` applies every file
 * of the command at once. Why not a statement per batch: each batch paid the array encoding, a round
 * trip, and a lookup in the command's key table to find keys repeated across files; here a repeated
 * key makes the one statement fail (PostgreSQL refuses to upsert one row twice in a statement, SQLSTATE
 * 21000) and only then is the stage searched for repeats (the slow path). Contract, as the batch path:
 * the first row of a key in the command wins; a later row of the key with the same content is
 * unchanged, with other content a conflict naming the first row's file and line; counts per file.
 */
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type pg from 'pg';
import copyStreams from 'pg-copy-streams';
import type { UpsertSpec } from '../sqlite/imports.js';
import type { DeferredConflict, DeferredOutcomes } from '../types/imports.js';
import { copyText } from './staged-upsert.js';

const q = (c: string) => `"${c}"`;
/** Bytes of COPY text buffered before a write to the stream. */
const FLUSH_AT = 1 << 20;

/** What applying a staged table changed, for the commit's derived steps. */
export interface StagedApplied extends DeferredOutcomes {
  /** Keys (text) of rows updated (not inserted): meetings whose sign-in copies must follow. */
  updatedKeys: string[];
  /** `org_id` of updated rows (members: branches whose participation must be refreshed). */
  updatedOrgs: number[];
  /** `org_id` of every inserted or updated row, and the previous `org_id` of updated ones (ImportSession.touchedOrgs). */
  touchedOrgs: number[];
}

/** What one staged upsert returns: per-file counts (json), updated keys, updated rows' orgs, touched orgs. */
type Applied = [unknown, string[] | null, number[] | null, number[] | null];

export class StagedKeyedTable {
  private readonly stage: string;
  private readonly cols: string[];
  private stream: Writable | undefined;
  private done: Promise<void> | undefined;
  private failure: unknown;
  private buf: string[] = [];
  private bufLen = 0;
  /** Files of the table in the command (0-based, in beginFile order) and their staged row counts. */
  private readonly rowsPerFile: number[] = [];
  private created = false;

  constructor(
    private readonly client: pg.PoolClient,
    readonly spec: UpsertSpec,
  ) {
    if (spec.stamp) throw new Error(`staged import of ${spec.table}: a stamp column is not supported`);
    this.stage = `import_stage_${spec.table}`;
    this.cols = [...spec.key, ...spec.columns];
  }

  /** Whether a COPY is in progress on the connection (no other statement may run until it ends). */
  get copying(): boolean {
    return this.stream !== undefined;
  }

  /** A new file of the table begins. */
  async beginFile(): Promise<void> {
    if (!this.created) {
      // Same column types as the target; TEMP: no WAL, no lock on a shared table, dropped at commit.
      await this.client.query(
        `CREATE TEMP TABLE ${q(this.stage)} ON COMMIT DROP AS SELECT 0::int AS file, 0::int AS line, 0::int8 AS seq, ${this.cols.map((c) => `t.${q(c)}`).join(', ')}
           FROM ${q(this.spec.table)} t WITH NO DATA`,
      );
      this.created = true;
    }
    this.rowsPerFile.push(0);
  }

  /** Stage rows (parameters in spec order: key, then columns) with their lines and positions in the command. */
  async add(params: readonly (readonly unknown[])[], lines: readonly number[], seqs: readonly number[]): Promise<void> {
    const file = this.rowsPerFile.length - 1;
    for (let i = 0; i < params.length; i++) {
      const p = params[i]!;
      let s = `${file}\t${lines[i] ?? 0}\t${seqs[i] ?? 0}`;
      for (let c = 0; c < p.length; c++) s += `\t${copyText(p[c])}`;
      s += '\n';
      this.buf.push(s);
      this.bufLen += s.length;
    }
    this.rowsPerFile[file]! += params.length;
    if (this.bufLen >= FLUSH_AT && !this.push() && this.stream) await once(this.stream, 'drain');
    if (this.failure) throw this.failure;
  }

  private push(): boolean {
    if (!this.buf.length) return true;
    const chunk = this.buf.join('');
    this.buf = [];
    this.bufLen = 0;
    if (!this.stream) {
      const stream = this.client.query(copyStreams.from(`COPY ${q(this.stage)} (file, line, seq, ${this.cols.map(q).join(', ')}) FROM STDIN`));
      stream.on('error', (e) => (this.failure ??= e));
      this.done = new Promise((resolve) => stream.on('finish', () => resolve()).on('error', () => resolve()));
      this.stream = stream;
    }
    return this.stream.write(chunk);
  }

  /** End the COPY in progress (before any other statement on the connection). */
  async endCopy(): Promise<void> {
    this.push();
    const s = this.stream;
    if (s) {
      this.stream = undefined;
      s.end();
      await this.done;
    }
    if (this.failure) throw this.failure;
  }

  /** Apply every staged file with one upsert; counts per file, conflicts, and what the commit derives. */
  async apply(): Promise<StagedApplied> {
    await this.endCopy();
    const files = this.rowsPerFile.length;
    const empty: StagedApplied = { files: this.rowsPerFile.map(() => ({ inserted: 0, updated: 0, unchanged: 0 })), conflicts: [], updatedKeys: [], updatedOrgs: [], touchedOrgs: [] };
    if (!this.rowsPerFile.some((n) => n > 0)) return empty;
    // No ANALYZE of the stage: it is read whole by a sequential scan (and by hash joins on the slow path).
    let conflicts: DeferredConflict[] = [];
    let applied: Applied = [null, null, null, null];
    await this.client.query('SAVEPOINT import_stage');
    let repeated = false;
    try {
      applied = await this.upsert(q(this.stage), files, this.rowsPerFile.reduce((a, b) => a + b, 0));
      // A key repeated in the command makes the statement fail (21000) unless its first row found the
      // stored row unchanged: then a later row with other content updates it, so an updated key is checked.
      repeated = !!applied[1]?.length && (await this.repeatsAmong(applied[1]));
    } catch (e) {
      if ((e as { code?: string }).code !== '21000') throw e; // cardinality_violation: a key repeats in the command
      repeated = true;
    }
    if (repeated) {
      await this.client.query('ROLLBACK TO SAVEPOINT import_stage');
      // The slow path: the first row of each key (in input order) is written, every other row is compared with it.
      const key = this.spec.key.map(q).join(', ');
      const first = `${this.stage}_first`;
      await this.client.query(`CREATE TEMP TABLE ${q(first)} ON COMMIT DROP AS SELECT DISTINCT ON (${key}) * FROM ${q(this.stage)} ORDER BY ${key}, seq`);
      const content = (t: string) => `(${this.spec.columns.map((c) => `${t}.${q(c)}`).join(', ')})`;
      const res = await this.client.query({
        text: `SELECT s.file, s.line, s.seq, f.file, f.line, ${this.keyText('s')} FROM ${q(this.stage)} s JOIN ${q(first)} f USING (${key})
                WHERE s.seq <> f.seq AND ${content('s')} IS DISTINCT FROM ${content('f')} ORDER BY s.seq`,
        rowMode: 'array',
      } as pg.QueryConfig);
      conflicts = (res.rows as unknown as [number, number, string, number, number, string][]).map((r) => ({
        file: r[0], line: r[1], seq: Number(r[2]), earlierFile: r[3], earlierLine: r[4], key: r[5],
      }));
      applied = await this.upsert(q(first), files, null);
      await this.client.query(`DROP TABLE ${q(first)}`);
    }
    await this.client.query('RELEASE SAVEPOINT import_stage');
    const [perFile, updatedKeys, updatedOrgs, touchedOrgs] = applied;
    const out = empty;
    for (const r of (perFile as { file: number; i: number; u: number }[] | null) ?? []) {
      out.files[r.file] = { inserted: r.i, updated: r.u, unchanged: 0 };
    }
    out.files.forEach((f, i) => (f.unchanged = this.rowsPerFile[i]! - f.inserted - f.updated));
    for (const c of conflicts) out.files[c.file]!.unchanged--;
    out.conflicts = conflicts;
    out.updatedKeys = updatedKeys ?? [];
    out.updatedOrgs = updatedOrgs ?? [];
    out.touchedOrgs = touchedOrgs ?? [];
    return out;
  }

  /** Whether any of these keys (text) was staged more than once. */
  private async repeatsAmong(keys: readonly string[]): Promise<boolean> {
    const r = await this.client.query(
      `SELECT 1 FROM ${q(this.stage)} s JOIN unnest($1::text[]) AS u(k) ON ${this.keyText('s')} = u.k GROUP BY u.k HAVING count(*) > 1 LIMIT 1`,
      [keys],
    );
    return r.rows.length > 0;
  }

  private keyText(alias: string): string {
    const k = this.spec.key;
    return k.length === 1 ? `${alias}.${q(k[0]!)}::text` : `concat_ws(chr(1), ${k.map((c) => `${alias}.${q(c)}::text`).join(', ')})`;
  }

  /**
   * One INSERT … SELECT from `source` (keys unique in it, or PostgreSQL raises 21000), returning
   * [per-file counts, updated keys, updated org ids]. `total`: the rows of `source` (null: not known).
   */
  private async upsert(source: string, files: number, total: number | null): Promise<Applied> {
    const { key, columns } = this.spec;
    const t = q(this.spec.table);
    const all = this.cols.map(q).join(', ');
    const set = columns.map((c) => `${q(c)} = excluded.${q(c)}`).join(', ');
    const changed = `(${columns.map((c) => `${t}.${q(c)}`).join(', ')}) IS DISTINCT FROM (${columns.map((c) => `excluded.${q(c)}`).join(', ')})`;
    const org = columns.includes('org_id') ? `${t}.org_id` : 'NULL::int';
    // Touched orgs: each written row's org, and an updated row's previous org — read from the
    // statement's snapshot (taken before the upsert), for the updated keys only.
    const touched = columns.includes('org_id')
      ? `(SELECT array_agg(DISTINCT x) FROM (SELECT o AS x FROM up UNION SELECT b.org_id FROM ${t} b JOIN up ON ${this.keyText('b')} = up.k WHERE NOT up.ins) w)`
      : 'NULL::int[]';
    const keyCols = key.map(q).join(', ');
    // Counts per file: a join of the written rows back to the source by key, run (the CASE's
    // subquery is evaluated only when taken) only when the split cannot be told from the totals:
    // one file, or every staged row inserted (a first import), or all updated, or none written.
    const join = `SELECT json_agg(x) FROM (SELECT s.file, count(*) FILTER (WHERE up.ins) AS i, count(*) FILTER (WHERE NOT up.ins) AS u
             FROM up JOIN ${source} s ON ${this.keyText('s')} = up.k GROUP BY s.file) x`;
    const needJoin = files === 1 ? 'false' : total === null ? 'true' : `NOT ((SELECT count(*) FROM up WHERE ins) IN (0, $1) AND (SELECT count(*) FROM up WHERE NOT ins) IN (0, $1))`;
    const res = await this.client.query({
      text: `WITH up AS (
               INSERT INTO ${t} AS ${t} (${all}) SELECT ${all} FROM ${source} s
               ON CONFLICT (${keyCols}) DO UPDATE SET ${set} WHERE ${changed}
               RETURNING ${this.keyText(t)} AS k, (xmax = 0) AS ins, ${org} AS o)
             SELECT (SELECT count(*)::int FROM up WHERE ins), (SELECT count(*)::int FROM up WHERE NOT ins),
                    CASE WHEN ${needJoin} THEN (${join}) END,
                    (SELECT array_agg(k) FROM up WHERE NOT ins), (SELECT array_agg(DISTINCT o) FROM up WHERE NOT ins), ${touched}`,
      values: total === null || files === 1 ? [] : [total],
      rowMode: 'array',
    } as pg.QueryConfig);
    const [ins, upd, joined, keys, orgs, touchedOrgs] = (res.rows as unknown as [number, number, { file: number; i: number; u: number }[] | null, string[] | null, number[] | null, number[] | null][])[0]!;
    let perFile = joined;
    if (!perFile) {
      if (files === 1) perFile = [{ file: 0, i: ins, u: upd }];
      else perFile = this.rowsPerFile.map((n, file) => ({ file, i: ins ? n : 0, u: upd ? n : 0 }));
    }
    return [perFile, keys, orgs, touchedOrgs];
  }
}
