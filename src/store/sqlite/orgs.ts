/** Queries on the organization tree (committees and branches). */
import { asc, eq, isNull } from 'drizzle-orm';
import { writeAudit } from './accounts.js';
import { inTransaction } from './alerts.js';
import type { AuditEntry } from '../types/accounts.js';
import type { RemovedOrg } from '../types/facts.js';
import type { Db } from './db.js';
import { orgs } from './schema.js';
import type { Domain, Org, OrgKind } from '../../domain/types.js';
import { shanghaiDate } from '../../domain/calendar.js';

import type { OrgRef } from '../types/facts.js';


/** Every org's id, kind and parent, by code (a few thousand rows: kept in memory by the importer). */
export function loadOrgRefs(db: Db): Map<string, OrgRef> {
  const rows = db.$client.prepare('SELECT id, code, kind, parent, removed_at IS NOT NULL AS removed FROM orgs').all() as (Omit<OrgRef, 'removed'> & { code: string; removed: number })[];
  const map = new Map<string, OrgRef>();
  for (const r of rows) map.set(r.code, { id: r.id, kind: r.kind, parent: r.parent, ...(r.removed ? { removed: true as const } : {}) });
  return map;
}

type OrgRow = typeof orgs.$inferSelect;

function toOrg(r: OrgRow): Org {
  return {
    code: r.code,
    name: r.name,
    kind: r.kind,
    parent: r.parent,
    domain: r.domain as Domain | null,
    members: r.members,
    groups: r.groups,
    secretary: r.secretary,
    secretaryPhone: r.secretaryPhone,
    secretaryEmail: r.secretaryEmail,
    clerk: r.clerk,
    clerkPhone: r.clerkPhone,
    clerkEmail: r.clerkEmail,
    deputy: r.deputy,
    deputyPhone: r.deputyPhone,
    deputyEmail: r.deputyEmail,
    electedOn: r.electedOn,
    termYears: r.termYears,
    establishedOn: r.establishedOn,
    ...(r.removedAt !== null ? { removedAt: r.removedAt } : {}),
  };
}

/**
 * Roster sizes by org id as of `now` (members not marked as left by that day, Beijing time): a branch
 * with a roster counts its members from it rather than from the imported 党员人数. The day comes from
 * the caller's clock, not the database's, so tests and `--at` runs see the sizes of their own day.
 */
function rosterSizes(db: Db, now: number, orgId?: number): Map<number, number> {
  const sql = `SELECT org_id, count(*) FROM members WHERE (left_on IS NULL OR left_on > ?)
    ${orgId === undefined ? '' : 'AND org_id = ?'} GROUP BY org_id`;
  const stmt = db.$client.prepare(sql).raw();
  const today = shanghaiDate(now);
  return new Map((orgId === undefined ? stmt.all(today) : stmt.all(today, orgId)) as [number, number][]);
}

function withRoster(o: Org, id: number, sizes: Map<number, number>): Org {
  const n = sizes.get(id);
  return n === undefined ? o : { ...o, members: n };
}

/** All orgs not marked removed, ordered by code, with roster sizes as of `now`. */
export function listOrgs(db: Db, now: number): Org[] {
  const sizes = rosterSizes(db, now);
  return db.select().from(orgs).where(isNull(orgs.removedAt)).orderBy(asc(orgs.code)).all().map((r) => withRoster(toOrg(r), r.id, sizes));
}

/** Orgs marked removed, ordered by code. */
export function listRemovedOrgs(db: Db): RemovedOrg[] {
  return db.$client
    .prepare(`SELECT code, name, kind, parent, removed_at AS removedAt, removed_reason AS removedReason FROM orgs WHERE removed_at IS NOT NULL ORDER BY code`)
    .all() as RemovedOrg[];
}

/** Mark orgs removed with their audit entries (one transaction); the codes newly marked. */
export function removeOrgs(db: Db, codes: readonly string[], reason: string | null, now: number, audit: readonly AuditEntry[]): string[] {
  return inTransaction(db, () => {
    const done = db.$client
      .prepare(
        `UPDATE orgs SET removed_at = @now, removed_reason = @reason, updated_at = @now
          WHERE code IN (SELECT value FROM json_each(@codes)) AND removed_at IS NULL RETURNING code`,
      )
      .pluck()
      .all({ now, reason, codes: JSON.stringify(codes) }) as string[];
    writeAudit(db, audit, now);
    return done.sort();
  });
}

/** One org by code (roster size as of `now`), or undefined. */
export function getOrg(db: Db, code: string, now: number): Org | undefined {
  const r = db.select().from(orgs).where(eq(orgs.code, code)).get();
  return r ? withRoster(toOrg(r), r.id, rosterSizes(db, now, r.id)) : undefined;
}

/** How many orgs there are. */
export function countOrgs(db: Db): number {
  return db.$client.prepare('SELECT count(*) FROM orgs').pluck().get() as number;
}
