/**
 * The roster (党员名册), keyed by member `id`. Rows stream into the session's keyed upsert like meetings. A
 * phone is optional (a roster may be imported without phones) and is never echoed in an error.
 */
import { MEMBER_STATUS_NAMES_ZH, type Member, type MemberStatus } from '../../domain/members.js';
import { SessionBatch } from '../batch.js';
import type { DeferredOutcomes } from '../../store/types/imports.js';
import type { CommandContext, FileTally, RowContext, TableSpec, TableWriter } from '../table.js';
import { date, oneOf, phone, text, yesNo } from '../values.js';

/** 党员类别: full (正式党员) or probationary (预备党员). */
export const parseMemberStatus = oneOf<MemberStatus>({ zh: '党员类别', en: 'member status' }, MEMBER_STATUS_NAMES_ZH, {
  正式: 'full',
  预备: 'probationary',
});

// A transfer changes whose meetings count: the session refreshes the participation of changed members' branches at commit.
class MembersWriter implements TableWriter<Member> {
  private readonly batch: SessionBatch<'members'>;

  constructor(private readonly cmd: CommandContext) {
    const named = (id: string) => ({ key: 'id', zh: `党员编号「${id}」`, en: `member id "${id}"`, value: id });
    this.batch = new SessionBatch(cmd, 'members', (m) => named(m.member.id), undefined, named);
  }

  async beginFile(file: FileTally): Promise<void> {
    await this.batch.nextFile(file);
    await this.cmd.session.beginFile('members', file.source);
  }

  add(m: Member, row: RowContext): void {
    const orgId = this.cmd.orgs.get(m.org)?.id;
    if (orgId === null || orgId === undefined) return; // the org's own row was bad: already failing
    this.batch.add({ member: m, orgId }, row);
  }

  flush(): Promise<void> {
    return this.batch.flush();
  }

  finish(): Promise<void> {
    return this.batch.flush(true);
  }

  settle(d: DeferredOutcomes): void {
    this.batch.settleDeferred(d);
  }
}

/** 党员名册: one row per member. */
export const membersTable: TableSpec<Member> = {
  name: 'members',
  nameZh: '党员名册',
  order: 15,
  signature: ['id', 'org', 'name', 'status', 'joined_on'],
  columns: [
    { key: 'id', zh: '党员编号', aliases: ['党员ID', '编号'], required: true, parse: text },
    { key: 'org', zh: '组织编码', aliases: ['支部编码', '党支部编码', '所在支部编码'], required: true, parse: text },
    { key: 'name', zh: '姓名', aliases: ['党员姓名'], required: true, parse: text },
    { key: 'status', zh: '党员类别', aliases: ['党员身份', '类别'], required: true, parse: parseMemberStatus },
    { key: 'joined_on', zh: '入党日期', field: 'joinedOn', aliases: ['入党时间'], required: true, parse: date },
    { key: 'full_on', zh: '转正日期', field: 'fullOn', aliases: ['转正时间'], parse: date },
    { key: 'flowing', zh: '流动党员', aliases: ['是否流动党员'], parse: yesNo },
    { key: 'phone', zh: '手机', aliases: ['手机号', '手机号码', '联系电话'], parse: phone, masked: true },
    { key: 'left_on', zh: '离开日期', field: 'leftOn', aliases: ['转出日期', '离开时间'], parse: date },
  ],

  validate(rec, row) {
    const m = rec as unknown as { [K in keyof Member]: Member[K] | undefined };
    if (typeof m.org === 'string') {
      const org = row.cmd.orgs.get(m.org);
      if (!org) {
        row.fail('org', `组织编码「${m.org}」不存在（数据库和本次导入的组织文件中都没有）`, `org "${m.org}" is unknown`, m.org);
      } else if (org.kind !== 'branch' && !org.invalid) {
        row.fail('org', `「${m.org}」是党委，党员应编入党支部`, `"${m.org}" is a committee; members belong to branches`, m.org);
      }
    }
    if (typeof m.joinedOn === 'string') {
      if (typeof m.fullOn === 'string' && m.fullOn < m.joinedOn) {
        row.fail('full_on', `转正日期 ${m.fullOn} 早于入党日期 ${m.joinedOn}`, `full_on ${m.fullOn} is before joined_on ${m.joinedOn}`, m.fullOn);
      }
      if (typeof m.leftOn === 'string' && m.leftOn < m.joinedOn) {
        row.fail('left_on', `离开日期 ${m.leftOn} 早于入党日期 ${m.joinedOn}`, `left_on ${m.leftOn} is before joined_on ${m.joinedOn}`, m.leftOn);
      }
    }
    if (m.status === 'probationary' && typeof m.fullOn === 'string') {
      row.fail('status', `党员类别为预备党员，但已填写转正日期 ${m.fullOn}`, `status is probationary but full_on is given (${m.fullOn})`, '预备党员');
    }
    return m as Member;
  },

  openWriter(cmd) {
    return new MembersWriter(cmd);
  },
};
