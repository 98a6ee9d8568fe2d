/**
 * Rosters and sign-ins of a synthetic branch (opt-in: `writeCityFiles({members: true})`, so the
 * default city and the tests that use it stay as they were). Deterministic per (seed, branch):
 * `org.members` members, one probationary member in about a fifth of the branches, and for every
 * meeting a present row for `attended` members (the sign-in export lists only those present),
 * rotating through the roster so everyone takes part regularly.
 */
import { rngFor } from './prng.js';
import { personName } from './names.js';
import type { MeetingRow, OrgRow } from './types.js';

/** A roster row in the interchange format. */
export interface MemberRow {
  id: string;
  org: string;
  name: string;
  status: 'full' | 'probationary';
  joined_on: string;
  full_on: string | null;
  phone: string | null;
}

/** A sign-in row in the interchange format. */
export interface AttendanceRow {
  meeting: string;
  member: string;
  status: 'present';
}

export const MEMBER_KEYS = ['id', 'org', 'name', 'status', 'joined_on', 'full_on', 'phone'] as const satisfies readonly (keyof MemberRow)[];
export const ATTENDANCE_KEYS = ['meeting', 'member', 'status'] as const satisfies readonly (keyof AttendanceRow)[];

/** The roster of one branch. `now` is 'YYYY-MM-DD…' (probationary members joined in the year before it). */
export function branchRoster(seed: number, index: number, org: OrgRow, now: string): MemberRow[] {
  const rng = rngFor(seed, 0x6d656d, index);
  const n = Math.max(1, org.members ?? 1);
  const out: MemberRow[] = [];
  const year = Number(now.slice(0, 4));
  const probationary = rng.chance(0.2);
  for (let i = 0; i < n; i++) {
    const id = `${org.code}-${String(i + 1).padStart(3, '0')}`;
    if (probationary && i === n - 1) {
      const month = String(rng.int(1, 12)).padStart(2, '0');
      out.push({ id, org: org.code, name: personName(rng).name, status: 'probationary', joined_on: `${year - 1}-${month}-15`, full_on: null, phone: null });
      continue;
    }
    const joined = `${rng.int(1975, year - 3)}-07-01`;
    const full = `${Number(joined.slice(0, 4)) + 1}-07-01`;
    out.push({ id, org: org.code, name: personName(rng).name, status: 'full', joined_on: joined, full_on: full, phone: rng.chance(0.5) ? `139${String(rng.int(0, 99_999_999)).padStart(8, '0')}` : null });
  }
  return out;
}

/** Present rows for each meeting: `attended` members, rotating through the roster (probationary ones only after joining). */
export function branchSignIns(roster: readonly MemberRow[], meetings: readonly MeetingRow[]): AttendanceRow[] {
  const out: AttendanceRow[] = [];
  let start = 0;
  for (const m of meetings) {
    const eligible = roster.filter((r) => r.joined_on <= m.held_at.slice(0, 10));
    const k = Math.min(m.attended, eligible.length);
    for (let j = 0; j < k; j++) out.push({ meeting: m.id, member: eligible[(start + j) % eligible.length]!.id, status: 'present' });
    start = (start + k) % Math.max(1, eligible.length);
  }
  return out;
}
