/**
 * An import command on PostgreSQL (ImportSession of the port): a dedicated pooled connection with
 * one transaction for the whole command (all or nothing; nothing is visible until commit). Row
 * locks only: the daemon's delivery bookkeeping never waits for an import. Each batch is one
 * `INSERT … SELECT FROM unnest(…) ON CONFLICT DO UPDATE … WHERE changed RETURNING`; keys already
 * written in the same file are found through a TEMP table of the file's keys, and compared with
 * what the file wrote first (same content: unchanged; other content: a conflict naming its line).
 */
import type pg from 'pg';
import { getTableConfig, type PgTable } from 'drizzle-orm/pg-core';
import type { ImportSession } from '../port.js';
import type { OrgRef } from '../types/facts.js';
import type { ImportRecord, ImportRows, ImportTable, UpsertBatchResult, UpsertOutcome } from '../types/imports.js';
import { MEETING_UPSERT, meetingUpsertParams } from '../sqlite/meetings.js';
import { ORG_UPSERT, orgUpsertParams } from '../sqlite/orgs.js';
import type { UpsertSpec } from '../sqlite/imports.js';
import { StoreBusyError } from '../errors.js';
import * as schema from './schema.js';
import { loadOrgRefs } from './orgs.js';
import { upsertAssessment, upsertVeto } from './reports.js';

const TABLES: Record<string, PgTable> = { orgs: schema.orgs, meetings: schema.meetings };
const q = (c: string) => `"${c}"`;

/** SQL types of a table's columns, for unnest() array casts. */
function columnTypes(table: string): Map<string, string> {
  const cfg = getTableConfig(TABLES[table]!);
  return new Map(cfg.columns.map((c) => [c.name, c.getSQLType()]));
}

/** One keyed table's batch writer (statements built once per session). */
class KeyedBatch {
  readonly upsertSql: string;
  readonly readSql: string;
  private readonly types: Map<string, string>;
  constructor(readonly spec: UpsertSpec) {
    this.types = columnTypes(spec.table);
    const all = [...spec.key, ...spec.columns, ...(spec.stamp ? [spec.stamp] : [])];
    const t = q(spec.table);
    const casts = all.map((c, i) => `$${i + 1}::${this.types.get(c)}[]`);
    const set = [...spec.columns, ...(spec.stamp ? [spec.stamp] : [])].map((c) => `${q(c)} = excluded.${q(c)}`);
    const changed = `(${spec.columns.map((c) => `${t}.${q(c)}`).join(', ')}) IS DISTINCT FROM (${spec.columns.map((c) => `excluded.${q(c)}`).join(', ')})`;
    this.upsertSql = `INSERT INTO ${t} AS ${t} (${all.map(q).join(', ')}) SELECT * FROM unnest(${casts.join(', ')})
      ON CONFLICT (${spec.key.map(q).join(', ')}) DO UPDATE SET ${set.join(', ')} WHERE ${changed}
      RETURNING ${t}.${q(spec.key[0]!)}::text AS k, (xmax = 0) AS ins`;
    if (spec.key.length !== 1) throw new Error(`${spec.table}: a keyed import needs a one-column key`);
    this.readSql = `SELECT ${q(spec.key[0]!)}::text AS k, ${spec.columns.map(q).join(', ')} FROM ${t} WHERE ${q(spec.key[0]!)}::text = ANY($1::text[])`;
  }
  keyOf(params: readonly unknown[]): string {
    return this.spec.key.map((_, i) => String(params[i])).join('\u0001');
  }
  colType(c: string): string {
    return this.types.get(c)!;
  }
}

/** Normalise a value for comparison with what PostgreSQL returns (numbers as numbers, booleans as 0/1). */
const norm = (v: unknown) => (v === undefined ? null : typeof v === 'boolean' ? (v ? 1 : 0) : v);

export async function beginPgImport(pool: pg.Pool, where: string): Promise<ImportSession> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    // An import waits at most this long for a row another writer holds, then gives up cleanly.
    await client.query("SET LOCAL lock_timeout = '30s'");
    await client.query('CREATE TEMP TABLE IF NOT EXISTS import_keys (t text, k text, line int, PRIMARY KEY (t, k)) ON COMMIT DROP');
  } catch (e) {
    client.release(true);
    throw e;
  }
  let open = true;
  const batches: { orgs?: KeyedBatch; meetings?: KeyedBatch } = {};
  const batchOf = (table: 'orgs' | 'meetings') => (batches[table] ??= new KeyedBatch(table === 'orgs' ? ORG_UPSERT : MEETING_UPSERT));
  const end = async (sql: string) => {
    if (!open) return;
    open = false;
    let broken = false;
    try {
      await client.query(sql);
    } catch (e) {
      broken = true;
      if ((e as { code?: string }).code === '55P03') throw new StoreBusyError(where, e);
      throw e;
    } finally {
      client.release(broken);
    }
  };
  const guard = async <T>(fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (e) {
      if ((e as { code?: string }).code === '55P03') throw new StoreBusyError(where, e);
      throw e;
    }
  };

  async function keyedUpsert(b: KeyedBatch, table: string, params: unknown[][], lines: readonly number[]): Promise<UpsertBatchResult> {
    const n = params.length;
    const outcomes: UpsertOutcome[] = new Array(n);
    const conflictLines: (number | undefined)[] = new Array(n);
    const keys = params.map((p) => b.keyOf(p));
    // Which keys this file wrote before (earlier batches), and the first row of each key in this batch.
    const firstInBatch = new Map<string, number>();
    for (let i = 0; i < n; i++) if (!firstInBatch.has(keys[i]!)) firstInBatch.set(keys[i]!, i);
    const uniq = [...firstInBatch.keys()];
    const fresh = new Set(
      (
        await client.query<{ k: string }>(
          'INSERT INTO import_keys (t, k, line) SELECT $1, k, line FROM unnest($2::text[], $3::int[]) AS x(k, line) ON CONFLICT DO NOTHING RETURNING k',
          [table, uniq, uniq.map((k) => lines[firstInBatch.get(k)!] ?? 0)],
        )
      ).rows.map((r) => r.k),
    );
    const earlierLine = new Map<string, number>();
    const seenBefore = uniq.filter((k) => !fresh.has(k));
    if (seenBefore.length) {
      for (const r of (await client.query<{ k: string; line: number }>('SELECT k, line FROM import_keys WHERE t = $1 AND k = ANY($2::text[])', [table, seenBefore])).rows) {
        earlierLine.set(r.k, r.line);
      }
    }
    // First rows of keys new to this file: one upsert statement.
    const write = uniq.filter((k) => fresh.has(k)).map((k) => firstInBatch.get(k)!);
    if (write.length) {
      const cols = [...b.spec.key, ...b.spec.columns, ...(b.spec.stamp ? [b.spec.stamp] : [])];
      const arrays = cols.map((_, c) => write.map((i) => norm(params[i]![c])));
      const res = await client.query<{ k: string; ins: boolean }>(b.upsertSql, arrays);
      const changed = new Map(res.rows.map((r) => [r.k, r.ins]));
      for (const i of write) {
        const ins = changed.get(keys[i]!);
        outcomes[i] = ins === undefined ? 'unchanged' : ins ? 'inserted' : 'updated';
      }
    }
    // Every other row repeats a key this file wrote: same content as stored now → unchanged, else a conflict.
    const repeats: number[] = [];
    for (let i = 0; i < n; i++) if (outcomes[i] === undefined) repeats.push(i);
    if (repeats.length) {
      const stored = new Map<string, unknown[]>();
      const res = await client.query({ text: b.readSql, values: [[...new Set(repeats.map((i) => keys[i]!))]], rowMode: 'array' } as pg.QueryConfig);
      for (const r of res.rows as unknown as unknown[][]) stored.set(r[0] as string, r.slice(1));
      const at = b.spec.key.length;
      for (const i of repeats) {
        const s = stored.get(keys[i]!);
        const same = !!s && b.spec.columns.every((_, c) => norm(s[c]) === norm(params[i]![at + c]));
        if (same) outcomes[i] = 'unchanged';
        else {
          outcomes[i] = 'conflict';
          const first = firstInBatch.get(keys[i]!)!;
          conflictLines[i] = first !== i && fresh.has(keys[i]!) ? lines[first] : earlierLine.get(keys[i]!) ?? (first !== i ? lines[first] : undefined);
        }
      }
    }
    return { outcomes, conflictLines };
  }

  return {
    orgRefs: () => guard(async (): Promise<Map<string, OrgRef>> => loadOrgRefs(client)),
    beginFile: (table: ImportTable) =>
      guard(async () => {
        await client.query('DELETE FROM import_keys WHERE t = $1', [table]);
      }),
    upsert: <T extends ImportTable>(table: T, rows: readonly ImportRows[T][], lines: readonly number[], now: number) =>
      guard(async (): Promise<UpsertBatchResult> => {
        if (table === 'orgs') return keyedUpsert(batchOf('orgs'), 'orgs', (rows as readonly ImportRows['orgs'][]).map((o) => orgUpsertParams(o, now)), lines);
        if (table === 'meetings') {
          return keyedUpsert(batchOf('meetings'), 'meetings', (rows as readonly ImportRows['meetings'][]).map((m) => [...meetingUpsertParams([], m.meeting, m.orgId)]), lines);
        }
        const outcomes: UpsertOutcome[] = [];
        for (const r of rows) {
          outcomes.push(table === 'assessments' ? await upsertAssessment(client, r as ImportRows['assessments'], now) : await upsertVeto(client, r as ImportRows['vetoes'], now));
        }
        return { outcomes, conflictLines: new Array(rows.length).fill(undefined) };
      }),
    record: (rec: ImportRecord) =>
      guard(async () => {
        await client.query(
          'INSERT INTO imports (file, sha256, "table", rows, inserted, updated, unchanged, imported_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
          [rec.file, rec.sha256, rec.table, rec.rows, rec.inserted, rec.updated, rec.unchanged, rec.importedAt],
        );
      }),
    commit: () => end('COMMIT'),
    rollback: () => end('ROLLBACK'),
  };
}
