/**
 * Sign-ins (参会签到), keyed by (meeting, member). Rows are checked as they stream in; the meeting
 * and the member are looked up through the import session a batch at a time (a member must belong
 * to the meeting's branch), and the session merges the rows into its packed per-meeting store
 * (src/store/rows/attendance-merge.ts), deciding each row's outcome as it arrives so errors name
 * the row's own line.
 */
import {
  ATTENDANCE_STATUS_NAMES_ZH,
  SIGN_IN_METHOD_NAMES_ZH,
  type AttendanceStatus,
  type SignInMethod,
} from '../../domain/members.js';
import type { AttendanceUpsert } from '../../store/types/imports.js';
import { SessionBatch } from '../batch.js';
import type { CommandContext, FileTally, RowContext, RowPosition, TableSpec, TableWriter } from '../table.js';
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

/** A checked sign-in row, by interchange ids (resolved by the writer). */
export interface AttendanceRow {
  meeting: string;
  member: string;
  status: AttendanceStatus;
  method: SignInMethod | null;
  signedAt: number | null;
}

class AttendanceWriter implements TableWriter<AttendanceRow> {
  private rows: AttendanceRow[] = [];
  private pos: RowPosition[] = [];
  private ctx: RowContext | undefined;
  private readonly batch: SessionBatch<'attendance'>;

  constructor(private readonly cmd: CommandContext) {
    this.batch = new SessionBatch(cmd, 'attendance', () => ({ key: 'member', zh: '本会议的党员「签到」', en: "this member's sign-in for the meeting", value: undefined }));
  }

  async beginFile(file: FileTally): Promise<void> {
    await this.flush();
    await this.batch.nextFile();
    this.ctx = undefined;
    await this.cmd.session.beginFile('attendance', file.source);
  }

  add(r: AttendanceRow, row: RowContext): void {
    this.ctx = row;
    this.rows.push(r);
    this.pos.push({ line: row.line, item: row.item, seq: row.seq });
  }

  /** Resolve the staged rows' meetings and members (one lookup each per batch), then hand the good ones to the session. */
  async flush(): Promise<void> {
    const ctx = this.ctx;
    if (!this.rows.length || !ctx) return;
    const rows = this.rows;
    const pos = this.pos;
    this.rows = [];
    this.pos = [];
    const { session } = this.cmd;
    const meetings = await session.meetingRefs(rows.map((r) => r.meeting));
    const members = await session.memberRefs(rows.map((r) => r.member));
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i]!;
      const p = pos[i]!;
      const m = meetings.get(r.meeting);
      if (!m) {
        ctx.failAt(p, 'meeting', `记录编号「${r.meeting}」不存在（数据库和本次导入的会议记录中都没有）`,
          `meeting "${r.meeting}" is unknown (neither in the database nor in the meeting files of this import)`, r.meeting);
        continue;
      }
      const member = members.get(r.member);
      if (!member) {
        ctx.failAt(p, 'member', `党员编号「${r.member}」不存在（数据库和本次导入的党员名册中都没有）`,
          `member "${r.member}" is unknown (neither in the database nor in the roster files of this import)`, r.member);
        continue;
      }
      if (member.orgId !== m.orgId) {
        ctx.failAt(p, 'member', `党员「${r.member}」不属于会议「${r.meeting}」所在的党支部`,
          `member "${r.member}" does not belong to the branch of meeting "${r.meeting}"`, r.member);
        continue;
      }
      const w: AttendanceUpsert = { meeting: m, memberRow: member.row, status: r.status, method: r.method, signedAt: r.signedAt };
      this.batch.add(w, ctx, p);
    }
    await this.batch.flush();
  }

  async finish(): Promise<void> {
    await this.flush();
    await this.batch.flush(true);
  }
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

  validate(rec) {
    const { meeting, member, status, method, signedAt } = rec as {
      meeting?: string | null;
      member?: string | null;
      status?: AttendanceStatus | null;
      method?: SignInMethod | null;
      signedAt?: number | null;
    };
    if (typeof meeting !== 'string' || typeof member !== 'string' || !status) return null;
    return { meeting, member, status, method: method ?? null, signedAt: signedAt ?? null };
  },

  openWriter(cmd) {
    return new AttendanceWriter(cmd);
  },
};
