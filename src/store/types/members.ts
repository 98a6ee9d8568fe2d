/**
 * Row types of the members family: the roster (党员名册) and sign-ins (参会签到) as the rules, the
 * reports and the tools read them. Ids named `row` / `members` are members.id (the store's row id,
 * the key sign-ins refer to); `id` of a member is the interchange member id.
 */
import type { MeetingDetailFacts, Member, MemberStatus } from '../../domain/members.js';
import type { MeetingType } from '../../domain/types.js';

/** A member as the rules read it. `row` is members.id (the key in sign-ins). */
export interface RosterMember {
  row: number;
  id: string;
  name: string;
  status: MemberStatus;
  joinedOn: string;
  fullOn: string | null;
  leftOn: string | null;
  /** Month numbers (year·12 + month − 1, Shanghai) in which the member took part, ascending (all time). */
  months: Uint16Array;
}

/** A meeting as the single-meeting checks read it (`id` is the meetings row id). */
export interface MeetingDetail extends MeetingDetailFacts {
  id: number;
}

/**
 * A meeting's sign-ins, decoded, one entry per member with a sign-in row, sorted by member row.
 * `statuses[i]` indexes ATTENDANCE_STATUSES (0 present, 1 excused, 2 absent); `methods[i]` is 0 for
 * none, else 1 + the index in SIGN_IN_METHODS; `signedAt` is null when no entry has a time (NaN = none).
 */
export interface SignIns {
  members: Int32Array;
  statuses: Uint8Array;
  methods: Uint8Array;
  signedAt: Float64Array | null;
}

/** One tracked meeting (a meeting with sign-ins) of a branch: its row id, type, time and sign-ins. */
export interface TrackedMeeting {
  id: number;
  type: MeetingType;
  heldAt: number;
  signIns: SignIns;
}

/** A tracked meeting reduced to who took part (present or excused): member row ids. */
export interface TrackedParticipation {
  heldAt: number;
  tookPart: number[];
}

/** A stored member with its row id; the phone is as stored (callers mask it). */
export type StoredMember = Member & { row: number };

/** How much member data is stored (stats, bench). */
export interface MemberCounts {
  members: number;
  /** Tracked meetings (with sign-ins). */
  tracked: number;
  /** Sign-in rows (present + excused + absent). */
  signIns: number;
}
