/**
 * An import command on SQLite (ImportSession of the port): its own connection to the file, so
 * nothing else this process writes (the daemon's delivery bookkeeping) becomes part of the
 * import's transaction; one IMMEDIATE transaction for the whole command (all or nothing). An
 * in-memory database has only one connection: there (and inside a caller's transaction) the
 * session is a savepoint on the main connection. Keyed tables go through KeyedUpserter (one
 * prepared statement a row, duplicates noticed across the files of the command); sign-ins through
 * the shared AttendanceMerger; commit first refreshes what the writes derive.
 */
import type { ImportSession } from '../port.js';
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
} from '../types/imports.js';
import type { OrgRef } from '../types/facts.js';
import { StoreBusyError } from '../errors.js';
import { AttendanceMerger } from '../rows/attendance-merge.js';
import { TouchedOrgs } from '../rows/touched.js';
import { requestReevaluation } from './live.js';
import { AttendanceStore, refreshParticipation, syncAttendanceMeetings, trackedOrgsOf } from './attendance.js';
import { closeDb, openDb, type Db } from './db.js';
import { KeyedUpserter, recordImport } from './imports.js';
import { meetingRowIds } from './meetings.js';
import { loadOrgRefs } from './orgs.js';
import { getEntry, insertTransition, saveEntryStep } from './rating-campaign.js';
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
import { upsertAssessment, upsertVeto } from './reports.js';

type KeyedTable = 'orgs' | 'members' | 'meetings' | 'ratings' | 'star_changes';
const SPECS: Record<KeyedTable, UpsertSpec> = {
  orgs: ORG_UPSERT,
  members: MEMBER_UPSERT,
  meetings: MEETING_UPSERT,
  ratings: RATING_UPSERT,
  star_changes: STAR_CHANGE_UPSERT,
};
const isKeyed = (t: ImportTable): t is KeyedTable => t in SPECS;

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
  const upserters = new Map<KeyedTable, KeyedUpserter>();
  const upserterOf = (t: KeyedTable) => {
    let u = upserters.get(t);
    if (!u) upserters.set(t, (u = new KeyedUpserter(client, SPECS[t])));
    return u;
  };
  const attendanceStore = new AttendanceStore(db);
  const merger = new AttendanceMerger({
    async load(meetingRows) {
      const out = new Map();
      for (const m of meetingRows) {
        const a = attendanceStore.load(m);
        if (a) out.set(m, a);
      }
      return out;
    },
    async save(rows) {
      for (const r of rows) attendanceStore.saveRow(r);
    },
  });
  /** Record ids of meetings replaced in this command: their sign-ins follow a new time or branch. */
  const updatedMeetings: string[] = [];
  /** Branches whose members changed (a transfer changes whose meetings count). */
  const touchedOrgs = new Set<number>();
  /** Orgs whose rule inputs the command changed (ImportSession.touchedOrgs); codes once committed. */
  const touched = new TouchedOrgs();
  let touchedCodes: string[] | null = null;
  /** The `now` of the last batch (the re-evaluation request's time). */
  let lastNow = 0;
  // The previous branch of a meeting or member moved to another: a temporary trigger on this
  // connection notes it (only real moves fire it; the hot insert path pays nothing). Not INSERT OR
  // IGNORE: inside a trigger the outer upsert's conflict policy would override it.
  client.exec(`CREATE TEMP TABLE IF NOT EXISTS import_moved (org_id INTEGER PRIMARY KEY);
    DELETE FROM temp.import_moved;
    CREATE TEMP TRIGGER IF NOT EXISTS import_moved_meetings AFTER UPDATE OF org_id ON main.meetings WHEN OLD.org_id IS NOT NEW.org_id
      BEGIN INSERT INTO temp.import_moved (org_id) SELECT OLD.org_id WHERE NOT EXISTS (SELECT 1 FROM temp.import_moved WHERE org_id = OLD.org_id); END;
    CREATE TEMP TRIGGER IF NOT EXISTS import_moved_members AFTER UPDATE OF org_id ON main.members WHEN OLD.org_id IS NOT NEW.org_id
      BEGIN INSERT INTO temp.import_moved (org_id) SELECT OLD.org_id WHERE NOT EXISTS (SELECT 1 FROM temp.import_moved WHERE org_id = OLD.org_id); END;`);
  const codesOfTouched = (): string[] => {
    const ids = [...touched.ids, ...merger.touched, ...(client.prepare('SELECT org_id FROM temp.import_moved').pluck().all() as number[])];
    const codes = client.prepare('SELECT code FROM orgs WHERE id IN (SELECT value FROM json_each(?))').pluck().all(JSON.stringify([...new Set(ids)])) as string[];
    return touched.result(codes);
  };
  const params: unknown[] = [];

  let open = true;
  const end = (sql: string) => {
    if (!open) return;
    open = false;
    try {
      if (client.inTransaction) client.exec(sql);
    } finally {
      // The main connection (a savepoint session) outlives the command: its trigger must not.
      if (!own) client.exec('DROP TRIGGER IF EXISTS temp.import_moved_meetings; DROP TRIGGER IF EXISTS temp.import_moved_members');
      upserters.clear();
      if (own) closeDb(db);
    }
  };

  const paramsOf = (table: KeyedTable, row: unknown, now: number): unknown[] => {
    switch (table) {
      case 'orgs':
        return orgUpsertParams(row as ImportRows['orgs'], now);
      case 'meetings': {
        const m = row as ImportRows['meetings'];
        return meetingUpsertParams(params, m.meeting, m.orgId);
      }
      case 'members': {
        const m = row as ImportRows['members'];
        return memberUpsertParams(params, m.member, m.orgId);
      }
      case 'ratings':
        return ratingUpsertParams(row as ImportRows['ratings'], now);
      case 'star_changes':
        return starChangeUpsertParams(row as ImportRows['star_changes'], now);
    }
  };

  const derive = () => {
    if (updatedMeetings.length) {
      const rows = meetingRowIds(db, updatedMeetings);
      for (const o of trackedOrgsOf(db, rows)) touchedOrgs.add(o);
      syncAttendanceMeetings(db, rows);
      for (const o of trackedOrgsOf(db, rows)) touchedOrgs.add(o);
    }
    for (const o of merger.touched) touchedOrgs.add(o);
    if (touchedOrgs.size) refreshParticipation(db, touchedOrgs);
  };

  return {
    async orgRefs(): Promise<Map<string, OrgRef>> {
      return loadOrgRefs(db);
    },
    async meetingRefs(recordIds): Promise<Map<string, MeetingRef>> {
      const out = new Map<string, MeetingRef>();
      for (const id of new Set(recordIds)) {
        const m = attendanceStore.meeting(id);
        if (m) out.set(id, { row: m[0], orgId: m[1], heldAt: m[2] });
      }
      return out;
    },
    async memberRefs(memberIds): Promise<Map<string, MemberRef>> {
      const out = new Map<string, MemberRef>();
      for (const id of new Set(memberIds)) {
        const m = attendanceStore.member(id);
        if (m) out.set(id, { row: m[0], orgId: m[1] });
      }
      return out;
    },
    async campaignStates(): Promise<Map<number, string>> {
      const rows = client.prepare('SELECT year, state FROM rating_campaigns').raw().all() as [number, string][];
      return new Map(rows);
    },
    async selfAssessments(keys): Promise<(SelfAssessmentState | undefined)[]> {
      return keys.map((k) => {
        const e = getEntry(db, k.year, k.org);
        return e ? { stars: e.selfStars, scores: e.selfScores } : undefined;
      });
    },
    async beginFile(table: ImportTable, source = ''): Promise<void> {
      if (isKeyed(table)) upserterOf(table).beginFile(source);
      else if (table === 'attendance') await merger.beginFile(source);
    },
    async upsert<T extends ImportTable>(table: T, rows: readonly ImportRows[T][], lines: readonly number[], now: number): Promise<UpsertBatchResult> {
      lastNow = now;
      const n = rows.length;
      if (table === 'attendance') return merger.upsert(rows as readonly ImportRows['attendance'][], lines);
      const outcomes: UpsertOutcome[] = new Array(n);
      const conflictLines: (number | undefined)[] = new Array(n).fill(undefined);
      const conflictSources: (string | undefined)[] = new Array(n).fill(undefined);
      if (isKeyed(table)) {
        const u = upserterOf(table);
        for (let i = 0; i < n; i++) {
          const o = u.upsert(paramsOf(table, rows[i], now), lines[i] ?? 0);
          outcomes[i] = o;
          if (o === 'conflict') {
            conflictLines[i] = u.conflictLine;
            conflictSources[i] = u.conflictSource;
          } else if (o === 'updated') {
            if (table === 'meetings') updatedMeetings.push((rows[i] as ImportRows['meetings']).meeting.id);
            else if (table === 'members') touchedOrgs.add((rows[i] as ImportRows['members']).orgId);
          }
        }
      } else if (table === 'assessments') {
        for (let i = 0; i < n; i++) outcomes[i] = upsertAssessment(db, rows[i] as ImportRows['assessments'], now);
      } else if (table === 'vetoes') {
        for (let i = 0; i < n; i++) outcomes[i] = upsertVeto(db, rows[i] as ImportRows['vetoes'], now);
      } else {
        for (let i = 0; i < n; i++) {
          const s = rows[i] as ImportRows['self_assessments'];
          const old = getEntry(db, s.year, s.org);
          saveEntryStep(db, s.year, s.org, 'self', { stars: s.stars, scores: s.scores, estimate: old?.estimates.self_assessment ?? null }, s.actor, now);
          insertTransition(db, { year: s.year, fromState: 'self_assessment', toState: `self_assessment:${s.org}`, actor: s.actor, at: now, reason: s.reason });
          outcomes[i] = old && old.selfStars !== null ? 'updated' : 'inserted';
        }
      }
      touched.note(table, rows, outcomes);
      return { outcomes, conflictLines, conflictSources };
    },
    // SQLite writes every row as it comes (outcomes at once): nothing staged, no deferred outcomes.
    async finishTable(table: ImportTable): Promise<undefined> {
      if (table === 'attendance') await merger.finish();
      return undefined;
    },
    async record(rec: ImportRecord): Promise<void> {
      recordImport(db, rec);
    },
    async commit(): Promise<void> {
      if (!open) return;
      try {
        await merger.finish();
        derive();
        touchedCodes = codesOfTouched();
        // The durable re-evaluation request, committed with the data (a running daemon claims it).
        requestReevaluation(db, touchedCodes, lastNow);
      } catch (e) {
        end(nested ? 'ROLLBACK TO orglife_import; RELEASE orglife_import' : 'ROLLBACK');
        throw e;
      }
      end(nested ? 'RELEASE orglife_import' : 'COMMIT');
    },
    async touchedOrgs(): Promise<string[]> {
      if (touchedCodes) return touchedCodes;
      if (!open) return [];
      return codesOfTouched();
    },
    async rollback(): Promise<void> {
      end(nested ? 'ROLLBACK TO orglife_import; RELEASE orglife_import' : 'ROLLBACK');
    },
  };
}
