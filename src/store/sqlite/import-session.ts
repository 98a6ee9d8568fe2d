/**
 * An import command on SQLite (ImportSession of the port): its own connection to the file, so
 * nothing else this process writes (the daemon's delivery bookkeeping) becomes part of the
 * import's transaction; one IMMEDIATE transaction for the whole command (all or nothing). An
 * in-memory database has only one connection: there (and inside a caller's transaction) the
 * session is a savepoint on the main connection.
 */
import type { ImportSession } from '../port.js';
import type { ImportRecord, ImportRows, ImportTable, UpsertBatchResult, UpsertOutcome } from '../types/imports.js';
import type { OrgRef } from '../types/facts.js';
import { StoreBusyError } from '../errors.js';
import { closeDb, openDb, type Db } from './db.js';
import { KeyedUpserter, recordImport } from './imports.js';
import { MEETING_UPSERT, meetingUpsertParams } from './meetings.js';
import { loadOrgRefs, ORG_UPSERT, orgUpsertParams } from './orgs.js';
import { upsertAssessment, upsertVeto } from './reports.js';

export function beginImport(main: Db, path: string): ImportSession {
  // A caller already inside a transaction on `main` (tools, tests) gets a savepoint in it instead.
  const own = path !== ':memory:' && path !== '' && !path.startsWith('file::memory:') && !main.$client.inTransaction;
  const db = own ? openDb(path, { migrate: false }) : main;
  const client = db.$client;
  const nested = client.inTransaction;
  try {
    client.exec(nested ? 'SAVEPOINT orglife_import' : 'BEGIN IMMEDIATE');
  } catch (e) {
    if (own) closeDb(db);
    if ((e as { code?: string }).code === 'SQLITE_BUSY') throw new StoreBusyError(path, e);
    throw e;
  }
  let upserters: { orgs?: KeyedUpserter; meetings?: KeyedUpserter } = {};
  let open = true;
  const end = (sql: string) => {
    if (!open) return;
    open = false;
    try {
      if (client.inTransaction) client.exec(sql);
    } finally {
      upserters = {};
      if (own) closeDb(db);
    }
  };
  const meetingParams: unknown[] = [];
  return {
    async orgRefs(): Promise<Map<string, OrgRef>> {
      return loadOrgRefs(db);
    },
    async beginFile(table: ImportTable): Promise<void> {
      if (table === 'orgs') (upserters.orgs ??= new KeyedUpserter(client, ORG_UPSERT)).beginFile();
      if (table === 'meetings') (upserters.meetings ??= new KeyedUpserter(client, MEETING_UPSERT)).beginFile();
    },
    async upsert<T extends ImportTable>(table: T, rows: readonly ImportRows[T][], lines: readonly number[], now: number): Promise<UpsertBatchResult> {
      const outcomes: UpsertOutcome[] = new Array(rows.length);
      const conflictLines: (number | undefined)[] = new Array(rows.length);
      if (table === 'orgs' || table === 'meetings') {
        const u = table === 'orgs' ? (upserters.orgs ??= new KeyedUpserter(client, ORG_UPSERT)) : (upserters.meetings ??= new KeyedUpserter(client, MEETING_UPSERT));
        for (let i = 0; i < rows.length; i++) {
          const params =
            table === 'orgs'
              ? orgUpsertParams(rows[i] as ImportRows['orgs'], now)
              : meetingUpsertParams(meetingParams, (rows[i] as ImportRows['meetings']).meeting, (rows[i] as ImportRows['meetings']).orgId);
          const o = u.upsert(params, lines[i] ?? 0);
          outcomes[i] = o;
          if (o === 'conflict') conflictLines[i] = u.conflictLine;
        }
      } else if (table === 'assessments') {
        for (let i = 0; i < rows.length; i++) outcomes[i] = upsertAssessment(db, rows[i] as ImportRows['assessments'], now);
      } else {
        for (let i = 0; i < rows.length; i++) outcomes[i] = upsertVeto(db, rows[i] as ImportRows['vetoes'], now);
      }
      return { outcomes, conflictLines };
    },
    async record(rec: ImportRecord): Promise<void> {
      recordImport(db, rec);
    },
    async commit(): Promise<void> {
      end(nested ? 'RELEASE orglife_import' : 'COMMIT');
    },
    async rollback(): Promise<void> {
      end(nested ? 'ROLLBACK TO orglife_import; RELEASE orglife_import' : 'ROLLBACK');
    },
  };
}
