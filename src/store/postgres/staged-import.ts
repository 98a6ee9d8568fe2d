/**
 * The big keyed tables of an import command on PostgreSQL (meetings, members), staged and applied
 * in chunks while the input is still being parsed: rows are encoded as COPY text as they come, and
 * each chunk (up to CHUNK_MAX rows of one file) goes into its own table (a child of the command's
 * stage table: no index, no WAL, no lock on a shared table) with one COPY, then into the
 * target with one plain `INSERT … SELECT` while the keys are new (into an empty table), else
 * with one `INSERT … SELECT … ON CONFLICT DO UPDATE … WHERE changed`. Only one chunk is in
 * flight: while the server writes chunk k (index maintenance is most of an import's server time),
 * the import parses and encodes chunk k+1, so parsing and writing overlap instead of running one
 * after the other (the previous design staged everything, then applied it in one statement).
 *
 * The stage's tables are created and copied by a second connection of the pool in autocommit
 * (UNLOGGED tables, named after its backend pid, dropped once the import's transaction ended; those
 * of a killed import are dropped by the next one), so the copy of chunk k+1 runs beside the apply
 * of chunk k on the server too; with no connection to spare they are TEMP tables of the import's.
 *
 * Contract, as the batch path: the first row of a key in the command wins; a later row of the key
 * with the same content is unchanged, with other content a conflict naming the first row's file
 * and line; counts per file. How chunks keep it without reading the stage per row:
 * - a plain insert fails (23505) on a key repeated in the command (or stored meanwhile): the chunk is
 *   rolled back to its savepoint and upserted, and so is every later chunk;
 * - a key repeated within a chunk makes its statement fail (PostgreSQL refuses to upsert one row
 *   twice in a statement, SQLSTATE 21000): the chunk is rolled back to its savepoint (its staged
 *   rows stay: they were copied before the savepoint) and applied again with its first row of each
 *   key only; the command is marked "repeated";
 * - a later row of a key with the same content finds the stored row unchanged (not counted as an
 *   update); with other content it updates it, so every updated key is kept;
 * - when the table finishes, if a chunk repeated a key or an updated key occurs twice in the whole
 *   stage (all chunks, through the parent table), the stage is searched for conflicts: each later
 *   row of a repeated key whose content differs from the first row's. A conflict rejects the whole
 *   command (the session is rolled back), so what those rows did to the target does not matter.
 */
import type pg from 'pg';
import copyStreams from 'pg-copy-streams';
import type { UpsertSpec } from '../types/imports.js';
import type { DeferredConflict, DeferredOutcomes } from '../types/imports.js';

const q = (c: string) => `"${c}"`;

/** One value in COPY's text format. */
export function copyText(v: unknown): string {
  if (v === null || v === undefined) return '\\N';
  if (typeof v === 'boolean') return v ? 't' : 'f';
  if (typeof v === 'number') return String(v);
  const s = String(v);
  return /[\\\t\n\r]/.test(s) ? s.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r') : s;
}

/** Bytes of a number's COPY text at most (String of any double: 24 characters, e.g. -1.2345678901234567e-300). */
const MAX_INT_BYTES = 24;

/** Write a number's COPY text at `at` (a safe integer digit by digit); returns the end. */
function writeInt(buf: Buffer, at: number, n: number): number {
  if (!Number.isSafeInteger(n)) return at + buf.write(String(n), at, 'latin1');
  if (n < 0) {
    buf[at++] = 45;
    n = -n;
  }
  if (n < 10) {
    buf[at++] = 48 + n;
    return at;
  }
  let d = 1;
  while (d * 10 <= n) d *= 10;
  while (d >= 1) {
    const digit = Math.floor(n / d);
    buf[at++] = 48 + digit;
    n -= digit * d;
    d /= 10;
  }
  return at;
}

/**
 * One row's COPY text line (`file, line, seq, params…`, tab-separated, newline-ended) written
 * into `buf` at `at` (room checked by the caller); returns the end. The same bytes as joining
 * copyText of each value, written directly: integers digit by digit, short ASCII strings byte by
 * byte, the rest through Buffer's UTF-8 encoder, with no line string built per row (building
 * and then encoding it was ~1 µs a row, a sixth of an import's CPU on PostgreSQL).
 */
export function encodeCopyRow(buf: Buffer, at: number, file: number, line: number, seq: number, params: readonly unknown[]): number {
  at = writeInt(buf, at, file);
  buf[at++] = 9;
  at = writeInt(buf, at, line);
  buf[at++] = 9;
  at = writeInt(buf, at, seq);
  for (let c = 0; c < params.length; c++) {
    buf[at++] = 9;
    const v = params[c];
    if (v === null || v === undefined) {
      buf[at++] = 92; // \N
      buf[at++] = 78;
    } else if (typeof v === 'number') {
      at = writeInt(buf, at, v);
    } else if (typeof v === 'string' && v.length <= 64) {
      let plain = true;
      for (let k = 0; k < v.length; k++) {
        const ch = v.charCodeAt(k);
        if (ch >= 128 || ch === 92 || ch === 9 || ch === 10 || ch === 13) {
          plain = false;
          break;
        }
      }
      if (plain) for (let k = 0; k < v.length; k++) buf[at++] = v.charCodeAt(k);
      else at += buf.write(copyText(v), at, 'utf8');
    } else at += buf.write(copyText(v), at, 'utf8');
  }
  buf[at++] = 10;
  return at;
}

/** Bytes of one piece of a chunk's COPY text (rows are written into it as they are encoded). */
const PIECE = 1 << 20;
/**
 * Rows of the first chunk of a table, doubled at each chunk up to CHUNK_MAX: a small import gets
 * its first chunk written early, a big one few statements (and few TEMP tables: each holds locks
 * until the command ends). The last chunk's write is the part that does not overlap parsing.
 */
const CHUNK_FIRST = 16_384;
const CHUNK_MAX = 131_072;
/** Names of UNLOGGED stage tables: `import_stage_<backend pid of the staging connection>_<table>` (and its chunks `…_<n>`). */
export const STAGE_PREFIX = 'import_stage_';

/** What applying a staged table changed, for the commit's derived steps. */
export interface StagedApplied extends DeferredOutcomes {
  /** Keys (text) of rows updated (not inserted): meetings whose sign-in copies must follow. */
  updatedKeys: string[];
  /** `org_id` of updated rows (members: branches whose participation must be refreshed). */
  updatedOrgs: number[];
  /** `org_id` of every inserted or updated row, and the previous `org_id` of updated ones (ImportSession.touchedOrgs). */
  touchedOrgs: number[];
}

/** What one chunk's upsert returns: inserted, updated, updated keys, updated rows' orgs, touched orgs. */
type ChunkResult = [number, number, string[] | null, number[] | null, number[] | null];

export class StagedKeyedTable {
  private readonly stage: string;
  private readonly cols: string[];
  private created = false;
  /**
   * COPY text of the chunk being filled, as bytes off the JavaScript heap: the full pieces, and the
   * piece being written (each row's line is written at once and not kept: no garbage to collect
   * but short-lived strings, which was most of the import's garbage collection).
   */
  private pieces: Buffer[] = [];
  private piece: Buffer = Buffer.allocUnsafe(PIECE);
  private used = 0;
  private chunkRows = 0;
  /** Place of `org_id` in a row's parameters (-1: the table has none), and the org ids of the chunk being filled. */
  private readonly orgAt: number;
  private chunkOrgs = new Set<number>();
  private lastOrg: unknown;
  private chunkLimit = CHUNK_FIRST;
  private chunks = 0;
  /**
   * The chunk being copied into the stage, and the chunk being applied (after its copy and the
   * previous apply); the first failure of any. With a staging connection the copy of chunk k+1
   * runs beside the apply of chunk k.
   */
  private copied: Promise<void> = Promise.resolve();
  private applied: Promise<void> = Promise.resolve();
  private appliedBefore: Promise<void> = Promise.resolve();
  private failure: unknown;
  /** The connection that writes the stage: the staging connection, else the import's. */
  private readonly stager: pg.PoolClient;
  /** Files of the table in the command (0-based, in beginFile order): staged rows, inserted, updated. */
  private readonly rowsPerFile: number[] = [];
  private readonly insertedPerFile: number[] = [];
  private readonly updatedPerFile: number[] = [];
  private readonly updatedKeys: string[] = [];
  private readonly updatedOrgs = new Set<number>();
  private readonly touchedOrgs = new Set<number>();
  /**
   * Whether chunks are tried as plain inserts: the table had no rows when the command began, until
   * one fails (a key repeats in the command, or another writer stored it): that chunk and every
   * later one go through the upsert.
   */
  private insertOnly = false;
  /** Whether a chunk repeated a key (its statement failed with 21000 and was applied first-row-of-key). */
  private repeated = false;

  /**
   * `client`: the import's connection (its transaction). `staging`: another connection, in
   * autocommit, that creates the stage as UNLOGGED tables and copies chunks into them while the
   * import's connection applies the previous chunk (a rollback of the import leaves them: dropped
   * by `drop` once the import's transaction ended). Without it the stage is TEMP tables of `client`.
   */
  constructor(
    private readonly client: pg.PoolClient,
    readonly spec: UpsertSpec,
    private readonly staging?: { client: pg.PoolClient; pid: number },
  ) {
    if (spec.stamp) throw new Error(`staged import of ${spec.table}: a stamp column is not supported`);
    this.stage = staging ? `${STAGE_PREFIX}${staging.pid}_${spec.table}` : `import_stage_${spec.table}`;
    this.cols = [...spec.key, ...spec.columns];
    this.orgAt = this.cols.indexOf('org_id');
    this.stager = staging?.client ?? client;
  }

  /** `CREATE … TABLE` of the stage's tables, and what ends it. */
  private get kind(): [string, string] {
    return this.staging ? ['UNLOGGED', ''] : ['TEMP', ' ON COMMIT DROP'];
  }

  /** Drop the stage (on the staging connection, after the import's transaction ended: it held locks on the chunks). */
  async drop(): Promise<void> {
    if (!this.staging || !this.created) return;
    // Bounded: a lock still held on a chunk (a backend not yet gone) leaves the stage to the next import's sweep.
    const c = this.staging.client;
    await c.query('BEGIN');
    try {
      await c.query("SET LOCAL lock_timeout = '10s'");
      await c.query(`DROP TABLE IF EXISTS ${q(this.stage)} CASCADE`);
      await c.query('COMMIT');
    } catch (e) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw e;
    }
  }

  /** Whether a chunk is being written (no other statement of the session should run in between). */
  get copying(): boolean {
    return true;
  }

  /** A new file of the table begins (the chunk of the previous file is cut: a chunk holds one file). */
  async beginFile(): Promise<void> {
    if (!this.created) {
      // Same column types as the target; TEMP or UNLOGGED: no WAL, no lock on a shared table.
      const [kind, end] = this.kind;
      if (this.staging) await this.stager.query(`DROP TABLE IF EXISTS ${q(this.stage)} CASCADE`); // left by a killed import whose backend had this pid
      await this.stager.query(
        `CREATE ${kind} TABLE ${q(this.stage)}${end} AS SELECT 0::int AS file, 0::int AS line, 0::int8 AS seq, ${this.cols.map((c) => `t.${q(c)}`).join(', ')}
           FROM ${q(this.spec.table)} t WITH NO DATA`,
      );
      // Plain inserts only into a table with no rows yet (a first import): elsewhere the first
      // chunk would mostly fail, and log an error on the server at every import.
      const r = await this.client.query({ text: `SELECT EXISTS (SELECT 1 FROM ${q(this.spec.table)})`, rowMode: 'array' } as pg.QueryConfig);
      this.insertOnly = (r.rows as unknown as [boolean][])[0]![0] === false;
      this.created = true;
    } else await this.cut();
    this.rowsPerFile.push(0);
    this.insertedPerFile.push(0);
    this.updatedPerFile.push(0);
  }

  /**
   * Stage `n` rows with their lines and positions in the command; `params(i)` gives row i's
   * parameters in spec order (key, then columns), and may reuse one array: each row is encoded at once.
   */
  async add(n: number, params: (i: number) => readonly unknown[], lines: readonly number[], seqs: readonly number[]): Promise<void> {
    if (this.failure) throw this.failure;
    const file = this.rowsPerFile.length - 1;
    for (let i = 0; i < n; i++) {
      const p = params(i);
      // The chunk's org ids, noted as rows are encoded (rows of a branch mostly come together).
      if (this.orgAt >= 0 && p[this.orgAt] !== this.lastOrg) {
        this.lastOrg = p[this.orgAt];
        this.chunkOrgs.add(this.lastOrg as number);
      }
      // Room for the worst case (COPY text of a string: at most 3 UTF-8 bytes per UTF-16 unit, an
      // escaped character 2), else a new piece.
      let room = 3 * MAX_INT_BYTES + 2;
      for (let c = 0; c < p.length; c++) {
        const v = p[c];
        room += 1 + (typeof v === 'string' ? v.length * 3 : typeof v === 'number' || v === null || v === undefined ? MAX_INT_BYTES : copyText(v).length * 3);
      }
      if (this.used + room > this.piece.length) this.nextPiece(room);
      this.used = encodeCopyRow(this.piece, this.used, file, lines[i] ?? 0, seqs[i] ?? 0, p);
    }
    this.rowsPerFile[file]! += n;
    this.chunkRows += n;
    if (this.chunkRows >= this.chunkLimit) await this.cut();
  }

  /** Keep what the current piece holds and start another (of at least `room` bytes). */
  private nextPiece(room = 0): void {
    if (this.used) this.pieces.push(this.piece.subarray(0, this.used));
    this.piece = Buffer.allocUnsafe(Math.max(PIECE, room));
    this.used = 0;
  }

  /** Hand the chunk being filled to the server once the previous one is written (at most one in flight). */
  private async cut(): Promise<void> {
    if (this.used) this.nextPiece();
    const pieces = this.pieces;
    const rows = this.chunkRows;
    const orgs = this.chunkOrgs;
    this.pieces = [];
    this.chunkRows = 0;
    this.chunkOrgs = new Set();
    this.lastOrg = undefined;
    // At most one chunk being copied and one being applied while the next one fills (bounded memory).
    await this.copied;
    await this.appliedBefore;
    if (this.failure) throw this.failure;
    if (!rows) return;
    this.chunkLimit = Math.min(this.chunkLimit * 2, CHUNK_MAX);
    const file = this.rowsPerFile.length - 1;
    const chunk = `${this.stage}_${++this.chunks}`;
    const copy = this.copyChunk(chunk, pieces);
    const previous = this.applied;
    const apply = Promise.all([copy, previous]).then(() => (this.failure ? undefined : this.applyChunk(chunk, file, orgs)));
    const noted = (p: Promise<void>) => p.catch((e: unknown) => void (this.failure ??= e));
    this.copied = noted(copy);
    this.appliedBefore = previous;
    this.applied = noted(apply);
  }

  /** Wait until no chunk is being copied or applied (before any other statement on the connection). */
  async endCopy(): Promise<void> {
    await this.copied;
    await this.applied;
    if (this.failure) throw this.failure;
  }

  private async copyChunk(chunk: string, pieces: Buffer[]): Promise<void> {
    const [kind, end] = this.kind;
    await this.stager.query(`CREATE ${kind} TABLE ${q(chunk)} () INHERITS (${q(this.stage)})${end}`);
    const stream = this.stager.query(copyStreams.from(`COPY ${q(chunk)} (file, line, seq, ${this.cols.map(q).join(', ')}) FROM STDIN`));
    await new Promise<void>((resolve, reject) => {
      stream.on('error', reject);
      stream.on('finish', () => resolve());
      for (const piece of pieces) stream.write(piece);
      stream.end();
    });
  }

  private async applyChunk(chunk: string, file: number, chunkOrgs: ReadonlySet<number>): Promise<void> {
    await this.client.query('SAVEPOINT import_chunk');
    let r: ChunkResult | undefined;
    if (this.insertOnly) {
      try {
        r = await this.insert(q(chunk), chunkOrgs);
      } catch (e) {
        if ((e as { code?: string }).code !== '23505') throw e; // unique_violation: a key is stored already, or repeats in the command
        await this.client.query('ROLLBACK TO SAVEPOINT import_chunk');
        this.insertOnly = false;
      }
    }
    if (!r) r = await this.upsertOrFirstRows(chunk);
    await this.client.query('RELEASE SAVEPOINT import_chunk');
    const [ins, upd, keys, orgs, touched] = r;
    this.insertedPerFile[file]! += ins;
    this.updatedPerFile[file]! += upd;
    if (keys) for (const k of keys) this.updatedKeys.push(k);
    if (orgs) for (const o of orgs) this.updatedOrgs.add(o);
    if (touched) for (const o of touched) this.touchedOrgs.add(o);
  }

  /** The chunk's upsert; a key repeated in the chunk: its first row of each key only (the others are compared when the table finishes). */
  private async upsertOrFirstRows(chunk: string): Promise<ChunkResult> {
    try {
      return await this.upsert(q(chunk));
    } catch (e) {
      if ((e as { code?: string }).code !== '21000') throw e; // cardinality_violation: a key repeats in the chunk
      await this.client.query('ROLLBACK TO SAVEPOINT import_chunk');
      this.repeated = true;
      const key = this.spec.key.map(q).join(', ');
      return this.upsert(`(SELECT DISTINCT ON (${key}) * FROM ${q(chunk)} ORDER BY ${key}, seq)`);
    }
  }

  /** Apply what is still staged, then check the command's repeated keys; counts per file, conflicts, and what the commit derives. */
  async apply(): Promise<StagedApplied> {
    await this.cut();
    await this.endCopy();
    const out: StagedApplied = {
      files: this.rowsPerFile.map((n, i) => ({ inserted: this.insertedPerFile[i]!, updated: this.updatedPerFile[i]!, unchanged: n - this.insertedPerFile[i]! - this.updatedPerFile[i]! })),
      conflicts: [],
      updatedKeys: this.updatedKeys,
      updatedOrgs: [...this.updatedOrgs],
      touchedOrgs: [...this.touchedOrgs],
    };
    if (!this.rowsPerFile.some((n) => n > 0)) return out;
    // No ANALYZE of the stage: it is read whole by a sequential scan (and by hash joins when searched for conflicts).
    if (this.repeated || (this.updatedKeys.length > 0 && (await this.repeatsAmong(this.updatedKeys)))) {
      const conflicts = await this.conflicts();
      for (const c of conflicts) out.files[c.file]!.unchanged--;
      out.conflicts = conflicts;
    }
    return out;
  }

  /** Every later row of a key repeated in the command whose content differs from the key's first row (in input order). */
  private async conflicts(): Promise<DeferredConflict[]> {
    const key = this.spec.key.map(q).join(', ');
    const first = `import_first_${this.spec.table}`;
    await this.client.query(
      `CREATE TEMP TABLE ${q(first)} ON COMMIT DROP AS SELECT DISTINCT ON (${key}) ${key}, seq, file, line, ${this.spec.columns.map(q).join(', ')} FROM ${q(this.stage)} ORDER BY ${key}, seq`,
    );
    const content = (t: string) => `(${this.spec.columns.map((c) => `${t}.${q(c)}`).join(', ')})`;
    const res = await this.client.query({
      text: `SELECT s.file, s.line, s.seq, f.file, f.line, ${this.keyText('s')} FROM ${q(this.stage)} s JOIN ${q(first)} f USING (${key})
              WHERE s.seq <> f.seq AND ${content('s')} IS DISTINCT FROM ${content('f')} ORDER BY s.seq`,
      rowMode: 'array',
    } as pg.QueryConfig);
    await this.client.query(`DROP TABLE ${q(first)}`);
    return (res.rows as unknown as [number, number, string, number, number, string][]).map((r) => ({
      file: r[0], line: r[1], seq: Number(r[2]), earlierFile: r[3], earlierLine: r[4], key: r[5],
    }));
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
   * The chunk as new rows: a plain INSERT, a quarter cheaper than the upsert's speculative
   * insertion; fails with 23505 when a key is stored already (or repeats in the command). Every
   * row is inserted, so the counts and the touched orgs are known without RETURNING (which cost
   * the server ~30% more a chunk: the returned rows kept and aggregated): `orgs` are the chunk's
   * org ids noted while it was encoded, ascending as array_agg(DISTINCT) gave them.
   */
  private async insert(source: string, orgs: ReadonlySet<number>): Promise<ChunkResult> {
    const t = q(this.spec.table);
    const all = this.cols.map(q).join(', ');
    const res = await this.client.query(`INSERT INTO ${t} (${all}) SELECT ${all} FROM ${source} s`);
    return [res.rowCount ?? 0, 0, null, null, this.orgAt >= 0 ? [...orgs].sort((a, b) => a - b) : null];
  }

  /**
   * One INSERT … SELECT from `source` (keys unique in it, or PostgreSQL raises 21000), returning
   * inserted and updated counts, updated keys, updated rows' org ids and touched org ids.
   */
  private async upsert(source: string): Promise<ChunkResult> {
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
    const res = await this.client.query({
      text: `WITH up AS (
               INSERT INTO ${t} AS ${t} (${all}) SELECT ${all} FROM ${source} s
               ON CONFLICT (${keyCols}) DO UPDATE SET ${set} WHERE ${changed}
               RETURNING ${this.keyText(t)} AS k, (xmax = 0) AS ins, ${org} AS o)
             SELECT (SELECT count(*)::int FROM up WHERE ins), (SELECT count(*)::int FROM up WHERE NOT ins),
                    (SELECT array_agg(k) FROM up WHERE NOT ins), (SELECT array_agg(DISTINCT o) FROM up WHERE NOT ins), ${touched}`,
      rowMode: 'array',
    } as pg.QueryConfig);
    return (res.rows as unknown as ChunkResult[])[0]!;
  }
}
