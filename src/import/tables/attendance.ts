/**
 * Sign-ins (参会签到), keyed by (meeting, member). The contract is a keyed upsert of rows like every
 * table; the store keeps one packed row per meeting (src/store/attendance.ts), so the writer
 * collects consecutive rows of one meeting and merges them into its stored row once. Every
 * outcome (inserted / updated / unchanged / conflict) is decided as the row arrives, so errors name
 * the row's own line. A member must belong to the meeting's branch.
 */
import {
  ATTENDANCE_STATUS_NAMES_ZH,
  SIGN_IN_METHOD_NAMES_ZH,
  type AttendanceStatus,
  type SignInMethod,
} from '../../domain/members.js';
import { AttendanceStore, entryCode, refreshParticipation, type PackedAttendance } from '../../store/sqlite/attendance.js';
import type { CommandContext, RowContext, TableSpec, TableWriter } from '../table.js';
import { oneOf, text, timestamp } from '../values.js';

export const parseAttendanceStatus = oneOf<AttendanceStatus>({ zh: '签到状态', en: 'attendance status' }, ATTENDANCE_STATUS_NAMES_ZH, {
  已签到: 'present',
  签到: 'present',
  到会: 'present',
  请假: 'excused',
  未到: 'absent',
  未签到: 'absent',
});

export const parseSignInMethod = oneOf<SignInMethod>({ zh: '签到方式', en: 'sign-in method' }, SIGN_IN_METHOD_NAMES_ZH, {
  人脸: 'face',
  二维码: 'qr',
  手动: 'manual',
  线上参会: 'remote',
  远程: 'remote',
});

/** A validated sign-in row with its store ids resolved. */
export interface AttendanceRow {
  meetingRow: number;
  orgId: number;
  heldAt: number;
  memberRow: number;
  code: number;
  signedAt: number;
}

/** Lookups of one command (meetings and rosters), cached: files list one meeting's rows together. */
class Lookups {
  readonly store: AttendanceStore;
  private lastMeeting: string | undefined;
  private lastRef: [number, number, number] | undefined;
  private rosters = new Map<number, Map<string, number>>();

  constructor(cmd: CommandContext) {
    this.store = new AttendanceStore(cmd.db);
  }

  meeting(id: string): [number, number, number] | undefined {
    if (id !== this.lastMeeting) {
      this.lastMeeting = id;
      this.lastRef = this.store.meeting(id);
    }
    return this.lastRef;
  }

  memberIn(orgId: number, memberId: string): number | undefined {
    let roster = this.rosters.get(orgId);
    if (!roster) {
      if (this.rosters.size >= 64) this.rosters.clear();
      this.rosters.set(orgId, (roster = this.store.membersOf(orgId)));
    }
    return roster.get(memberId);
  }
}

const lookups = new WeakMap<CommandContext, Lookups>();
function lookupsOf(cmd: CommandContext): Lookups {
  let l = lookups.get(cmd);
  if (!l) lookups.set(cmd, (l = new Lookups(cmd)));
  return l;
}

/** What this file wrote or saw for one member of the current meeting. */
interface GroupEntry {
  code: number;
  signedAt: number;
  line: number | undefined;
}

class AttendanceWriter implements TableWriter<AttendanceRow> {
  private readonly store: AttendanceStore;
  private stamp = 0;
  private meetingRow = -1;
  private orgId = 0;
  private heldAt = 0;
  private stored: PackedAttendance | undefined;
  private group = new Map<number, GroupEntry>();
  private dirty = false;
  private readonly touched = new Set<number>();

  constructor(private readonly cmd: CommandContext) {
    this.store = lookupsOf(cmd).store;
  }

  beginFile(): void {
    this.flush();
    // Names this file in the entries it writes (24 bits, see src/store/attendance.ts).
    this.stamp = 1 + Math.floor(Math.random() * 0xfffffe);
  }

  add(r: AttendanceRow, row: RowContext): void {
    if (r.meetingRow !== this.meetingRow) {
      this.flush();
      this.meetingRow = r.meetingRow;
      this.orgId = r.orgId;
      this.heldAt = r.heldAt;
      this.stored = this.store.load(r.meetingRow);
    }
    const unit = row.line !== undefined ? '行' : '项';
    const earlier = this.group.get(r.memberRow);
    if (earlier) {
      if (earlier.code === r.code && Object.is(earlier.signedAt, r.signedAt)) {
        row.file.unchanged++;
        return;
      }
      this.conflict(row, earlier.line !== undefined ? `在第 ${earlier.line} ${unit}` : '在本文件前面', earlier.line);
      return;
    }
    let outcome: 'inserted' | 'updated' | 'unchanged' = 'inserted';
    const at = this.stored ? indexOf(this.stored.members, r.memberRow) : -1;
    if (at >= 0) {
      const code = this.stored!.codes[at]!;
      const signed = this.stored!.signed ? this.stored!.signed[at]! : NaN;
      if ((code & 0xff) === r.code && Object.is(signed, r.signedAt)) outcome = 'unchanged';
      else if (code >>> 8 === this.stamp) {
        this.conflict(row, '在本文件前面', undefined);
        return;
      } else outcome = 'updated';
    }
    this.group.set(r.memberRow, { code: r.code, signedAt: r.signedAt, line: row.line ?? row.item });
    if (outcome !== 'unchanged') this.dirty = true;
    row.file[outcome]++;
  }

  finish(): void {
    this.flush();
    if (!this.cmd.failed && this.touched.size) refreshParticipation(this.cmd.db, this.touched);
  }

  private conflict(row: RowContext, whereZh: string, line: number | undefined): void {
    const whereEn = line !== undefined ? `at ${row.line !== undefined ? 'line' : 'item'} ${line}` : 'earlier in this file';
    row.fail('member', `本会议的党员「签到」${whereZh}已出现且内容不同`, `this member's sign-in for the meeting already appears ${whereEn} with different content`);
  }

  /** Merge the current meeting's rows into its stored row and write it (when anything changed). */
  private flush(): void {
    if (this.meetingRow < 0) return;
    if (this.dirty && !this.cmd.failed) {
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
      const sorted: PackedAttendance = {
        members: Int32Array.from(order, (i) => members[i]!),
        codes: Int32Array.from(order, (i) => codes[i]!),
        signed: Float64Array.from(order, (i) => signed[i]!),
      };
      this.store.save(this.meetingRow, this.orgId, this.heldAt, sorted, k);
      this.touched.add(this.orgId);
    }
    this.meetingRow = -1;
    this.stored = undefined;
    this.group = new Map();
    this.dirty = false;
  }
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

/** 参会签到: one row per meeting and member. */
export const attendanceTable: TableSpec<AttendanceRow> = {
  name: 'attendance',
  nameZh: '参会签到',
  order: 25,
  signature: ['meeting', 'member', 'status'],
  columns: [
    { key: 'meeting', zh: '记录编号', aliases: ['会议编号', '会议记录编号'], required: true, parse: text },
    { key: 'member', zh: '党员编号', aliases: ['党员ID'], required: true, parse: text },
    { key: 'status', zh: '签到状态', aliases: ['出席情况', '参会状态'], required: true, parse: parseAttendanceStatus },
    { key: 'method', zh: '签到方式', parse: parseSignInMethod },
    { key: 'signed_at', zh: '签到时间', field: 'signedAt', parse: timestamp },
  ],

  validate(rec, row) {
    const { meeting, member, status, method, signedAt } = rec as {
      meeting?: string | null;
      member?: string | null;
      status?: AttendanceStatus | null;
      method?: SignInMethod | null;
      signedAt?: number | null;
    };
    if (typeof meeting !== 'string' || typeof member !== 'string') return null;
    const l = lookupsOf(row.cmd);
    const m = l.meeting(meeting);
    if (!m) {
      row.fail('meeting', `记录编号「${meeting}」不存在（数据库和本次导入的会议记录中都没有）`,
        `meeting "${meeting}" is unknown (neither in the database nor in the meeting files of this import)`, meeting);
      return null;
    }
    const memberRow = l.memberIn(m[1], member);
    if (memberRow === undefined) {
      const other = l.store.member(member);
      if (other) {
        row.fail('member', `党员「${member}」不属于会议「${meeting}」所在的党支部`,
          `member "${member}" does not belong to the branch of meeting "${meeting}"`, member);
      } else {
        row.fail('member', `党员编号「${member}」不存在（数据库和本次导入的党员名册中都没有）`,
          `member "${member}" is unknown (neither in the database nor in the roster files of this import)`, member);
      }
      return null;
    }
    if (!status) return null;
    return { meetingRow: m[0], orgId: m[1], heldAt: m[2], memberRow, code: entryCode(status, method ?? null), signedAt: signedAt ?? NaN };
  },

  openWriter(cmd) {
    return new AttendanceWriter(cmd);
  },
};
