/**
 * The importer's keyed upserts, shared by both adapters: each table's unique key and columns
 * (UpsertSpec), and the pure encoders of one record into the statement's parameters in spec
 * order (booleans as 0/1, absent optional fields as null).
 */
import type { Member } from '../../domain/members.js';
import type { Meeting, Org } from '../../domain/types.js';
import type { UpsertSpec } from '../types/imports.js';
import type { RatingFact, StarChangeFact } from '../../rating/types.js';

/** The keyed upsert of meetings: by record id (`meetings.record_id`). */
export const MEETING_UPSERT: UpsertSpec = {
  table: 'meetings',
  key: ['record_id'],
  columns: [
    'org_id', 'type', 'held_at', 'expected', 'attended', 'minutes', 'lecturer_role', 'topic',
    'place', 'chair', 'recorder', 'agenda', 'resolutions', 'duration_minutes', 'video', 'photos',
  ],
};

/** Fill `out` (reused across rows to spare an allocation) with MEETING_UPSERT parameters. */
export function meetingUpsertParams(out: unknown[], m: Meeting, orgId: number): unknown[] {
  out[0] = m.id;
  out[1] = orgId;
  out[2] = m.type;
  out[3] = m.heldAt;
  out[4] = m.expected;
  out[5] = m.attended;
  out[6] = m.minutes === null ? null : m.minutes ? 1 : 0;
  out[7] = m.lecturerRole;
  out[8] = m.topic;
  out[9] = m.place ?? null;
  out[10] = m.chair ?? null;
  out[11] = m.recorder ?? null;
  out[12] = m.agenda ?? null;
  out[13] = m.resolutions ?? null;
  out[14] = m.durationMinutes ?? null;
  out[15] = m.video === undefined || m.video === null ? null : m.video ? 1 : 0;
  out[16] = m.photos ?? null;
  return out;
}

/** The keyed upsert of members: by member id. `months` (derived) is left alone. */
export const MEMBER_UPSERT: UpsertSpec = {
  table: 'members',
  key: ['member_id'],
  columns: ['org_id', 'name', 'status', 'joined_on', 'full_on', 'flowing', 'phone', 'left_on'],
};

/** Fill `out` with MEMBER_UPSERT parameters. */
export function memberUpsertParams(out: unknown[], m: Member, orgId: number): unknown[] {
  out[0] = m.id;
  out[1] = orgId;
  out[2] = m.name;
  out[3] = m.status;
  out[4] = m.joinedOn;
  out[5] = m.fullOn;
  out[6] = m.flowing === null ? null : m.flowing ? 1 : 0;
  out[7] = m.phone;
  out[8] = m.leftOn;
  return out;
}

/** The keyed upsert of orgs: by `code`; updated_at is stamped only when something changed. */
export const ORG_UPSERT: UpsertSpec = {
  table: 'orgs',
  key: ['code'],
  columns: [
    'name', 'kind', 'parent', 'domain', 'members', 'groups',
    'secretary', 'secretary_phone', 'secretary_email', 'clerk', 'clerk_phone', 'clerk_email',
    'elected_on', 'term_years', 'established_on', 'deputy', 'deputy_phone', 'deputy_email',
    // Always written null: importing the code of a removed org re-activates it (a changed row).
    'removed_at', 'removed_reason',
  ],
  stamp: 'updated_at',
};

/** Parameters of ORG_UPSERT for one org, in spec order. */
export function orgUpsertParams(o: Org, now: number): unknown[] {
  return [
    o.code, o.name, o.kind, o.parent, o.domain, o.members, o.groups,
    o.secretary, o.secretaryPhone, o.secretaryEmail, o.clerk, o.clerkPhone, o.clerkEmail,
    o.electedOn, o.termYears, o.establishedOn, o.deputy ?? null, o.deputyPhone ?? null, o.deputyEmail ?? null, null, null, now,
  ];
}

/** Ratings keyed by (org, year); imported_at is stamped only when something changed. */
export const RATING_UPSERT: UpsertSpec = { table: 'ratings', key: ['org', 'year'], columns: ['stars', 'rated_on'], stamp: 'imported_at' };

export function ratingUpsertParams(r: RatingFact, now: number): unknown[] {
  return [r.org, r.year, r.stars, r.ratedOn, now];
}

/** Star changes keyed by their id. */
export const STAR_CHANGE_UPSERT: UpsertSpec = {
  table: 'star_changes',
  key: ['change_id'],
  columns: ['org', 'effective_on', 'stars', 'channel', 'reason', 'evidence'],
  stamp: 'imported_at',
};

export function starChangeUpsertParams(c: StarChangeFact, now: number): unknown[] {
  return [c.id, c.org, c.effectiveOn, c.stars, c.channel, c.reason, c.evidence, now];
}
