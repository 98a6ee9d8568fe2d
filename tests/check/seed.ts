/** Test data written straight into the tables (drizzle), and a runner for the real `orglife check`. */
import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { parseTimestamp } from '../../src/domain/calendar.js';
import type { Db } from '../../src/store/sqlite/db.js';
import { meetings, orgs } from '../../src/store/sqlite/schema.js';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/orglife.js');
const run = promisify(execFile);

type OrgInsert = typeof orgs.$inferInsert;
type MeetingInsert = typeof meetings.$inferInsert;

/** A committee row. */
export function committee(code: string, name: string, parent: string | null = null): OrgInsert {
  return { code, name, kind: 'committee', parent, updatedAt: 0 };
}

/** A long-established organ branch without groups or election date, unless overridden. */
export function branch(code: string, name: string, parent: string, over: Partial<OrgInsert> = {}): OrgInsert {
  return { code, name, kind: 'branch', parent, domain: 'organ', members: 20, groups: 0, establishedOn: '2000-01-01', updatedAt: 0, ...over };
}

/** Insert orgs; returns their row ids by code. */
export function insertOrgs(db: Db, rows: OrgInsert[]): Map<string, number> {
  db.insert(orgs).values(rows).run();
  const all = db.select({ id: orgs.id, code: orgs.code }).from(orgs).all();
  return new Map(all.map((o) => [o.code, o.id]));
}

/** A well-attended meeting with minutes, for the branch with row id `orgId`. */
export function meeting(recordId: string, orgId: number, type: string, heldAt: string, over: Partial<MeetingInsert> = {}): MeetingInsert {
  const t = parseTimestamp(heldAt);
  if (t === null) throw new Error(`bad timestamp in test: ${heldAt}`);
  return { recordId, orgId, type, heldAt: t, expected: 10, attended: 9, minutes: 1, lecturerRole: type === 'lecture' ? 'other' : null, ...over };
}

/** Insert meeting rows. */
export function insertMeetings(db: Db, rows: MeetingInsert[]): void {
  if (rows.length) db.insert(meetings).values(rows).run();
}

/** Every meeting a branch owes, each period from `from` through `to` (inclusive months), so it has no lapse. */
export function allDuties(prefix: string, orgId: number, from: { y: number; m: number }, to: { y: number; m: number }): MeetingInsert[] {
  const out: MeetingInsert[] = [];
  for (let y = from.y, m = from.m; y < to.y || (y === to.y && m <= to.m); m === 12 ? (y++, (m = 1)) : m++) {
    const d = `${y}-${String(m).padStart(2, '0')}-10T09:00`;
    out.push(meeting(`${prefix}-${y}${m}-cm`, orgId, 'committee', d), meeting(`${prefix}-${y}${m}-td`, orgId, 'theme_day', d));
    if (m % 3 === 1) {
      out.push(meeting(`${prefix}-${y}${m}-as`, orgId, 'assembly', d), meeting(`${prefix}-${y}${m}-lc`, orgId, 'lecture', d));
    }
    if (m === 1) {
      out.push(
        meeting(`${prefix}-${y}-sl`, orgId, 'lecture', `${y}-01-20T09:00`, { lecturerRole: 'secretary' }),
        meeting(`${prefix}-${y}-lm`, orgId, 'life_meeting', d),
        meeting(`${prefix}-${y}-rv`, orgId, 'review', d),
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
export function seedCity(db: Db): Map<string, number> {
  const ids = insertOrgs(db, [
    committee('C0', '市委'),
    committee('C1', '城关镇党委', 'C0'),
    committee('C2', '东街街道党委', 'C0'),
    committee('C2A', '幸福社区党委', 'C2'),
    branch('B101', '城关镇机关党支部', 'C1'),
    branch('B102', '城关镇第二党支部', 'C1'),
    branch('B201', '东街第一党支部', 'C2'),
    branch('B2A1', '幸福社区党支部', 'C2A', { domain: 'community', groups: 2, electedOn: '2022-03-01' }),
  ]);
  const from = { y: 2025, m: 1 };
  const to = { y: 2026, m: 11 };
  const rows = [
    ...allDuties('B101', ids.get('B101')!, from, to).filter((m) => m.recordId !== 'B101-202610-cm'),
    ...allDuties('B102', ids.get('B102')!, from, to).filter((m) => m.recordId !== 'B102-20265-cm'),
    ...allDuties('B201', ids.get('B201')!, from, to),
    meeting('B201-q4-as2', ids.get('B201')!, 'assembly', '2026-11-05T14:00', { expected: 10, attended: 5 }),
    ...allDuties('B2A1', ids.get('B2A1')!, from, to),
  ];
  for (let y = 2025, m = 1; y < 2026 || m <= 11; m === 12 ? (y++, (m = 1)) : m++) {
    const day = `${y}-${String(m).padStart(2, '0')}`;
    rows.push(meeting(`B2A1-${y}${m}-g1`, ids.get('B2A1')!, 'group', `${day}-12T19:00`));
    if (!(y === 2026 && m === 10)) rows.push(meeting(`B2A1-${y}${m}-g2`, ids.get('B2A1')!, 'group', `${day}-13T19:00`));
  }
  insertMeetings(db, rows);
  return ids;
}
