/** Row types of the imports family: keyed upserts of imported records and the audit trail. */
import type { AttendanceStatus, Member, SignInMethod } from '../../domain/members.js';
import type { Meeting, Org } from '../../domain/types.js';
import type { AssessmentFact, VetoFact } from './reports.js';
import type { RatingFact, StarChangeFact } from '../../rating/types.js';

/** What a keyed upsert writes: the table, its unique key columns and the other columns. */
export interface UpsertSpec {
  table: string;
  /** Columns of the UNIQUE key the upsert targets (there must be a unique index on exactly these). */
  key: readonly string[];
  /** Other columns, replaced when the row exists and compared to tell "unchanged". */
  columns: readonly string[];
  /** A column set on insert and on real change but never compared (e.g. updated_at). */
  stamp?: string;
}

/**
 * What one upsert did. 'conflict' = the key was already written earlier in the same command with other content.
 * 'deferred' = the row was staged; its outcome comes with the table's DeferredOutcomes (ImportSession.finishTable).
 */
export type UpsertOutcome = 'inserted' | 'updated' | 'unchanged' | 'conflict' | 'deferred';

/** A staged row whose key an earlier row of the command gave with other content. Files are 0-based, in beginFile order of the table. */
export interface DeferredConflict {
  file: number;
  line: number;
  /** The row's position in the command (as handed to upsert), to report it in input order. */
  seq: number;
  earlierFile: number;
  earlierLine: number;
  /** The key as text (composite keys joined by U+0001). */
  key: string;
}

/** The outcomes of a staged table's rows, known when the table finishes: counts per file of the table, and conflicts. */
export interface DeferredOutcomes {
  files: { inserted: number; updated: number; unchanged: number }[];
  conflicts: DeferredConflict[];
}

/**
 * The outcome of each row of a batch (same order); for a 'conflict', the line of the earlier row
 * and the source (file) it came from, when known.
 */
export interface UpsertBatchResult {
  outcomes: UpsertOutcome[];
  conflictLines: (number | undefined)[];
  conflictSources: (string | undefined)[];
}

/** A meeting to upsert with the row id of its org (from ImportSession.orgRefs). */
export interface MeetingUpsert {
  meeting: Meeting;
  orgId: number;
}

/** A roster member to upsert with the row id of its branch. */
export interface MemberUpsert {
  member: Member;
  orgId: number;
}

/** A stored meeting as sign-ins refer to it: its row id, its branch's row id and its time. */
export interface MeetingRef {
  row: number;
  orgId: number;
  heldAt: number;
}

/** A stored member as sign-ins refer to it: its row id and its branch's row id. */
export interface MemberRef {
  row: number;
  orgId: number;
}

/** One sign-in (keyed by meeting and member) with the store ids resolved (ImportSession.meetingRefs / memberRefs). */
export interface AttendanceUpsert {
  meeting: MeetingRef;
  memberRow: number;
  status: AttendanceStatus;
  method: SignInMethod | null;
  /** Epoch ms, or null. */
  signedAt: number | null;
}

/** A branch's self-assessment in a rating campaign, as filed by an import (replaces the branch's self step). */
export interface SelfAssessmentWrite {
  year: number;
  org: string;
  stars: number;
  scores: Record<string, number> | null;
  /** Who filed it (the campaign's transition log) and why. */
  actor: string;
  reason: string;
}

/** A branch's self step as stored (null stars: not filed yet). */
export interface SelfAssessmentState {
  stars: number | null;
  scores: Record<string, number> | null;
}

/** The importable tables, each with the record the store writes. */
export interface ImportRows {
  orgs: Org;
  members: MemberUpsert;
  meetings: MeetingUpsert;
  attendance: AttendanceUpsert;
  assessments: AssessmentFact;
  vetoes: VetoFact;
  ratings: RatingFact;
  star_changes: StarChangeFact;
  self_assessments: SelfAssessmentWrite;
}
export type ImportTable = keyof ImportRows;

/** One accepted import, for the audit trail. */
export interface ImportRecord {
  file: string;
  sha256: string;
  table: string;
  rows: number;
  inserted: number;
  updated: number;
  unchanged: number;
  importedAt: number;
}
