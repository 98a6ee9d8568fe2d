/**
 * Seeds rosters and sign-ins into a test store by SQL, on either adapter.
 *
 * TRANSITIONAL: the port's import session (store.imports.begin()) cannot write members or
 * attendance rows yet (ImportRows has orgs, meetings, assessments, vetoes only); until it can, the
 * tests of the members family seed them here, in the stored layout (one packed attendance row per
 * tracked meeting, members.months derived as an import leaves it: src/store/rows/attendance-codec.ts).
 * Orgs and meetings are still seeded through an import session. Once the session writes members and
 * attendance, replace this with it.
 */
import pg from 'pg';
import type { AttendanceStatus, Member, SignInMethod } from '../../src/domain/members.js';
import { entryCode, monthOfInstant, packEntries, packMonths, tookPart } from '../../src/store/rows/attendance-codec.js';
import { sqliteHandle } from '../../src/store/sqlite/index.js';
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

type Exec = (sql: string, params: unknown[]) => Promise<unknown[][]>;

/** `?` placeholders, run on the store's own database (a second connection on PostgreSQL). */
async function withExec<T>(t: TempStore, fn: (exec: Exec) => Promise<T>): Promise<T> {
  if (t.store.kind === 'sqlite') {
    const c = sqliteHandle(t.store)!.$client;
    return fn(async (sql, params) => {
      const s = c.prepare(sql);
      return s.reader ? (s.raw().all(...params) as unknown[][]) : (s.run(...params), []);
    });
  }
  const client = new pg.Client({ connectionString: t.spec });
  await client.connect();
  try {
    return await fn(async (sql, params) => {
      let n = 0;
      const text = sql.replace(/\?/g, () => `$${++n}`);
      return (await client.query({ text, values: params, rowMode: 'array' })).rows as unknown[][];
    });
  } finally {
    await client.end();
  }
}

/**
 * Write members (row ids from 1 + the highest stored one, in the given order) and the sign-ins of
 * already imported meetings. Returns member row ids by member id.
 */
export async function seedMembers(t: TempStore, members: readonly SeedMember[], signIns: readonly SeedSignIn[] = []): Promise<Map<string, number>> {
  return withExec(t, async (exec) => {
    const orgIds = new Map((await exec('SELECT code, id FROM orgs', [])) as [string, number][]);
    const meetings = new Map(
      ((await exec('SELECT record_id, id, org_id, held_at FROM meetings', [])) as [string, number, number, number][]).map((r) => [r[0], r.slice(1).map(Number) as [number, number, number]]),
    );
    const [[maxRow]] = (await exec('SELECT coalesce(max(id), 0) FROM members', [])) as [[number]];
    const rows = new Map<string, number>();
    let next = Number(maxRow);
    for (const m of members) rows.set(m.id, ++next);

    // Sign-ins per meeting → one packed row; participation months per member.
    const byMeeting = new Map<string, SeedSignIn[]>();
    for (const s of signIns) {
      const list = byMeeting.get(s.meeting);
      if (list) list.push(s);
      else byMeeting.set(s.meeting, [s]);
    }
    const months = new Map<number, Set<number>>();
    for (const [record, list] of byMeeting) {
      const meeting = meetings.get(record);
      if (!meeting) throw new Error(`seed: no meeting ${record}`);
      const [meetingRow, orgId, heldAt] = meeting;
      const entries = list.map((s) => {
        const row = rows.get(s.member);
        if (row === undefined) throw new Error(`seed: no member ${s.member}`);
        return { row, code: entryCode(s.status, s.method ?? null), signedAt: s.signedAt ?? NaN };
      });
      entries.sort((a, b) => a.row - b.row);
      const counts = [0, 0, 0];
      for (const e of entries) {
        counts[e.code & 3]!++;
        if (tookPart(e.code)) {
          let set = months.get(e.row);
          if (!set) months.set(e.row, (set = new Set()));
          set.add(monthOfInstant(heldAt));
        }
      }
      const signed = entries.some((e) => !Number.isNaN(e.signedAt)) ? Buffer.from(Float64Array.from(entries.map((e) => e.signedAt)).buffer).toString('base64') : null;
      await exec('INSERT INTO attendance (meeting_id, org_id, held_at, present, excused, absent, entries, signed) VALUES (?, ?, ?, ?, ?, ?, ?, ?)', [
        meetingRow, orgId, heldAt, counts[0], counts[1], counts[2],
        packEntries(entries.map((e) => e.row), entries.map((e) => e.code), entries.length), signed,
      ]);
    }
    for (const m of members) {
      const orgId = orgIds.get(m.org);
      if (orgId === undefined) throw new Error(`seed: no org ${m.org}`);
      const row = rows.get(m.id)!;
      const set = months.get(row);
      await exec(
        'INSERT INTO members (id, member_id, org_id, name, status, joined_on, full_on, flowing, phone, left_on, months) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
        [row, m.id, orgId, m.name, m.status, m.joinedOn, m.fullOn ?? null, m.flowing == null ? null : m.flowing ? 1 : 0, m.phone ?? null, m.leftOn ?? null,
          set ? packMonths([...set].sort((a, b) => a - b)) : null],
      );
    }
    return rows;
  });
}
