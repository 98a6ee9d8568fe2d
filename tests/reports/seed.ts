/**
 * Literal test data for the reports: a small city written straight into a real SQLite file
 * (orgs and meetings tables) or through the store port's import session (`seedStore`: either
 * store), plus the records a well-run branch keeps each month.
 */
import { parseTimestamp } from '../../src/domain/calendar.js';
import type { Domain, MeetingType, Org } from '../../src/domain/types.js';
import type { Store } from '../../src/store/port.js';
import type { AssessmentFact, VetoFact } from '../../src/store/types/reports.js';
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

/** The Org record of a seed row (the defaults `seed` writes). */
export function orgOf(o: OrgSeed): Org {
  return {
    code: o.code,
    name: o.name,
    kind: o.kind ?? 'branch',
    parent: o.parent ?? null,
    domain: o.kind === 'committee' ? null : ((o.domain ?? 'rural') as Domain),
    members: o.members ?? 20,
    groups: o.groups ?? 0,
    secretary: null,
    secretaryPhone: null,
    secretaryEmail: o.secretaryEmail ?? null,
    clerk: null,
    clerkPhone: null,
    clerkEmail: o.clerkEmail ?? null,
    electedOn: o.electedOn ?? null,
    termYears: o.termYears ?? null,
    establishedOn: o.establishedOn ?? '2020-01-01',
  };
}

/** What `seedStore` writes besides orgs and meetings. */
export interface StoreSeedExtras {
  assessments?: AssessmentFact[];
  vetoes?: VetoFact[];
}

/** Insert orgs (committees first), meetings and imported facts through the port: one import session, on either store. */
export async function seedStore(store: Store, orgRows: OrgSeed[], meetingRows: MeetingSeed[] = [], extras: StoreSeedExtras = {}, now = 0): Promise<void> {
  const s = await store.imports.begin();
  try {
    if (orgRows.length) {
      await s.beginFile('orgs');
      await s.upsert('orgs', orgRows.map(orgOf), orgRows.map((_, i) => i + 2), now);
    }
    if (meetingRows.length) {
      const refs = await s.orgRefs();
      await s.beginFile('meetings');
      const rows = meetingRows.map((m) => ({
        meeting: {
          id: m.id,
          org: m.org,
          type: m.type,
          heldAt: parseTimestamp(m.heldAt)!,
          expected: m.expected ?? 20,
          attended: m.attended ?? 18,
          minutes: m.minutes === undefined ? true : m.minutes,
          lecturerRole: m.type === 'lecture' ? (m.lecturerRole ?? 'secretary') : null,
          topic: m.topic ?? null,
        },
        orgId: refs.get(m.org)!.id,
      }));
      await s.upsert('meetings', rows, rows.map((_, i) => i + 2), now);
    }
    if (extras.assessments?.length) {
      await s.beginFile('assessments');
      await s.upsert('assessments', extras.assessments, extras.assessments.map((_, i) => i + 2), now);
    }
    if (extras.vetoes?.length) {
      await s.beginFile('vetoes');
      await s.upsert('vetoes', extras.vetoes, extras.vetoes.map((_, i) => i + 2), now);
    }
    await s.commit();
  } catch (e) {
    await s.rollback();
    throw e;
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
