/**
 * The sign-in import on both adapters. The contract is a keyed upsert of rows (meeting, member);
 * the store keeps one packed row per meeting (src/store/sqlite/attendance.ts documents the layout),
 * so consecutive rows of one meeting are collected and merged into its stored row once. Every
 * outcome (inserted / updated / unchanged / conflict) is decided as the row arrives, so errors
 * name the row's own line. The adapters give only the batch load and save of packed rows.
 */
import { entryCode, monthOfInstant, packMonths, tookPart, unpackAttendance, type PackedAttendance } from '../rows/attendance-codec.js';
import type { AttendanceUpsert, UpsertBatchResult, UpsertOutcome } from '../types/imports.js';
import { SeenSignIns } from './seen-sign-ins.js';

/** A meeting's merged sign-ins to write (sorted by member row id). */
export interface SavedAttendance {
  meetingRow: number;
  orgId: number;
  heldAt: number;
  present: number;
  excused: number;
  absent: number;
  /** base64 int32 pairs (member row, code). */
  entries: string;
  /** base64 float64 signed_at per entry, or null. */
  signed: string | null;
}

/** Batch I/O of packed attendance rows on one adapter (inside the import's transaction). */
export interface AttendanceIo {
  /** The stored rows of these meetings (tracked ones only). */
  load(meetingRows: readonly number[]): Promise<Map<number, PackedAttendance>>;
  /** Insert or replace these meetings' rows. */
  save(rows: readonly SavedAttendance[]): Promise<void>;
}

/** What this file wrote or saw for one member of the current meeting. */
interface GroupEntry {
  code: number;
  signedAt: number;
  line: number | undefined;
  /** Index of the file (this.sources) the row came from. */
  file: number;
  /** Not in `seen` yet: added when the meeting's rows end. */
  fresh: boolean;
}

/** Merges sign-in rows into packed meeting rows for one import command. */
export class AttendanceMerger {
  private stamp = 0;
  private meetingRow = -1;
  private orgId = 0;
  private heldAt = 0;
  private stored: PackedAttendance | undefined;
  private group = new Map<number, GroupEntry>();
  private dirty = false;
  /** Meetings merged but not yet saved (the current batch), by meeting row. */
  private pending = new Map<number, SavedAttendance>();
  /** The command's files so far (their sources, by file index). */
  private readonly sources: string[] = [];
  /**
   * Every (meeting, member) this command wrote or found unchanged, with its file and line, so the
   * same sign-in given with other content in any later file of the command is a conflict naming the
   * earlier file and line (issue 12), not a silent update. Compact: a command may carry tens of millions.
   */
  private readonly seen = new SeenSignIns();
  /** Branches whose sign-ins changed (their members' participation is refreshed at commit). */
  readonly touched = new Set<number>();

  constructor(private readonly io: AttendanceIo) {}

  /**
   * A new file: its entries get a new stamp (a member repeated further down the same file is refused);
   * a sign-in repeated with other content in a later file of the command is refused through `seen`.
   */
  async beginFile(source = ''): Promise<void> {
    this.close();
    await this.savePending();
    this.stamp = 1 + Math.floor(Math.random() * 0xfffffe);
    this.sources.push(source);
  }

  async upsert(rows: readonly AttendanceUpsert[], lines: readonly number[]): Promise<UpsertBatchResult> {
    const n = rows.length;
    const outcomes: UpsertOutcome[] = new Array(n);
    const conflictLines: (number | undefined)[] = new Array(n).fill(undefined);
    const conflictSources: (string | undefined)[] = new Array(n).fill(undefined);
    const want = new Set<number>();
    for (const r of rows) if (r.meeting.row !== this.meetingRow) want.add(r.meeting.row);
    const loaded = want.size ? await this.io.load([...want]) : new Map<number, PackedAttendance>();
    for (let i = 0; i < n; i++) {
      const r = rows[i]!;
      const line = lines[i];
      if (r.meeting.row !== this.meetingRow) {
        this.close();
        this.meetingRow = r.meeting.row;
        this.orgId = r.meeting.orgId;
        this.heldAt = r.meeting.heldAt;
        const p = this.pending.get(r.meeting.row);
        this.stored = p ? unpackAttendance(p.entries, p.signed) : loaded.get(r.meeting.row);
      }
      const code = entryCode(r.status, r.method);
      const signedAt = r.signedAt ?? NaN;
      const earlier = this.group.get(r.memberRow);
      if (earlier) {
        if (earlier.code === code && Object.is(earlier.signedAt, signedAt)) outcomes[i] = 'unchanged';
        else {
          outcomes[i] = 'conflict';
          conflictLines[i] = earlier.line;
        }
        continue;
      }
      let outcome: UpsertOutcome = 'inserted';
      const at = this.stored ? indexOf(this.stored.members, r.memberRow) : -1;
      // Only a stored entry can have been written (or found unchanged) earlier in the command.
      let before: { file: number; line: number } | undefined;
      if (at >= 0) {
        const old = this.stored!.codes[at]!;
        const signed = this.stored!.signed ? this.stored!.signed[at]! : NaN;
        before = this.seen.get(r.meeting.row, r.memberRow);
        if ((old & 0xff) === code && Object.is(signed, signedAt)) outcome = 'unchanged';
        else if (before !== undefined) {
          // The stored entry is what an earlier row of this command wrote or found unchanged.
          outcome = 'conflict';
          conflictLines[i] = before.line || undefined;
          conflictSources[i] = this.sources[before.file];
        } else if (old >>> 8 === this.stamp) outcome = 'conflict';
        else outcome = 'updated';
      }
      outcomes[i] = outcome;
      if (outcome === 'conflict') continue;
      this.group.set(r.memberRow, { code, signedAt, line, file: (this.sources.length - 1) & 0xffff, fresh: before === undefined });
      if (outcome !== 'unchanged') this.dirty = true;
    }
    await this.savePending();
    return { outcomes, conflictLines, conflictSources };
  }

  /** The last rows: write the meeting still open. */
  async finish(): Promise<void> {
    this.close();
    await this.savePending();
  }

  private async savePending(): Promise<void> {
    if (!this.pending.size) return;
    const rows = [...this.pending.values()];
    this.pending = new Map();
    await this.io.save(rows);
  }

  /** Merge the current meeting's rows into its stored row and queue it (when anything changed). */
  private close(): void {
    if (this.meetingRow < 0) return;
    const fresh: [number, number, number][] = [];
    for (const [m, e] of this.group) if (e.fresh) fresh.push([m, e.file, e.line ?? 0]);
    this.seen.add(this.meetingRow, fresh);
    if (this.dirty) {
      const old = this.stored;
      const n = (old?.members.length ?? 0) + this.group.size;
      const members = new Int32Array(n);
      const codes = new Int32Array(n);
      const signed = new Float64Array(n);
      let k = 0;
      if (old) {
        for (let i = 0; i < old.members.length; i++) {
          const m = old.members[i]!;
          if (this.group.has(m)) continue;
          members[k] = m;
          codes[k] = old.codes[i]!;
          signed[k++] = old.signed ? old.signed[i]! : NaN;
        }
      }
      for (const [m, e] of this.group) {
        members[k] = m;
        const prev = old ? indexOf(old.members, m) : -1;
        const same = prev >= 0 && (old!.codes[prev]! & 0xff) === e.code && Object.is(old!.signed ? old!.signed[prev]! : NaN, e.signedAt);
        codes[k] = same ? old!.codes[prev]! : e.code | (this.stamp << 8);
        signed[k++] = e.signedAt;
      }
      const order = Array.from({ length: k }, (_, i) => i).sort((a, b) => members[a]! - members[b]!);
      this.pending.set(this.meetingRow, savedRow(this.meetingRow, this.orgId, this.heldAt, {
        members: Int32Array.from(order, (i) => members[i]!),
        codes: Int32Array.from(order, (i) => codes[i]!),
        signed: Float64Array.from(order, (i) => signed[i]!),
      }));
      this.touched.add(this.orgId);
    }
    this.meetingRow = -1;
    this.stored = undefined;
    this.group = new Map();
    this.dirty = false;
  }
}

/** A packed meeting row with its counts, as both adapters store it. */
export function savedRow(meetingRow: number, orgId: number, heldAt: number, a: PackedAttendance): SavedAttendance {
  const n = a.members.length;
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
  const pairs = new Int32Array(2 * n);
  for (let i = 0; i < n; i++) {
    pairs[2 * i] = a.members[i]!;
    pairs[2 * i + 1] = a.codes[i]!;
  }
  return {
    meetingRow,
    orgId,
    heldAt,
    present,
    excused,
    absent,
    entries: Buffer.from(pairs.buffer, pairs.byteOffset, pairs.byteLength).toString('base64'),
    signed: anySigned ? Buffer.from(a.signed!.buffer, a.signed!.byteOffset, n * 8).toString('base64') : null,
  };
}

/**
 * Participation months of a roster from its branches' tracked meetings: for each member whose
 * packed `months` changes, the new value (null = none). `meetings` are (held_at, entries) rows.
 */
export function participationUpdates(
  meetings: Iterable<readonly [number, string]>,
  roster: Iterable<readonly [number, string | null]>,
): [number, string | null][] {
  const months = new Map<number, Set<number>>();
  for (const [heldAt, entries] of meetings) {
    const month = monthOfInstant(heldAt);
    const a = unpackAttendance(entries, null);
    for (let k = 0; k < a.members.length; k++) {
      if (!tookPart(a.codes[k]!)) continue;
      const m = a.members[k]!;
      let set = months.get(m);
      if (!set) months.set(m, (set = new Set()));
      set.add(month);
    }
  }
  const out: [number, string | null][] = [];
  for (const [id, old] of roster) {
    const set = months.get(id);
    const next = set ? packMonths([...set].sort((a, b) => a - b)) : null;
    if (next !== old) out.push([id, next]);
  }
  return out;
}

/** Binary search in ascending int32s; -1 when absent. */
function indexOf(a: Int32Array, v: number): number {
  let lo = 0;
  let hi = a.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const x = a[mid]!;
    if (x === v) return mid;
    if (x < v) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}
