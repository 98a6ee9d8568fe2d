/** PostgreSQL queries on the organization tree and meeting records (mirror of the SQLite modules). */
import type { Domain, LecturerRole, Meeting, MeetingType, Org } from '../../domain/types.js';
import type { OrgRef } from '../types/facts.js';
import { arrays, one, rows, tx, type Q } from './q.js';
import { shanghaiDate } from '../../domain/calendar.js';
import type pg from 'pg';
import { writeAudit } from './accounts.js';
import type { AuditEntry } from '../types/accounts.js';
import type { RemovedOrg } from '../types/facts.js';

// A branch with a roster counts its members from it (members not marked as left by $1, the caller's
// day in Beijing time, not the server's clock), as on SQLite.
const ROSTER_SIZE = `(SELECT count(*) FROM members r WHERE r.org_id = orgs.id
  AND (r.left_on IS NULL OR r.left_on COLLATE "C" > $1))`;
const ORG_COLS = `code, name, kind, parent, domain, CASE WHEN ${ROSTER_SIZE} > 0 THEN ${ROSTER_SIZE}::int ELSE orgs.members END AS members, groups, secretary, secretary_phone AS "secretaryPhone",
  secretary_email AS "secretaryEmail", clerk, clerk_phone AS "clerkPhone", clerk_email AS "clerkEmail",
  deputy, deputy_phone AS "deputyPhone", deputy_email AS "deputyEmail", elected_on AS "electedOn", term_years AS "termYears", established_on AS "establishedOn", removed_at AS "removedAt"`;

export async function loadOrgRefs(q: Q): Promise<Map<string, OrgRef>> {
  const map = new Map<string, OrgRef>();
  for (const [id, code, kind, parent, removed] of await arrays<[number, string, OrgRef['kind'], string | null, boolean]>(q, 'SELECT id, code, kind, parent, removed_at IS NOT NULL FROM orgs')) {
    map.set(code, { id, kind, parent, ...(removed ? { removed: true as const } : {}) });
  }
  return map;
}

/** All orgs not marked removed, ordered by code. */
export async function listOrgs(q: Q, now: number): Promise<Org[]> {
  return (await rows<Org>(q, `SELECT ${ORG_COLS} FROM orgs WHERE removed_at IS NULL ORDER BY code COLLATE "C"`, [shanghaiDate(now)])).map(fixDomain);
}

/** Orgs marked removed, ordered by code. */
export async function listRemovedOrgs(q: Q): Promise<RemovedOrg[]> {
  return rows<RemovedOrg>(
    q,
    `SELECT code, name, kind, parent, removed_at AS "removedAt", removed_reason AS "removedReason" FROM orgs WHERE removed_at IS NOT NULL ORDER BY code COLLATE "C"`,
  );
}

/** Mark orgs removed with their audit entries (one transaction); the codes newly marked. */
export function removeOrgs(pool: pg.Pool, codes: readonly string[], reason: string | null, now: number, audit: readonly AuditEntry[]): Promise<string[]> {
  return tx(pool, async (c) => {
    const done = await arrays<[string]>(
      c,
      'UPDATE orgs SET removed_at = $1, removed_reason = $2, updated_at = $1 WHERE code = ANY($3::text[]) AND removed_at IS NULL RETURNING code',
      [now, reason, codes],
    );
    await writeAudit(c, audit, now);
    return done.map((r) => r[0]).sort();
  });
}

export async function getOrg(q: Q, code: string, now: number): Promise<Org | undefined> {
  const r = await one<Org>(q, `SELECT ${ORG_COLS} FROM orgs WHERE code = $2`, [shanghaiDate(now), code]);
  return r ? fixDomain(r) : undefined;
}

export async function countOrgs(q: Q): Promise<number> {
  return (await one<{ n: number }>(q, 'SELECT count(*) AS n FROM orgs'))!.n;
}

function fixDomain(o: Org): Org {
  const { removedAt, ...rest } = o as Org & { removedAt: number | null };
  return { ...rest, domain: o.domain as Domain | null, ...(removedAt !== null && removedAt !== undefined ? { removedAt: Number(removedAt) } : {}) };
}

const MEETING_SELECT = `SELECT m.record_id AS id, o.code AS org, m.type, m.held_at AS "heldAt", m.expected, m.attended,
  m.minutes, m.lecturer_role AS "lecturerRole", m.topic FROM meetings m JOIN orgs o ON o.id = m.org_id`;

type MeetingRow = Omit<Meeting, 'minutes'> & { minutes: number | null };
const toMeeting = (r: MeetingRow): Meeting => ({
  ...r,
  type: r.type as MeetingType,
  lecturerRole: r.lecturerRole as LecturerRole | null,
  minutes: r.minutes === null ? null : r.minutes === 1,
});

export async function listMeetingsOf(q: Q, orgCode: string): Promise<Meeting[]> {
  return (await rows<MeetingRow>(q, `${MEETING_SELECT} WHERE o.code = $1 ORDER BY m.held_at, m.record_id COLLATE "C"`, [orgCode])).map(toMeeting);
}

export async function getMeeting(q: Q, id: string): Promise<Meeting | undefined> {
  const r = await one<MeetingRow>(q, `${MEETING_SELECT} WHERE m.record_id = $1`, [id]);
  return r ? toMeeting(r) : undefined;
}

export async function countMeetings(q: Q): Promise<number> {
  return (await one<{ n: number }>(q, 'SELECT count(*) AS n FROM meetings'))!.n;
}
