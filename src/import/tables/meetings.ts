/**
 * The meeting records table (会议记录), keyed by `id`. Rows are validated as they stream in and
 * handed to the import session in batches, so a file of millions of rows never sits in memory.
 */
import { MEETING_TYPE_NAMES_ZH, type LecturerRole, type Meeting, type MeetingType } from '../../domain/types.js';
import { SessionBatch } from '../batch.js';
import type { DeferredOutcomes } from '../../store/types/imports.js';
import type { CommandContext, FileTally, RowContext, TableSpec, TableWriter } from '../table.js';
import { code, count, Invalid, oneOf, text, timestamp, yesNo } from '../values.js';

/** 会议类型: English code or Chinese name (党员大会/支部党员大会, 支委会/支部委员会会议, 党小组会, 党课, …). */
export const parseMeetingType = oneOf<MeetingType>({ zh: '会议类型', en: 'meeting type' }, MEETING_TYPE_NAMES_ZH, {
  党员大会: 'assembly',
  支委会: 'committee',
  支部委员会: 'committee',
  主题党日活动: 'theme_day',
});

/** 授课人: secretary (书记) or other (其他). */
export const parseLecturerRole = oneOf<LecturerRole>(
  { zh: '授课人', en: 'lecturer role' },
  { secretary: '书记', other: '其他' },
  { 支部书记: 'secretary' },
);

class MeetingsWriter implements TableWriter<Meeting> {
  private readonly batch: SessionBatch<'meetings'>;

  constructor(private readonly cmd: CommandContext) {
    const named = (id: string) => ({ key: 'id', zh: `记录编号「${id}」`, en: `record id "${id}"`, value: id });
    this.batch = new SessionBatch(cmd, 'meetings', (m) => named(m.meeting.id), undefined, named);
  }

  async beginFile(file: FileTally): Promise<void> {
    await this.batch.nextFile(file);
    await this.cmd.session.beginFile('meetings', file.source);
  }

  add(m: Meeting, row: RowContext): void {
    const orgId = this.cmd.orgs.get(m.org)?.id;
    // No id: the org's own row was bad, so the command is already failing; nothing to write.
    if (orgId === null || orgId === undefined) return;
    this.batch.add({ meeting: m, orgId }, row);
  }

  flush(): Promise<void> {
    return this.batch.flush();
  }

  // Sign-ins of meetings replaced in this command follow their new time or branch: the session does it at commit.
  finish(): Promise<void> {
    return this.batch.flush(true);
  }

  settle(d: DeferredOutcomes): void {
    this.batch.settleDeferred(d);
  }
}

/** 会议记录: one row per meeting held. */
export const meetingsTable: TableSpec<Meeting> = {
  name: 'meetings',
  nameZh: '会议记录',
  order: 20,
  signature: ['id', 'org', 'type', 'held_at'],
  columns: [
    { key: 'id', zh: '记录编号', aliases: ['会议编号', '记录ID'], required: true, parse: code },
    { key: 'org', zh: '组织编码', aliases: ['支部编码', '党支部编码'], required: true, parse: code },
    { key: 'type', zh: '会议类型', aliases: ['类型'], required: true, parse: parseMeetingType },
    { key: 'held_at', zh: '召开时间', field: 'heldAt', aliases: ['会议时间', '开会时间'], required: true, parse: timestamp },
    { key: 'expected', zh: '应到人数', required: true, parse: count },
    { key: 'attended', zh: '实到人数', required: true, parse: count },
    { key: 'minutes', zh: '有无记录', aliases: ['有无会议记录', '会议记录'], parse: yesNo },
    // Parsed in validate: only lectures care, so a stray value on another meeting is not an error.
    { key: 'lecturer_role', zh: '授课人', field: 'lecturerRole', aliases: ['授课人身份'], parse: text },
    { key: 'topic', zh: '主题', aliases: ['会议主题', '内容'], parse: text },
    // Optional minutes elements (会议记录要素) and evidence.
    { key: 'place', zh: '地点', aliases: ['会议地点', '召开地点'], parse: text },
    { key: 'chair', zh: '主持人', parse: text },
    { key: 'recorder', zh: '记录人', parse: text },
    { key: 'agenda', zh: '议程', aliases: ['会议议程'], parse: text },
    { key: 'resolutions', zh: '决议', aliases: ['会议决议', '决议事项'], parse: text },
    { key: 'duration_minutes', zh: '时长（分钟）', field: 'durationMinutes', aliases: ['时长', '会议时长', '时长分钟'], parse: count },
    { key: 'video', zh: '有无录像', aliases: ['录像', '有无视频'], parse: yesNo },
    { key: 'photos', zh: '照片数', aliases: ['照片数量', '照片'], parse: count },
  ],

  validate(rec, row) {
    const m = rec as unknown as { [K in keyof Meeting]: Meeting[K] | undefined };
    if (typeof m.expected === 'number' && typeof m.attended === 'number' && m.attended > m.expected) {
      row.fail('attended', `实到人数 ${m.attended} 大于应到人数 ${m.expected}`, `attended ${m.attended} exceeds expected ${m.expected}`, m.attended);
    }
    if (typeof m.org === 'string') {
      const org = row.cmd.orgs.get(m.org);
      if (!org) {
        row.fail(
          'org',
          `组织编码「${m.org}」不存在（数据库和本次导入的组织文件中都没有）`,
          `org "${m.org}" is unknown (neither in the database nor in the org files of this import)`,
          m.org,
        );
      } else if (org.kind !== 'branch' && !org.invalid) {
        row.fail('org', `「${m.org}」是党委，会议记录应属于党支部`, `"${m.org}" is a committee; meetings belong to branches`, m.org);
      }
    }
    let role: LecturerRole | null = null;
    if (m.type === 'lecture' && m.lecturerRole !== undefined) {
      const r = parseLecturerRole(m.lecturerRole);
      if (r instanceof Invalid) row.fail('lecturer_role', r.zh, r.en, m.lecturerRole);
      else role = r;
    }
    m.lecturerRole = role;
    return m as Meeting;
  },

  openWriter(cmd) {
    return new MeetingsWriter(cmd);
  },
};
