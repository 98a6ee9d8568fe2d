/** Test data imported through the store port (an import session), and a runner for the real `orglife check`. */
import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { parseTimestamp } from '../../src/domain/calendar.js';
import type { Meeting, MeetingType, Org } from '../../src/domain/types.js';
import type { Store } from '../../src/store/port.js';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/orglife.js');
const run = promisify(execFile);

const NO_CONTACTS = { secretary: null, secretaryPhone: null, secretaryEmail: null, clerk: null, clerkPhone: null, clerkEmail: null } as const;

/** A committee row. */
export function committee(code: string, name: string, parent: string | null = null): Org {
  return { code, name, kind: 'committee', parent, domain: null, members: 0, groups: 0, ...NO_CONTACTS, electedOn: null, termYears: null, establishedOn: null };
}

/** A long-established organ branch without groups or election date, unless overridden. */
export function branch(code: string, name: string, parent: string, over: Partial<Org> = {}): Org {
  return { code, name, kind: 'branch', parent, domain: 'organ', members: 20, groups: 0, ...NO_CONTACTS, electedOn: null, termYears: null, establishedOn: '2000-01-01', ...over };
}

/** Import orgs (one import session); returns the row ids of every org by code. */
export async function insertOrgs(store: Store, rows: Org[]): Promise<Map<string, number>> {
  const s = await store.imports.begin();
  try {
    await s.beginFile('orgs');
    await s.upsert('orgs', rows, rows.map((_, i) => i + 2), 0);
    const refs = await s.orgRefs();
    await s.commit();
    return new Map([...refs].map(([code, r]) => [code, r.id]));
  } catch (e) {
    await s.rollback();
    throw e;
  }
}

/** A well-attended meeting with minutes, of the branch with code `org`. */
export function meeting(id: string, org: string, type: MeetingType, heldAt: string, over: Partial<Meeting> = {}): Meeting {
  const t = parseTimestamp(heldAt);
  if (t === null) throw new Error(`bad timestamp in test: ${heldAt}`);
  return { id, org, type, heldAt: t, expected: 10, attended: 9, minutes: true, lecturerRole: type === 'lecture' ? 'other' : null, topic: null, ...over };
}

/** Import meeting records (one import session). */
export async function insertMeetings(store: Store, rows: Meeting[]): Promise<void> {
  if (!rows.length) return;
  const s = await store.imports.begin();
  try {
    const refs = await s.orgRefs();
    await s.beginFile('meetings');
    const BATCH = 1000;
    for (let i = 0; i < rows.length; i += BATCH) {
      const part = rows.slice(i, i + BATCH);
      await s.upsert('meetings', part.map((m) => ({ meeting: m, orgId: refs.get(m.org)!.id })), part.map((_, k) => i + k + 2), 0);
    }
    await s.commit();
  } catch (e) {
    await s.rollback();
    throw e;
  }
}

/** Every meeting a branch owes, each period from `from` through `to` (inclusive months), so it has no lapse. */
export function allDuties(prefix: string, org: string, from: { y: number; m: number }, to: { y: number; m: number }): Meeting[] {
  const out: Meeting[] = [];
  for (let y = from.y, m = from.m; y < to.y || (y === to.y && m <= to.m); m === 12 ? (y++, (m = 1)) : m++) {
    const d = `${y}-${String(m).padStart(2, '0')}-10T09:00`;
    out.push(meeting(`${prefix}-${y}${m}-cm`, org, 'committee', d), meeting(`${prefix}-${y}${m}-td`, org, 'theme_day', d));
    if (m % 3 === 1) {
      out.push(meeting(`${prefix}-${y}${m}-as`, org, 'assembly', d), meeting(`${prefix}-${y}${m}-lc`, org, 'lecture', d));
    }
    if (m === 1) {
      out.push(
        meeting(`${prefix}-${y}-sl`, org, 'lecture', `${y}-01-20T09:00`, { lecturerRole: 'secretary' }),
        meeting(`${prefix}-${y}-lm`, org, 'life_meeting', d),
        meeting(`${prefix}-${y}-rv`, org, 'review', d),
      );
    }
  }
  return out;
}

export interface RunResult {
  stdout: string;
  stderr: string;
  code: number;
}

/** Run `node bin/orglife.js ARGS` with the given database and configuration. */
export async function orglife(args: string[], env: { db: string; config?: string }): Promise<RunResult> {
  try {
    const r = await run(process.execPath, [BIN, ...args], {
      cwd: ROOT,
      env: { ...process.env, ORGLIFE_DB: env.db, ORGLIFE_CONFIG: env.config ?? join(ROOT, 'config') },
      maxBuffer: 16 << 20,
    });
    return { ...r, code: 0 };
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; code?: number };
    if (typeof err.code !== 'number') throw e;
    return { stdout: err.stdout ?? '', stderr: err.stderr ?? '', code: err.code };
  }
}

/** The evaluation time of the seeded city. */
export const NOW = '2026-11-28T10:00';

/**
 * A small city, complete from January 2025 through November 2026 except for what is wrong:
 * - C1 城关镇党委: B101 held no committee meeting in October 2026; B102 none in May 2026 (outside
 *   the window: only visible when that period is asked for) and is otherwise clean.
 * - C2 东街街道党委: B201 held an assembly without quorum (5 of 10) on 5 November 2026.
 * - C2A 幸福社区党委 (under C2): B2A1 (community, 2 party groups) held one group meeting in October
 *   2026, and its committee, elected 2022-03-01 for the community default of 5 years, ends on 2027-03-01.
 */
export async function seedCity(store: Store, opts: { contacts?: boolean } = {}): Promise<Map<string, number>> {
  // With contacts, each branch's secretary 书记 has a mailbox (<code>@example.cn), so alerts are mailed.
  const withContacts = (o: Org): Org => (opts.contacts && o.kind === 'branch' ? { ...o, secretary: '书记', secretaryEmail: `${o.code.toLowerCase()}@example.cn` } : o);
  const ids = await insertOrgs(store, [
    committee('C0', '市委'),
    committee('C1', '城关镇党委', 'C0'),
    committee('C2', '东街街道党委', 'C0'),
    committee('C2A', '幸福社区党委', 'C2'),
    branch('B101', '城关镇机关党支部', 'C1'),
    branch('B102', '城关镇第二党支部', 'C1'),
    branch('B201', '东街第一党支部', 'C2'),
    branch('B2A1', '幸福社区党支部', 'C2A', { domain: 'community', groups: 2, electedOn: '2022-03-01' }),
  ].map(withContacts));
  const from = { y: 2025, m: 1 };
  const to = { y: 2026, m: 11 };
  const rows = [
    ...allDuties('B101', 'B101', from, to).filter((m) => m.id !== 'B101-202610-cm'),
    ...allDuties('B102', 'B102', from, to).filter((m) => m.id !== 'B102-20265-cm'),
    ...allDuties('B201', 'B201', from, to),
    meeting('B201-q4-as2', 'B201', 'assembly', '2026-11-05T14:00', { expected: 10, attended: 5 }),
    ...allDuties('B2A1', 'B2A1', from, to),
  ];
  for (let y = 2025, m = 1; y < 2026 || m <= 11; m === 12 ? (y++, (m = 1)) : m++) {
    const day = `${y}-${String(m).padStart(2, '0')}`;
    rows.push(meeting(`B2A1-${y}${m}-g1`, 'B2A1', 'group', `${day}-12T19:00`));
    if (!(y === 2026 && m === 10)) rows.push(meeting(`B2A1-${y}${m}-g2`, 'B2A1', 'group', `${day}-13T19:00`));
  }
  await insertMeetings(store, rows);
  return ids;
}
