/**
 * An import command on PostgreSQL (ImportSession of the port): a dedicated pooled connection with
 * one transaction for the whole command (all or nothing; nothing is visible until commit). Row
 * locks only: the daemon's delivery bookkeeping never waits for an import. The big tables (meetings,
 * members) are staged with COPY and applied with one upsert when the table finishes
 * (staged-import.ts: outcomes 'deferred', counted and checked there). Each batch of another keyed
 * table is one `INSERT … SELECT FROM unnest(…) ON CONFLICT DO UPDATE … WHERE changed RETURNING`;
 * keys already written in the command (by an earlier batch or file) are found through a TEMP
 * table of the command's keys, and compared with what is stored now (same content: unchanged;
 * other content: a conflict naming the first row's file and line). Sign-ins go through the shared
 * AttendanceMerger; commit first refreshes what the writes derive (sign-in copies of changed
 * meetings, members' participation months).
 */
import type pg from 'pg';
import { getTableConfig, type PgTable } from 'drizzle-orm/pg-core';
import type { ImportSession } from '../port.js';
import type { OrgRef } from '../types/facts.js';
import type {
  ImportRecord,
  ImportRows,
  ImportTable,
  MeetingRef,
  MemberRef,
  SelfAssessmentState,
  UpsertBatchResult,
  UpsertOutcome,
  UpsertSpec,
  DeferredOutcomes,
} from '../types/imports.js';
import {
  MEETING_UPSERT,
  meetingUpsertParams,
  MEMBER_UPSERT,
  memberUpsertParams,
  ORG_UPSERT,
  orgUpsertParams,
  RATING_UPSERT,
  ratingUpsertParams,
  STAR_CHANGE_UPSERT,
  starChangeUpsertParams,
} from '../rows/upserts.js';
import { unpackAttendance, type PackedAttendance } from '../rows/attendance-codec.js';
import { AttendanceMerger, participationUpdates, type SavedAttendance } from '../rows/attendance-merge.js';
import { TouchedOrgs } from '../rows/touched.js';
import { requestReevaluation } from './live.js';
import { StoreBusyError } from '../errors.js';
import { STAGE_PREFIX, StagedKeyedTable } from './staged-import.js';
import * as schema from './schema.js';
import { loadOrgRefs } from './orgs.js';
import { arrays, guardClient } from './q.js';
import { upsertAssessments, upsertVetoes } from './reports.js';

type KeyedTable = 'orgs' | 'members' | 'meetings' | 'ratings' | 'star_changes';
const SPECS: Record<KeyedTable, UpsertSpec> = {
  orgs: ORG_UPSERT,
  members: MEMBER_UPSERT,
  meetings: MEETING_UPSERT,
  ratings: RATING_UPSERT,
  star_changes: STAR_CHANGE_UPSERT,
};
const TABLES: Record<KeyedTable, PgTable> = {
  orgs: schema.orgs,
  members: schema.members,
  meetings: schema.meetings,
  ratings: schema.ratings,
  star_changes: schema.starChanges,
};
const isKeyed = (t: ImportTable): t is KeyedTable => t in SPECS;
/** Tables staged with COPY (millions of rows); the small ones keep the per-batch upsert. */
const STAGED: ReadonlySet<ImportTable> = new Set<ImportTable>(['meetings', 'members']);
const q = (c: string) => `"${c}"`;
/** Separates the parts of a composite key in its text form (JS and SQL agree on it). */
const SEP = '\u0001';

/** One keyed table's batch writer (statements built once per session). */
class KeyedBatch {
  readonly upsertSql: string;
  readonly readSql: string;
  readonly keyTypes: string[];
  /** Whether the upsert also returns `old_org` (the org_id before an update). */
  readonly hasOrg: boolean;
  constructor(readonly spec: UpsertSpec, pgTable: PgTable) {
    const types = new Map(getTableConfig(pgTable).columns.map((c) => [c.name, c.getSQLType()]));
    const all = [...spec.key, ...spec.columns, ...(spec.stamp ? [spec.stamp] : [])];
    const t = q(spec.table);
    const casts = all.map((c, i) => `$${i + 1}::${types.get(c)}[]`);
    const set = [...spec.columns, ...(spec.stamp ? [spec.stamp] : [])].map((c) => `${q(c)} = excluded.${q(c)}`);
    const changed = `(${spec.columns.map((c) => `${t}.${q(c)}`).join(', ')}) IS DISTINCT FROM (${spec.columns.map((c) => `excluded.${q(c)}`).join(', ')})`;
    const keyText = (alias: string) =>
      spec.key.length === 1 ? `${alias}.${q(spec.key[0]!)}::text` : `concat_ws(chr(1), ${spec.key.map((c) => `${alias}.${q(c)}::text`).join(', ')})`;
    const upsert = `INSERT INTO ${t} AS ${t} (${all.map(q).join(', ')}) SELECT * FROM unnest(${casts.join(', ')})
      ON CONFLICT (${spec.key.map(q).join(', ')}) DO UPDATE SET ${set.join(', ')} WHERE ${changed}
      RETURNING ${keyText(t)} AS k, (xmax = 0) AS ins`;
    // Rows with a branch (meetings, members): the statement's snapshot also gives each updated
    // row's previous org_id, so a moved row touches the branch it left (ImportSession.touchedOrgs).
    this.hasOrg = spec.key.length === 1 && spec.columns.includes('org_id');
    this.upsertSql = this.hasOrg
      ? `WITH old AS (SELECT ${keyText('o')} AS k, o.org_id FROM ${t} o WHERE o.${q(spec.key[0]!)} = ANY($1::${types.get(spec.key[0]!)}[])),
          up AS (${upsert})
        SELECT up.k, up.ins, old.org_id AS old_org FROM up LEFT JOIN old USING (k)`
      : upsert;
    this.keyTypes = spec.key.map((c) => types.get(c)!);
    const keyArgs = spec.key.map((c, i) => `$${i + 1}::${types.get(c)}[]`);
    this.readSql = `SELECT ${keyText('t')} AS k, ${spec.columns.map((c) => `t.${q(c)}`).join(', ')}
      FROM ${t} t JOIN unnest(${keyArgs.join(', ')}) AS x(${spec.key.map(q).join(', ')}) USING (${spec.key.map(q).join(', ')})`;
  }
  keyOf(params: readonly unknown[]): string {
    return this.spec.key.length === 1 ? String(params[0]) : this.spec.key.map((_, i) => String(params[i])).join(SEP);
  }
}

/** Normalise a value for comparison with what PostgreSQL returns (numbers as numbers, booleans as 0/1). */
const norm = (v: unknown) => (v === undefined ? null : typeof v === 'boolean' ? (v ? 1 : 0) : v);

/** Orgs per participation-refresh statement. */
const REFRESH_BATCH = 500;

export async function beginPgImport(pool: pg.Pool, where: string): Promise<ImportSession> {
  const client = await pool.connect();
  const unheard = guardClient(client);
  try {
    // The staged chunks are TEMP tables (staged-import.ts): room for a chunk or two in memory instead
    // of the default 8 MB of temporary buffers (allocated only as used). Settable only before the
    // connection's first temporary table: a pooled connection that had one keeps what it has.
    await client.query("SET temp_buffers = '256MB'").catch(() => undefined);
    await client.query('BEGIN');
    // An import waits at most this long for a row another writer holds, then gives up cleanly.
    await client.query("SET LOCAL lock_timeout = '30s'");
    // The commit waits for its WAL to reach the disk (synchronous_commit stays on): `orglife import`
    // reports a file as stored only once a crash can no longer lose it. Off would save one flush per
    // command, nothing measurable for a transaction of millions of rows.
    await client.query('CREATE TEMP TABLE IF NOT EXISTS import_keys (t text, k text, line int, file int, PRIMARY KEY (t, k)) ON COMMIT DROP');
  } catch (e) {
    unheard();
    client.release(true);
    throw e;
  }
  let open = true;
  const batches = new Map<KeyedTable, KeyedBatch>();
  const batchOf = (table: KeyedTable) => {
    let b = batches.get(table);
    if (!b) batches.set(table, (b = new KeyedBatch(SPECS[table], TABLES[table])));
    return b;
  };
  /** Sources of the command's files, by index (import_keys.file). */
  const sources: string[] = [];
  const fileOf = new Map<ImportTable, number>();
  const updatedMeetings: string[] = [];
  const touchedOrgs = new Set<number>();
  /** Orgs whose rule inputs the command changed (ImportSession.touchedOrgs); codes once committed. */
  const touched = new TouchedOrgs();
  let touchedCodes: string[] | null = null;
  /** The `now` of the last batch (the re-evaluation request's time). */
  let lastNow = 0;
  const codesOfTouched = async (): Promise<string[]> => {
    const ids = [...new Set([...touched.ids, ...merger.touched])];
    const codes = ids.length ? (await arrays<[string]>(client, 'SELECT code FROM orgs WHERE id = ANY($1::int[])', [ids])).map((r) => r[0]) : [];
    return touched.result(codes);
  };

  /** Staged tables of the command, by table (created at their first file), and every one created (dropped when the command ends). */
  const staged = new Map<ImportTable, StagedKeyedTable>();
  const stages: StagedKeyedTable[] = [];
  /**
   * The staging connection (autocommit): copies the next chunk into the stage while this
   * connection applies the previous one. Taken with the first staged table; without a free
   * connection in the pool the stage is TEMP tables of this one.
   */
  let staging: { client: pg.PoolClient; pid: number; unheard: () => void } | undefined;
  const stagingConnection = async () => {
    if (staging || (pool.totalCount >= (pool.options.max ?? 10) && pool.idleCount === 0)) return staging;
    const c = await pool.connect();
    const off = guardClient(c);
    try {
      const pid = (await arrays<[number]>(c, 'SELECT pg_backend_pid()'))[0]![0];
      // Stages of imports killed before they could drop them (their staging backend is gone); best effort.
      await (async () => {
        const left = await arrays<[string]>(
          c,
          `SELECT c.relname FROM pg_class c WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r' AND c.relpersistence = 'u'
              AND c.relname LIKE '${STAGE_PREFIX.replace(/_/g, '\\_')}%' AND NOT EXISTS (SELECT 1 FROM pg_inherits i WHERE i.inhrelid = c.oid)
              AND NOT EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.pid::text = split_part(c.relname, '_', 3))`,
        );
        for (const [t] of left) await c.query(`DROP TABLE IF EXISTS "${t.replace(/"/g, '""')}" CASCADE`);
      })().catch(() => undefined);
      staging = { client: c, pid, unheard: off };
    } catch (e) {
      off();
      c.release(true);
      throw e;
    }
    return staging;
  };
  const dropStages = async () => {
    if (!staging) return;
    const s = staging;
    staging = undefined;
    let broken = false;
    for (const st of stages) await st.drop().catch(() => (broken = true));
    s.unheard();
    s.client.release(broken);
  };
  /** End any COPY in progress: the connection runs one statement at a time. */
  const quiet = async () => {
    for (const st of staged.values()) if (st.copying) await st.endCopy();
  };

  /** Rows inserted or updated per imported table (for the statistics refresh after the commit). */
  const changed = new Map<string, number>();
  const end = async (sql: string) => {
    if (!open) return;
    open = false;
    let broken = false;
    try {
      if (sql === 'ROLLBACK') await quiet().catch(() => undefined);
      else await quiet();
      await client.query(sql);
    } catch (e) {
      broken = true;
      if ((e as { code?: string }).code === '55P03') throw new StoreBusyError(where, e);
      throw e;
    } finally {
      unheard();
      client.release(broken);
      // After the transaction ended: it held locks on the stage's chunks.
      await dropStages();
    }
  };
  const guard = async <T>(fn: () => Promise<T>, copying = false): Promise<T> => {
    try {
      if (!copying) await quiet();
      return await fn();
    } catch (e) {
      if ((e as { code?: string }).code === '55P03') throw new StoreBusyError(where, e);
      throw e;
    }
  };

  const merger = new AttendanceMerger({
    async load(meetingRows) {
      const out = new Map<number, PackedAttendance>();
      const res = await arrays<[number, string, string | null]>(client, 'SELECT meeting_id, entries, signed FROM attendance WHERE meeting_id = ANY($1::int[])', [meetingRows]);
      for (const [m, entries, signed] of res) out.set(m, unpackAttendance(entries, signed));
      return out;
    },
    async save(rows: readonly SavedAttendance[]) {
      const col = <K extends keyof SavedAttendance>(k: K) => rows.map((r) => r[k]);
      await client.query(
        `INSERT INTO attendance (meeting_id, org_id, held_at, present, excused, absent, entries, signed)
         SELECT * FROM unnest($1::int[], $2::int[], $3::int8[], $4::int[], $5::int[], $6::int[], $7::text[], $8::text[])
         ON CONFLICT (meeting_id) DO UPDATE SET org_id = excluded.org_id, held_at = excluded.held_at, present = excluded.present,
           excused = excluded.excused, absent = excluded.absent, entries = excluded.entries, signed = excluded.signed`,
        [col('meetingRow'), col('orgId'), col('heldAt'), col('present'), col('excused'), col('absent'), col('entries'), col('signed')],
      );
    },
  });

  async function keyedUpsert(table: KeyedTable, params: unknown[][], lines: readonly number[]): Promise<UpsertBatchResult> {
    const b = batchOf(table);
    const n = params.length;
    const outcomes: UpsertOutcome[] = new Array(n);
    const conflictLines: (number | undefined)[] = new Array(n).fill(undefined);
    const conflictSources: (string | undefined)[] = new Array(n).fill(undefined);
    if (!n) return { outcomes, conflictLines, conflictSources };
    const file = fileOf.get(table) ?? -1;
    const keys = params.map((p) => b.keyOf(p));
    // Which keys the command wrote before (earlier batches or files), and the first row of each key in this batch.
    const firstInBatch = new Map<string, number>();
    for (let i = 0; i < n; i++) if (!firstInBatch.has(keys[i]!)) firstInBatch.set(keys[i]!, i);
    const uniq = [...firstInBatch.keys()];
    const fresh = new Set(
      (
        await client.query<{ k: string }>(
          'INSERT INTO import_keys (t, k, line, file) SELECT $1, k, line, $4 FROM unnest($2::text[], $3::int[]) AS x(k, line) ON CONFLICT DO NOTHING RETURNING k',
          [table, uniq, uniq.map((k) => lines[firstInBatch.get(k)!] ?? 0), file],
        )
      ).rows.map((r) => r.k),
    );
    const earlier = new Map<string, { line: number; file: number }>();
    const seenBefore = uniq.filter((k) => !fresh.has(k));
    if (seenBefore.length) {
      for (const r of (await client.query<{ k: string; line: number; file: number }>('SELECT k, line, file FROM import_keys WHERE t = $1 AND k = ANY($2::text[])', [table, seenBefore])).rows) {
        earlier.set(r.k, { line: r.line, file: r.file });
      }
    }
    // First rows of keys new to the command: one upsert statement.
    const write = uniq.filter((k) => fresh.has(k)).map((k) => firstInBatch.get(k)!);
    if (write.length) {
      const cols = [...b.spec.key, ...b.spec.columns, ...(b.spec.stamp ? [b.spec.stamp] : [])];
      const arrays = cols.map((_, c) => write.map((i) => norm(params[i]![c])));
      const res = await client.query<{ k: string; ins: boolean; old_org?: number | null }>(b.upsertSql, arrays);
      const changed = new Map(res.rows.map((r) => [r.k, r.ins]));
      for (const r of res.rows) if (r.old_org !== undefined && r.old_org !== null && !r.ins) touched.ids.add(r.old_org);
      for (const i of write) {
        const ins = changed.get(keys[i]!);
        outcomes[i] = ins === undefined ? 'unchanged' : ins ? 'inserted' : 'updated';
      }
    }
    // Every other row repeats a key the command wrote: same content as stored now → unchanged, else a conflict.
    const repeats: number[] = [];
    for (let i = 0; i < n; i++) if (outcomes[i] === undefined) repeats.push(i);
    if (repeats.length) {
      const stored = new Map<string, unknown[]>();
      const firstOfKey = new Map<string, number>();
      for (const i of repeats) if (!firstOfKey.has(keys[i]!)) firstOfKey.set(keys[i]!, i);
      const keyArrays = b.spec.key.map((_, c) => [...firstOfKey.values()].map((i) => params[i]![c]));
      const res = await client.query({ text: b.readSql, values: keyArrays, rowMode: 'array' } as pg.QueryConfig);
      for (const r of res.rows as unknown as unknown[][]) stored.set(r[0] as string, r.slice(1));
      const at = b.spec.key.length;
      for (const i of repeats) {
        const s = stored.get(keys[i]!);
        const same = !!s && b.spec.columns.every((_, c) => norm(s[c]) === norm(params[i]![at + c]));
        if (same) outcomes[i] = 'unchanged';
        else {
          outcomes[i] = 'conflict';
          const first = firstInBatch.get(keys[i]!)!;
          const before = earlier.get(keys[i]!);
          if (fresh.has(keys[i]!) && first !== i) {
            conflictLines[i] = lines[first];
            conflictSources[i] = sources[file];
          } else if (before) {
            conflictLines[i] = before.line;
            conflictSources[i] = sources[before.file];
          }
        }
      }
    }
    return { outcomes, conflictLines, conflictSources };
  }

  const paramsOf = (table: KeyedTable, rows: readonly unknown[], now: number): unknown[][] => {
    switch (table) {
      case 'orgs':
        return (rows as ImportRows['orgs'][]).map((o) => orgUpsertParams(o, now));
      case 'meetings':
        return (rows as ImportRows['meetings'][]).map((m) => [...meetingUpsertParams([], m.meeting, m.orgId)]);
      case 'members':
        return (rows as ImportRows['members'][]).map((m) => [...memberUpsertParams([], m.member, m.orgId)]);
      case 'ratings':
        return (rows as ImportRows['ratings'][]).map((r) => ratingUpsertParams(r, now));
      case 'star_changes':
        return (rows as ImportRows['star_changes'][]).map((c) => starChangeUpsertParams(c, now));
    }
  };

  async function writeSelfAssessments(rows: readonly ImportRows['self_assessments'][], now: number): Promise<UpsertOutcome[]> {
    if (!rows.length) return [];
    const old = await arrays<[number, string, number | null, string | null]>(
      client,
      `SELECT e.year, e.org, e.self_stars, e.estimates FROM rating_entries e JOIN unnest($1::int[], $2::text[]) AS x(year, org) USING (year, org)`,
      [rows.map((r) => r.year), rows.map((r) => r.org)],
    );
    const byKey = new Map(old.map(([y, o, stars, est]) => [`${y}${SEP}${o}`, { stars, estimates: est ? (JSON.parse(est) as Record<string, number | null>) : {} }]));
    const outcomes: UpsertOutcome[] = [];
    const estimates: string[] = [];
    for (const r of rows) {
      const e = byKey.get(`${r.year}${SEP}${r.org}`);
      outcomes.push(e && e.stars !== null ? 'updated' : 'inserted');
      const est = e?.estimates ?? {};
      est.self_assessment = est.self_assessment ?? null;
      estimates.push(JSON.stringify(est));
    }
    await client.query(
      `INSERT INTO rating_entries (year, org, self_stars, self_scores, self_by, self_at, estimates)
       SELECT * FROM unnest($1::int[], $2::text[], $3::int[], $4::text[], $5::text[], $6::int8[], $7::text[])
       ON CONFLICT (year, org) DO UPDATE SET self_stars = excluded.self_stars, self_scores = excluded.self_scores,
         self_by = excluded.self_by, self_at = excluded.self_at, estimates = excluded.estimates`,
      [
        rows.map((r) => r.year),
        rows.map((r) => r.org),
        rows.map((r) => r.stars),
        rows.map((r) => (r.scores ? JSON.stringify(r.scores) : null)),
        rows.map((r) => r.actor),
        rows.map(() => now),
        estimates,
      ],
    );
    await client.query(
      `INSERT INTO rating_transitions (year, from_state, to_state, actor, at, reason)
       SELECT year, 'self_assessment', 'self_assessment:' || org, actor, $5, reason FROM unnest($1::int[], $2::text[], $3::text[], $4::text[]) AS x(year, org, actor, reason)`,
      [rows.map((r) => r.year), rows.map((r) => r.org), rows.map((r) => r.actor), rows.map((r) => r.reason), now],
    );
    return outcomes;
  }

  /** Write what finishTable would for `table`: the sign-in merge, and a staged table's apply. */
  async function finishOne(table: ImportTable): Promise<DeferredOutcomes | undefined> {
    if (table === 'attendance') await merger.finish();
    const st = staged.get(table);
    if (!st) return undefined;
    staged.delete(table);
    const r = await st.apply();
    for (const o of r.touchedOrgs) touched.ids.add(o);
    if (table === 'meetings') updatedMeetings.push(...r.updatedKeys);
    else if (table === 'members') for (const o of r.updatedOrgs) touchedOrgs.add(o);
    return { files: r.files, conflicts: r.conflicts };
  }

  /**
   * A commit without finishTable for a staged table would drop its rows, which SQLite's sessions
   * (writing as they go) never do: write them now. Their per-row outcomes are gone by then, so a
   * conflict among them fails the commit (rolled back) instead of being reported row by row.
   */
  async function finishLeftOpen(): Promise<void> {
    for (const table of [...staged.keys(), 'attendance' as const]) {
      const r = await finishOne(table);
      if (r?.conflicts.length) throw new Error(`导入冲突：${table} 有 ${r.conflicts.length} 行与同一次导入的其他行键值相同但内容不同 / ${r.conflicts.length} conflicting rows in ${table} found at commit`);
    }
  }

  /** Sign-in copies of changed meetings, then the participation months of every touched branch. */
  async function derive(): Promise<void> {
    await merger.finish();
    for (const o of merger.touched) touchedOrgs.add(o);
    if (updatedMeetings.length) {
      const res = await arrays<[number]>(
        client,
        `WITH m AS (SELECT id, org_id, held_at FROM meetings WHERE record_id = ANY($1::text[])),
              before AS (SELECT a.org_id FROM attendance a JOIN m ON m.id = a.meeting_id),
              up AS (UPDATE attendance a SET org_id = m.org_id, held_at = m.held_at FROM m WHERE m.id = a.meeting_id RETURNING a.org_id)
         SELECT org_id FROM before UNION SELECT org_id FROM up`,
        [updatedMeetings],
      );
      for (const [o] of res) touchedOrgs.add(o);
    }
    const ids = [...touchedOrgs].sort((a, b) => a - b);
    for (let i = 0; i < ids.length; i += REFRESH_BATCH) {
      const batch = ids.slice(i, i + REFRESH_BATCH);
      const meetings = await arrays<[number, string]>(client, 'SELECT held_at, entries FROM attendance WHERE org_id = ANY($1::int[])', [batch]);
      const roster = await arrays<[number, string | null]>(client, 'SELECT id, months FROM members WHERE org_id = ANY($1::int[])', [batch]);
      const updates = participationUpdates(meetings, roster);
      if (updates.length) {
        await client.query('UPDATE members m SET months = x.months FROM unnest($1::int[], $2::text[]) AS x(id, months) WHERE m.id = x.id', [
          updates.map((u) => u[0]),
          updates.map((u) => u[1]),
        ]);
      }
    }
  }

  return {
    orgRefs: () => guard(async (): Promise<Map<string, OrgRef>> => loadOrgRefs(client)),
    meetingRefs: (recordIds) =>
      guard(async (): Promise<Map<string, MeetingRef>> => {
        const out = new Map<string, MeetingRef>();
        if (!recordIds.length) return out;
        const res = await arrays<[string, number, number, number]>(client, 'SELECT record_id, id, org_id, held_at FROM meetings WHERE record_id = ANY($1::text[])', [[...new Set(recordIds)]]);
        for (const [k, row, orgId, heldAt] of res) out.set(k, { row, orgId, heldAt });
        return out;
      }),
    memberRefs: (memberIds) =>
      guard(async (): Promise<Map<string, MemberRef>> => {
        const out = new Map<string, MemberRef>();
        if (!memberIds.length) return out;
        const res = await arrays<[string, number, number]>(client, 'SELECT member_id, id, org_id FROM members WHERE member_id = ANY($1::text[])', [[...new Set(memberIds)]]);
        for (const [k, row, orgId] of res) out.set(k, { row, orgId });
        return out;
      }),
    campaignStates: () => guard(async () => new Map(await arrays<[number, string]>(client, 'SELECT year, state FROM rating_campaigns'))),
    selfAssessments: (keys) =>
      guard(async (): Promise<(SelfAssessmentState | undefined)[]> => {
        if (!keys.length) return [];
        const res = await arrays<[number, string, number | null, string | null]>(
          client,
          'SELECT e.year, e.org, e.self_stars, e.self_scores FROM rating_entries e JOIN unnest($1::int[], $2::text[]) AS x(year, org) USING (year, org)',
          [keys.map((k) => k.year), keys.map((k) => k.org)],
        );
        const by = new Map(res.map(([y, o, stars, scores]) => [`${y}${SEP}${o}`, { stars, scores: scores ? (JSON.parse(scores) as Record<string, number>) : null }]));
        return keys.map((k) => by.get(`${k.year}${SEP}${k.org}`));
      }),
    beginFile: (table: ImportTable, source = '') =>
      guard(async () => {
        fileOf.set(table, sources.length);
        sources.push(source);
        if (table === 'attendance') await merger.beginFile(source);
        if (STAGED.has(table) && isKeyed(table)) {
          let st = staged.get(table);
          if (!st) {
            const aux = await stagingConnection();
            staged.set(table, (st = new StagedKeyedTable(client, SPECS[table], aux && { client: aux.client, pid: aux.pid })));
            stages.push(st);
          }
          await st.beginFile();
        }
      }),
    upsert: <T extends ImportTable>(table: T, rows: readonly ImportRows[T][], lines: readonly number[], now: number, seqs?: readonly number[]) => {
      lastNow = now;
      const st = staged.get(table);
      if (st && isKeyed(table)) {
        return guard(async (): Promise<UpsertBatchResult> => {
          const out: unknown[] = [];
          const params =
            table === 'meetings'
              ? (i: number) => meetingUpsertParams(out, (rows[i] as ImportRows['meetings']).meeting, (rows[i] as ImportRows['meetings']).orgId)
              : (i: number) => memberUpsertParams(out, (rows[i] as ImportRows['members']).member, (rows[i] as ImportRows['members']).orgId);
          await st.add(rows.length, params, lines, seqs ?? lines);
          const none = new Array<undefined>(rows.length).fill(undefined);
          return { outcomes: new Array<UpsertOutcome>(rows.length).fill('deferred'), conflictLines: none, conflictSources: [...none] };
        }, true);
      }
      return guard(async (): Promise<UpsertBatchResult> => {
        const none = () => new Array<undefined>(rows.length).fill(undefined);
        if (table === 'attendance') return merger.upsert(rows as readonly ImportRows['attendance'][], lines);
        if (isKeyed(table)) {
          const r = await keyedUpsert(table, paramsOf(table, rows, now), lines);
          touched.note(table, rows, r.outcomes);
          for (let i = 0; i < rows.length; i++) {
            if (r.outcomes[i] !== 'updated') continue;
            if (table === 'meetings') updatedMeetings.push((rows[i] as ImportRows['meetings']).meeting.id);
            else if (table === 'members') touchedOrgs.add((rows[i] as ImportRows['members']).orgId);
          }
          return r;
        }
        if (table === 'self_assessments') {
          const outcomes = await writeSelfAssessments(rows as readonly ImportRows['self_assessments'][], now);
          touched.note(table, rows, outcomes);
          return { outcomes, conflictLines: none(), conflictSources: none() };
        }
        // One statement a batch (outcomes in input order), not a round trip a row.
        const outcomes: UpsertOutcome[] =
          table === 'assessments' ? await upsertAssessments(client, rows as readonly ImportRows['assessments'][], now) : await upsertVetoes(client, rows as readonly ImportRows['vetoes'][], now);
        touched.note(table, rows, outcomes);
        return { outcomes, conflictLines: none(), conflictSources: none() };
      });
    },
    finishTable: (table: ImportTable) => guard(() => finishOne(table)),
    record: (rec: ImportRecord) =>
      guard(async () => {
        changed.set(rec.table, (changed.get(rec.table) ?? 0) + rec.inserted + rec.updated);
        await client.query(
          'INSERT INTO imports (file, sha256, "table", rows, inserted, updated, unchanged, imported_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
          [rec.file, rec.sha256, rec.table, rec.rows, rec.inserted, rec.updated, rec.unchanged, rec.importedAt],
        );
      }),
    commit: async () => {
      if (!open) return;
      try {
        await guard(finishLeftOpen);
        await guard(derive);
        touchedCodes = await guard(codesOfTouched);
        // The durable re-evaluation request, committed with the data (a running daemon claims it).
        const codes = touchedCodes;
        await guard(() => requestReevaluation(client, codes, lastNow));
      } catch (e) {
        await end('ROLLBACK').catch(() => undefined);
        throw e;
      }
      await end('COMMIT');
      await analyzeChanged(pool, changed);
    },
    touchedOrgs: async () => touchedCodes ?? (open ? guard(codesOfTouched) : []),
    rollback: () => end('ROLLBACK'),
  };
}

/** Imported tables whose statistics matter to the reads (their table of the same name), and how many changed rows call for a refresh. */
const ANALYZED: ReadonlySet<string> = new Set(['meetings', 'members', 'orgs', 'attendance']);
/** Those of them read by index-only scans (the check's covering index, the first sign-in): vacuumed too. */
const VACUUMED: ReadonlySet<string> = new Set(['meetings', 'attendance']);
const ANALYZE_AFTER_ROWS = 10_000;

/**
 * After a large import, ANALYZE the tables it changed: the reads plan from the statistics, and a
 * server with autovacuum off (or not yet come round) would plan a city's queries as if the table
 * were empty. Those read by index-only scans are vacuumed as well (VACUUM (ANALYZE)): the vacuum
 * sets the visibility map, without which every row of an index-only scan is fetched from the heap
 * too (the check's window tallies: 0.17 s → 0.03 s a chunk of 500 branches at 20,000; the vacuum
 * of a fresh 2.4-million-row meetings table takes ~1 s). Best effort, after the commit (the data
 * is stored either way), on a pool connection of its own that waits at most 2 s for a lock on the table.
 */
async function analyzeChanged(pool: pg.Pool, changed: ReadonlyMap<string, number>): Promise<void> {
  const tables = [...changed].filter(([t, n]) => ANALYZED.has(t) && n >= ANALYZE_AFTER_ROWS).map(([t]) => t);
  if (!tables.length) return;
  const client = await pool.connect().catch(() => null);
  if (!client) return;
  let broken = false;
  try {
    await client.query("SET lock_timeout = '2s'");
    for (const t of tables) await client.query(VACUUMED.has(t) ? `VACUUM (ANALYZE) ${t}` : `ANALYZE ${t}`);
    await client.query('RESET lock_timeout');
  } catch {
    broken = true;
  } finally {
    client.release(broken);
  }
}
