/**
 * Seeds rosters and sign-ins into a test store through the port's import session (on either
 * adapter), as an import command writes them: members upserted, sign-ins keyed by (meeting, member),
 * participation months derived at commit. The orgs and meetings must already be imported.
 */
import type { AttendanceStatus, Member, SignInMethod } from '../../src/domain/members.js';
import type { TempStore } from './store.js';

export interface SeedSignIn {
  /** Meeting record id. */
  meeting: string;
  /** Member id. */
  member: string;
  status: AttendanceStatus;
  method?: SignInMethod | null;
  signedAt?: number | null;
}

export type SeedMember = Pick<Member, 'id' | 'org' | 'name' | 'status' | 'joinedOn'> & Partial<Pick<Member, 'fullOn' | 'flowing' | 'phone' | 'leftOn'>>;

/** Write members and the sign-ins of already imported meetings (one import command). Returns member row ids by member id. */
export async function seedMembers(t: TempStore, members: readonly SeedMember[], signIns: readonly SeedSignIn[] = [], now = 0): Promise<Map<string, number>> {
  const s = await t.store.imports.begin();
  try {
    const orgs = await s.orgRefs();
    await s.beginFile('members');
    const rows = members.map((m) => {
      const org = orgs.get(m.org);
      if (!org) throw new Error(`seed: no org ${m.org}`);
      return { member: { fullOn: null, flowing: null, phone: null, leftOn: null, ...m }, orgId: org.id };
    });
    const r = await s.upsert('members', rows, rows.map((_, i) => i + 2), now);
    if (r.outcomes.includes('conflict')) throw new Error('seed: a member twice');
    await s.finishTable('members');
    const refs = await s.memberRefs(members.map((m) => m.id));
    if (signIns.length) {
      const meetings = await s.meetingRefs([...new Set(signIns.map((x) => x.meeting))]);
      await s.beginFile('attendance');
      const att = signIns.map((x) => {
        const meeting = meetings.get(x.meeting);
        const member = refs.get(x.member);
        if (!meeting || !member) throw new Error(`seed: no meeting ${x.meeting} or member ${x.member}`);
        return { meeting, memberRow: member.row, status: x.status, method: x.method ?? null, signedAt: x.signedAt ?? null };
      });
      const a = await s.upsert('attendance', att, att.map((_, i) => i + 2), now);
      if (a.outcomes.includes('conflict')) throw new Error('seed: a sign-in twice');
      await s.finishTable('attendance');
    }
    await s.commit();
    return new Map([...refs].map(([id, ref]) => [id, ref.row]));
  } catch (e) {
    await s.rollback();
    throw e;
  }
}
