/**
 * A synthetic city, streaming or in memory. Branch i depends only on (seed, i) and the city's
 * committees, so a city of any size is generated one branch at a time in bounded memory.
 */
import { parseTimestamp } from '../domain/calendar.js';
import type { Meeting, Org } from '../domain/types.js';
import { branchMeetings } from './meetings.js';
import { branchProfile, planCity, type CityPlan } from './org-tree.js';
import type { BranchManifest, CityOptions, GeneratedBranch, MeetingRow, OrgRow } from './types.js';

export const DEFAULT_SEED = 42;
export const DEFAULT_NOW = '2026-11-28';
export const DEFAULT_YEARS = 2;

/** Options with their defaults applied, and `now` as epoch ms. */
export interface ResolvedCityOptions {
  branches: number;
  seed: number;
  now: string;
  nowMs: number;
  years: number;
}

/** Apply defaults and validate; throws on a bad `now` or size. */
export function resolveCityOptions(opts: CityOptions): ResolvedCityOptions {
  const now = opts.now ?? DEFAULT_NOW;
  const nowMs = parseTimestamp(now);
  if (nowMs === null) throw new Error(`无效的时间 now / invalid now: ${now}`);
  if (!Number.isInteger(opts.branches) || opts.branches < 1) throw new Error(`branches must be a positive integer: ${opts.branches}`);
  const years = opts.years ?? DEFAULT_YEARS;
  if (!Number.isInteger(years) || years < 1 || years > 20) throw new Error(`years must be 1–20: ${years}`);
  return { branches: opts.branches, seed: (opts.seed ?? DEFAULT_SEED) >>> 0, now, nowMs, years };
}

/** A city to stream: committees first (parents before children), then branch after branch. */
export interface CityStream {
  options: ResolvedCityOptions;
  plan: CityPlan;
  committees(): OrgRow[];
  branches(): Generator<GeneratedBranch>;
  /** Branch i alone (0-based). */
  branch(index: number): GeneratedBranch;
}

/** Stream a city of any size. */
export function iterateCity(opts: CityOptions): CityStream {
  const options = resolveCityOptions(opts);
  const plan = planCity(options.branches, options.seed, options.nowMs, options.years);
  const branch = (index: number): GeneratedBranch => {
    const profile = branchProfile(plan, index);
    const { meetings, lapses } = branchMeetings(plan, profile);
    const manifest: BranchManifest = {
      code: profile.org.code,
      domain: profile.domain,
      health: profile.health,
      groups: profile.groups,
      establishedOn: profile.org.established_on!,
      termLastDay: profile.termLastDay,
      lapses,
    };
    return { org: profile.org, meetings, manifest };
  };
  return {
    options,
    plan,
    committees: () => plan.committees.map((c) => ({ ...c })),
    *branches() {
      for (let i = 0; i < options.branches; i++) yield branch(i);
    },
    branch,
  };
}

/** A whole small city in memory (demo, tests): org rows, meeting rows and the manifest per branch. */
export interface City {
  options: ResolvedCityOptions;
  orgs: OrgRow[];
  meetings: MeetingRow[];
  manifest: BranchManifest[];
}

/** Generate a small city in memory. Use iterateCity or writeCityFiles for big ones. */
export function generateCity(opts: CityOptions): City {
  const stream = iterateCity(opts);
  const orgs = stream.committees();
  const meetings: MeetingRow[] = [];
  const manifest: BranchManifest[] = [];
  for (const b of stream.branches()) {
    orgs.push(b.org);
    for (const m of b.meetings) meetings.push(m);
    manifest.push(b.manifest);
  }
  return { options: stream.options, orgs, meetings, manifest };
}

/** An org row as the domain's Org (what the importer would store). */
export function toOrg(row: OrgRow): Org {
  return {
    code: row.code, name: row.name, kind: row.kind, parent: row.parent, domain: row.domain, members: row.members,
    groups: row.groups ?? 0, secretary: row.secretary, secretaryPhone: row.secretary_phone,
    secretaryEmail: row.secretary_email, clerk: row.clerk, clerkPhone: row.clerk_phone, clerkEmail: row.clerk_email,
    electedOn: row.elected_on, termYears: row.term_years, establishedOn: row.established_on,
  };
}

/** A meeting row as the domain's Meeting (held_at parsed; no offset = Shanghai). */
export function toMeeting(row: MeetingRow): Meeting {
  const heldAt = parseTimestamp(row.held_at);
  if (heldAt === null) throw new Error(`generator wrote an unparsable held_at: ${row.held_at}`);
  return {
    id: row.id, org: row.org, type: row.type, heldAt, expected: row.expected, attended: row.attended,
    minutes: row.minutes === null ? null : row.minutes === 'yes', lecturerRole: row.lecturer_role, topic: row.topic,
  };
}
