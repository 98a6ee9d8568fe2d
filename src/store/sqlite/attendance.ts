/**
 * Sign-ins (参会签到), stored compactly: one `attendance` row per tracked meeting (see
 * schema/members.ts for why). Layout of a row's packed columns (binary, base64-encoded):
 *
 * - `entries`: int32 pairs (members.id, code), sorted by members.id, one pair per member of the
 *   meeting with a sign-in row. code = status (bits 0–1: 0 present, 1 excused, 2 absent)
 *   | method << 2 (bits 2–4: 0 none, 1 face, 2 qr, 3 manual, 4 remote) | stamp << 8, where the
 *   stamp (24 bits) names the import file that last wrote the entry, so a member repeated with other
 *   content further down the same file is refused even when the meeting's rows are not contiguous.
 * - `signed`: float64 per entry (signed_at, epoch ms; NaN = none), or null when none has one.
 *
 * Only src/store touches SQL; the importer and the evaluation call these functions.
 */
import type { Statement } from 'better-sqlite3';
import type { Db } from './db.js';
import { int32s, monthOfInstant, packEntries, packMonths, tookPart, unpackAttendance, type PackedAttendance } from '../rows/attendance-codec.js';

/** What the attendance importer looks up and writes, over prepared statements of one connection. */
export class AttendanceStore {
  private readonly meetingStmt: Statement;
  private readonly memberStmt: Statement;
  private readonly orgMembersStmt: Statement;
  private readonly loadStmt: Statement;
  private readonly saveStmt: Statement;

  constructor(private readonly db: Db) {
    const c = db.$client;
    this.meetingStmt = c.prepare('SELECT id, org_id, held_at FROM meetings WHERE record_id = ?').raw();
    this.memberStmt = c.prepare('SELECT id, org_id FROM members WHERE member_id = ?').raw();
    this.orgMembersStmt = c.prepare('SELECT member_id, id FROM members WHERE org_id = ?').raw();
    this.loadStmt = c.prepare('SELECT entries, signed FROM attendance WHERE meeting_id = ?').raw();
    this.saveStmt = c.prepare(
      `INSERT INTO attendance (meeting_id, org_id, held_at, present, excused, absent, entries, signed)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (meeting_id) DO UPDATE SET org_id = excluded.org_id, held_at = excluded.held_at, present = excluded.present,
         excused = excluded.excused, absent = excluded.absent, entries = excluded.entries, signed = excluded.signed`,
    );
  }

  /** A meeting by record id: [row id, org id, held_at], or undefined. */
  meeting(recordId: string): [number, number, number] | undefined {
    return this.meetingStmt.get(recordId) as [number, number, number] | undefined;
  }

  /** A member by member id: [row id, org id], or undefined. */
  member(memberId: string): [number, number] | undefined {
    return this.memberStmt.get(memberId) as [number, number] | undefined;
  }

  /** The roster of one branch: member id → row id. */
  membersOf(orgId: number): Map<string, number> {
    return new Map(this.orgMembersStmt.all(orgId) as [string, number][]);
  }

  /** The stored sign-ins of a meeting, or undefined when it is not tracked yet. */
  load(meetingRowId: number): PackedAttendance | undefined {
    const r = this.loadStmt.get(meetingRowId) as [string, string | null] | undefined;
    return r ? unpackAttendance(r[0], r[1]) : undefined;
  }

  /** Write a merged meeting row (src/store/rows/attendance-merge.ts). */
  saveRow(r: { meetingRow: number; orgId: number; heldAt: number; present: number; excused: number; absent: number; entries: string; signed: string | null }): void {
    this.saveStmt.run(r.meetingRow, r.orgId, r.heldAt, r.present, r.excused, r.absent, r.entries, r.signed);
  }

  /** Write a meeting's sign-ins (sorted by member row id; `n` of them). */
  save(meetingRowId: number, orgId: number, heldAt: number, a: PackedAttendance, n: number): void {
    let present = 0;
    let excused = 0;
    let absent = 0;
    let anySigned = false;
    for (let i = 0; i < n; i++) {
      const s = a.codes[i]! & 3;
      if (s === 0) present++;
      else if (s === 1) excused++;
      else absent++;
      if (a.signed && !Number.isNaN(a.signed[i]!)) anySigned = true;
    }
    const signed = anySigned ? Buffer.from(a.signed!.buffer, a.signed!.byteOffset, n * 8).toString('base64') : null;
    this.saveStmt.run(meetingRowId, orgId, heldAt, present, excused, absent, packEntries(a.members, a.codes, n), signed);
  }
}

/** After a meeting record changed (org or time), keep its attendance row's copies in step. */
export function syncAttendanceMeetings(db: Db, meetingRowIds: readonly number[]): void {
  if (!meetingRowIds.length) return;
  db.$client
    .prepare(
      `UPDATE attendance SET org_id = m.org_id, held_at = m.held_at FROM meetings m
        WHERE m.id = attendance.meeting_id AND attendance.meeting_id IN (SELECT value FROM json_each(?))`,
    )
    .run(JSON.stringify(meetingRowIds));
}

/** Org ids of the given meeting rows that are tracked (have sign-ins). */
export function trackedOrgsOf(db: Db, meetingRowIds: readonly number[]): number[] {
  if (!meetingRowIds.length) return [];
  return db.$client
    .prepare('SELECT DISTINCT org_id FROM attendance WHERE meeting_id IN (SELECT value FROM json_each(?))')
    .pluck()
    .all(JSON.stringify(meetingRowIds)) as number[];
}

/** Orgs per refresh statement: bounded memory, few statements. */
const REFRESH_BATCH = 500;

/**
 * Recompute `members.months` (the months each member took part) for every member of the given
 * branches, from their tracked meetings. Called at the end of an import that touched sign-ins,
 * members or meeting times of those branches (inside its transaction).
 */
export function refreshParticipation(db: Db, orgIds: Iterable<number>): void {
  const ids = [...new Set(orgIds)].sort((a, b) => a - b);
  const c = db.$client;
  const read = c.prepare('SELECT held_at, entries FROM attendance WHERE org_id IN (SELECT value FROM json_each(?))').raw();
  const roster = c.prepare('SELECT id, months FROM members WHERE org_id IN (SELECT value FROM json_each(?))').raw();
  const write = c.prepare('UPDATE members SET months = ? WHERE id = ?');
  for (let i = 0; i < ids.length; i += REFRESH_BATCH) {
    const batch = JSON.stringify(ids.slice(i, i + REFRESH_BATCH));
    const months = new Map<number, Set<number>>();
    for (const [heldAt, entries] of read.iterate(batch) as Iterable<[number, string]>) {
      const month = monthOfInstant(heldAt);
      const pairs = int32s(Buffer.from(entries, 'base64'));
      for (let k = 0; k < pairs.length; k += 2) {
        if (!tookPart(pairs[k + 1]!)) continue;
        const m = pairs[k]!;
        let set = months.get(m);
        if (!set) months.set(m, (set = new Set()));
        set.add(month);
      }
    }
    for (const [id, old] of roster.all(batch) as [number, string | null][]) {
      const set = months.get(id);
      const next = set ? packMonths([...set].sort((a, b) => a - b)) : null;
      if (next !== old) write.run(next, id);
    }
  }
}

