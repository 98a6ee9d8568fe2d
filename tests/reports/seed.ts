/**
 * Literal test data for the reports: a small city written straight into a real SQLite file
 * (orgs and meetings tables), plus the records a well-run branch keeps each month.
 */
import { parseTimestamp } from '../../src/domain/calendar.js';
import type { MeetingType } from '../../src/domain/types.js';
import type { Db } from '../../src/store/sqlite/db.js';
import { meetings, orgs } from '../../src/store/sqlite/schema.js';

export interface OrgSeed {
  code: string;
  name: string;
  kind?: 'committee' | 'branch';
  parent?: string | null;
  domain?: string | null;
  members?: number;
  groups?: number;
  secretaryEmail?: string | null;
  clerkEmail?: string | null;
  electedOn?: string | null;
  termYears?: number | null;
  establishedOn?: string | null;
}

export interface MeetingSeed {
  id: string;
  org: string;
  type: MeetingType;
  heldAt: string;
  expected?: number;
  attended?: number;
  minutes?: boolean | null;
  lecturerRole?: 'secretary' | 'other' | null;
  topic?: string | null;
}

/** Insert orgs (committees first) and meetings. */
export function seed(db: Db, orgRows: OrgSeed[], meetingRows: MeetingSeed[] = []): void {
  const ids = new Map<string, number>();
  for (const o of orgRows) {
    const row = db
      .insert(orgs)
      .values({
        code: o.code,
        name: o.name,
        kind: o.kind ?? 'branch',
        parent: o.parent ?? null,
        domain: o.kind === 'committee' ? null : (o.domain ?? 'rural'),
        members: o.members ?? 20,
        groups: o.groups ?? 0,
        secretaryEmail: o.secretaryEmail ?? null,
        clerkEmail: o.clerkEmail ?? null,
        electedOn: o.electedOn ?? null,
        termYears: o.termYears ?? null,
        establishedOn: o.establishedOn ?? '2020-01-01',
        updatedAt: 0,
      })
      .returning({ id: orgs.id })
      .get();
    ids.set(o.code, row.id);
  }
  for (const m of meetingRows) {
    db.insert(meetings)
      .values({
        recordId: m.id,
        orgId: ids.get(m.org)!,
        type: m.type,
        heldAt: parseTimestamp(m.heldAt)!,
        expected: m.expected ?? 20,
        attended: m.attended ?? 18,
        minutes: m.minutes === undefined ? 1 : m.minutes === null ? null : m.minutes ? 1 : 0,
        lecturerRole: m.type === 'lecture' ? (m.lecturerRole ?? 'secretary') : null,
        topic: m.topic ?? null,
      })
      .run();
  }
}

/**
 * The meetings a well-run branch holds in the months given ('2026-07'): committee, theme day and
 * (with groups) a group meeting on the 10th of each month, an assembly with quorum and a lecture
 * by the secretary in the first month of each quarter, and in December the yearly ones.
 */
export function goodMonths(org: string, months: string[], opts: { groups?: number; day?: number } = {}): MeetingSeed[] {
  const day = String(opts.day ?? 10).padStart(2, '0');
  const out: MeetingSeed[] = [];
  for (const ym of months) {
    const at = `${ym}-${day}T09:00`;
    out.push({ id: `${org}-${ym}-c`, org, type: 'committee', heldAt: at, expected: 5, attended: 5 });
    out.push({ id: `${org}-${ym}-t`, org, type: 'theme_day', heldAt: at });
    for (let g = 0; g < (opts.groups ?? 0); g++) out.push({ id: `${org}-${ym}-g${g}`, org, type: 'group', heldAt: at, expected: 6, attended: 6 });
    const month = Number(ym.slice(5));
    if ((month - 1) % 3 === 0) {
      out.push({ id: `${org}-${ym}-a`, org, type: 'assembly', heldAt: at });
      out.push({ id: `${org}-${ym}-l`, org, type: 'lecture', heldAt: at, lecturerRole: 'secretary' });
    }
    if (month === 12) {
      out.push({ id: `${org}-${ym}-lm`, org, type: 'life_meeting', heldAt: at });
      out.push({ id: `${org}-${ym}-r`, org, type: 'review', heldAt: at });
    }
  }
  return out;
}
