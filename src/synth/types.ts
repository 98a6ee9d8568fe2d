/**
 * Types of the synthetic city: rows in the interchange format (English keys, the values a file
 * holds; null = empty cell) and the manifest of what the generator left undone on purpose.
 */
import type { Domain, LecturerRole, MeetingType, OrgKind, RuleId } from '../domain/types.js';

/** Options of a synthetic city. The same options always give byte-identical output. */
export interface CityOptions {
  /** Number of branches (committees are added in proportion). */
  branches: number;
  /** Default 42. */
  seed?: number;
  /** ISO timestamp or 'YYYY-MM-DD' (Shanghai midnight). No record is held after it. Default '2026-11-28'. */
  now?: string;
  /** Records cover 12 × years calendar months, ending with now's month. Default 2. */
  years?: number;
}

/** One row of orgs.csv. */
export interface OrgRow {
  code: string;
  name: string;
  kind: OrgKind;
  parent: string | null;
  domain: Domain | null;
  members: number | null;
  groups: number | null;
  secretary: string | null;
  secretary_phone: string | null;
  secretary_email: string | null;
  clerk: string | null;
  clerk_phone: string | null;
  clerk_email: string | null;
  elected_on: string | null;
  term_years: number | null;
  established_on: string | null;
}

/** One row of a meetings file. `held_at` is the text as written (with or without an offset). */
export interface MeetingRow {
  id: string;
  org: string;
  type: MeetingType;
  held_at: string;
  expected: number;
  attended: number;
  minutes: 'yes' | 'no' | null;
  lecturer_role: LecturerRole | null;
  topic: string | null;
}

/** How a branch behaves: most keep their obligations, some lapse now and then, a few stop altogether. */
export type BranchHealth = 'good' | 'occasional' | 'lax';

/**
 * Something the generator left undone (or flagged) on purpose, as of the generation `now`:
 * a frequency rule's period whose obligation is unmet by the generated records (including the
 * current period when not met yet, and periods a check at `now` may evaluate that began before the
 * record window), an assembly without quorum (per quarter), records without minutes (per month).
 */
export interface Lapse {
  rule: RuleId;
  /** Period label ('2026-10', '2026-Q3', '2026'). */
  period: string;
  /** Frequency rules: qualifying meetings generated, and how many the rule requires. */
  held?: number;
  required?: number;
  /** Record rules: the flagged records. */
  meetingIds?: string[];
}

/** What the generator intended for one branch. */
export interface BranchManifest {
  code: string;
  domain: Domain;
  health: BranchHealth;
  groups: number;
  establishedOn: string;
  /** Last day of the committee's term ('YYYY-MM-DD'), or null when elected_on is left empty. */
  termLastDay: string | null;
  lapses: Lapse[];
}

/** One branch: its org row, its records in time order, and its manifest. */
export interface GeneratedBranch {
  org: OrgRow;
  meetings: MeetingRow[];
  manifest: BranchManifest;
}

/** A finding the default rules should report: the comparable part of a Finding. */
export interface ExpectedFinding {
  org: string;
  rule: RuleId;
  level: 'reminder' | 'warning' | 'escalation';
  period: string;
}
