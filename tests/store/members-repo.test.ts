/**
 * The members repository through the port, on the store tempStore() gives (SQLite, or PostgreSQL):
 * rosters, participation months, first tracked meeting, meeting details with present sign-ins,
 * roster counts, decoded sign-ins, who took part, the member list and the counts.
 * Everything is written through import sessions (members and sign-ins by tests/helpers/members-seed.ts).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { shanghaiMidnight } from '../../src/domain/calendar.js';
import { monthIndex } from '../../src/domain/members.js';
import type { Meeting, Org } from '../../src/domain/types.js';
import { seedMembers } from '../helpers/members-seed.js';
import { tempStore, type TempStore } from '../helpers/store.js';

const NOW = shanghaiMidnight(2026, 11, 20);
const OCT = shanghaiMidnight(2026, 10, 10);
const SEP = shanghaiMidnight(2026, 9, 8);
const NOV = shanghaiMidnight(2026, 11, 5);

function org(code: string, over: Partial<Org> = {}): Org {
  return {
    code, name: `组织${code}`, kind: 'branch', parent: 'C1', domain: 'organ', members: 10, groups: 0,
    secretary: null, secretaryPhone: null, secretaryEmail: null, clerk: null, clerkPhone: null, clerkEmail: null,
    electedOn: null, termYears: null, establishedOn: '2000-01-01', ...over,
  };
}

function meeting(id: string, orgCode: string, heldAt: number, over: Partial<Meeting> = {}): Meeting {
  return { id, org: orgCode, type: 'assembly', heldAt, expected: 3, attended: 3, minutes: true, lecturerRole: null, topic: null, ...over };
}

describe('members repository', () => {
  let t: TempStore;
  let ids: Map<string, number>;
  let rows: Map<string, number>;
  beforeEach(async () => {
    t = await tempStore();
    const s = await t.store.imports.begin();
    await s.beginFile('orgs');
    await s.upsert('orgs', [org('C1', { kind: 'committee', parent: null, domain: null }), org('B1'), org('B2'), org('B3')], [2, 3, 4, 5], NOW);
    const refs = await s.orgRefs();
    ids = new Map([...refs].map(([code, r]) => [code, r.id]));
    await s.beginFile('meetings');
    const ms = [
      meeting('m-sep', 'B1', SEP, { place: '会议室', chair: '张三', recorder: null, agenda: '学习', resolutions: null, durationMinutes: 45, video: false, photos: 2 }),
      meeting('m-oct', 'B1', OCT, { type: 'committee', attended: 5 }),
      meeting('m-nov', 'B1', NOV),
      meeting('m-b2', 'B2', OCT),
    ];
    await s.upsert('meetings', ms.map((m) => ({ meeting: m, orgId: ids.get(m.org)! })), [2, 3, 4, 5], NOW);
    await s.commit();
    rows = await seedMembers(
      t,
      [
        { id: 'P2', org: 'B1', name: '李四', status: 'probationary', joinedOn: '2025-12-01', fullOn: null, phone: '13800000002', flowing: true },
        { id: 'P1', org: 'B1', name: '张三', status: 'full', joinedOn: '2010-01-01', phone: '13800000001', flowing: false },
        { id: 'P3', org: 'B1', name: '王五', status: 'full', joinedOn: '2010-01-01', leftOn: '2026-10-01' },
        { id: 'Q1', org: 'B2', name: '赵六', status: 'full', joinedOn: '2026-12-01' },
      ],
      [
        { meeting: 'm-sep', member: 'P1', status: 'present', method: 'face', signedAt: SEP + 60_000 },
        { meeting: 'm-sep', member: 'P2', status: 'excused' },
        { meeting: 'm-sep', member: 'P3', status: 'absent' },
        { meeting: 'm-oct', member: 'P1', status: 'present', method: 'qr' },
        { meeting: 'm-oct', member: 'P2', status: 'absent', method: 'manual' },
      ],
    );
  });
  afterEach(async () => t.cleanup());

  it('reads rosters by branch in member-id order with their participation months, and the first tracked meeting', async () => {
    const b1 = ids.get('B1')!;
    const b3 = ids.get('B3')!;
    const rosters = await t.store.members.rosters([b1, b3]);
    expect([...rosters.keys()]).toEqual([b1]);
    const r = rosters.get(b1)!;
    expect(r.map((m) => m.id)).toEqual(['P1', 'P2', 'P3']);
    expect(r[0]).toEqual({ row: rows.get('P1'), id: 'P1', name: '张三', status: 'full', joinedOn: '2010-01-01', fullOn: null, leftOn: null, months: Uint16Array.from([monthIndex(2026, 9), monthIndex(2026, 10)]) });
    expect([...r[1]!.months]).toEqual([monthIndex(2026, 9)]);
    expect(r[1]!.status).toBe('probationary');
    expect(r[2]!.leftOn).toBe('2026-10-01');
    expect([...r[2]!.months]).toEqual([]);
    expect(await t.store.members.rosters([])).toEqual(new Map());

    expect(await t.store.members.firstTrackedAt([b1, ids.get('B2')!, b3], NOW)).toEqual(new Map([[b1, SEP]]));
    expect(await t.store.members.firstTrackedAt([b1], SEP - 1)).toEqual(new Map());
  });

  it('reads meeting details with their minutes elements and present sign-ins in [from, until]', async () => {
    const b1 = ids.get('B1')!;
    const details = await t.store.members.meetingDetails([b1, ids.get('B2')!], SEP, NOW);
    const d = [...details.get(b1)!].sort((a, b) => a.heldAt - b.heldAt);
    expect(d.map((x) => [x.type, x.heldAt, x.present])).toEqual([
      ['assembly', SEP, 1],
      ['committee', OCT, 1],
      ['assembly', NOV, null],
    ]);
    expect(d[0]).toMatchObject({
      attended: 3, minutes: true, place: true, chair: true, recorder: false, agenda: true, resolutions: false,
      durationMinutes: 45, video: false, photos: 2,
    });
    expect(d[2]).toMatchObject({ place: false, chair: false, durationMinutes: null, video: null, photos: null });
    const recordIds = await t.store.facts.recordIdsOf(d.map((x) => x.id));
    expect(d.map((x) => recordIds.get(x.id))).toEqual(['m-sep', 'm-oct', 'm-nov']);
    expect(details.get(ids.get('B2')!)!.map((x) => x.present)).toEqual([null]);
    // `informative`: only meetings with sign-ins or a minutes element (m-sep has both, m-oct sign-ins).
    const informative = await t.store.members.meetingDetails([b1, ids.get('B2')!], SEP, NOW, { informative: true });
    expect([...informative.keys()]).toEqual([b1]);
    expect(informative.get(b1)!.map((x) => x.heldAt).sort()).toEqual([SEP, OCT]);
    expect(informative.get(b1)!.find((x) => x.heldAt === SEP)).toEqual(d[0]);
    // Both ends are inclusive; an empty range reads nothing.
    expect((await t.store.members.meetingDetails([b1], OCT, OCT)).get(b1)!.map((x) => x.heldAt)).toEqual([OCT]);
    expect(await t.store.members.meetingDetails([b1], NOW, SEP)).toEqual(new Map());
  });

  it('reads sign-ins decoded, who took part in [from, until), the member list with phones, roster counts and totals', async () => {
    const b1 = ids.get('B1')!;
    const tracked = (await t.store.members.trackedMeetings([b1, ids.get('B2')!], SEP, NOW)).get(b1)!;
    expect(tracked.map((m) => [m.type, m.heldAt])).toEqual([['assembly', SEP], ['committee', OCT]]);
    const sep = tracked[0]!.signIns;
    expect([...sep.members]).toEqual([rows.get('P2'), rows.get('P1'), rows.get('P3')].sort((a, b) => a! - b!));
    const at = (m: string) => [...sep.members].indexOf(rows.get(m)!);
    expect([sep.statuses[at('P1')], sep.statuses[at('P2')], sep.statuses[at('P3')]]).toEqual([0, 1, 2]);
    expect([sep.methods[at('P1')], sep.methods[at('P2')]]).toEqual([1, 0]); // face, none
    expect(sep.signedAt![at('P1')]).toBe(SEP + 60_000);
    expect(sep.signedAt![at('P2')]).toBeNaN();
    expect(tracked[1]!.signIns.signedAt).toBeNull();
    expect((await t.store.members.trackedMeetings([b1], SEP, OCT)).get(b1)!.map((m) => m.heldAt)).toEqual([SEP]); // until is exclusive

    const part = (await t.store.members.trackedIn([b1], SEP, NOW)).get(b1)!.sort((a, b) => a.heldAt - b.heldAt);
    expect(part.map((p) => [p.heldAt, [...p.tookPart].sort()])).toEqual([
      [SEP, [rows.get('P1'), rows.get('P2')].sort()],
      [OCT, [rows.get('P1')]],
    ]);
    expect(await t.store.members.trackedIn([ids.get('B2')!], SEP, NOW)).toEqual(new Map());

    const list = await t.store.members.listOf('B1');
    expect(list.map((m) => [m.id, m.org, m.phone, m.flowing])).toEqual([
      ['P1', 'B1', '13800000001', false],
      ['P2', 'B1', '13800000002', true],
      ['P3', 'B1', null, null],
    ]);
    expect(list[1]!.row).toBe(rows.get('P2'));
    expect(await t.store.members.listOf('B3')).toEqual([]);

    // P3 left on 2026-10-01; Q1 joins on 2026-12-01.
    expect(await t.store.members.rosterCounts('2026-09-30')).toEqual(new Map([['B1', 3]]));
    expect(await t.store.members.rosterCounts('2026-10-01')).toEqual(new Map([['B1', 2]]));
    expect(await t.store.members.rosterCounts('2026-12-01')).toEqual(new Map([['B1', 2], ['B2', 1]]));

    expect(await t.store.members.counts()).toEqual({ members: 4, tracked: 2, signIns: 5 });
  });
});
