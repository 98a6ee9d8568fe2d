/**
 * The star-rating repository on PostgreSQL: the same reads and the star-change write as
 * ../sqlite/ratings.ts and ../sqlite/weak-branches.ts, over the mirrored tables (schema/rating.ts).
 */
import { DOMAINS, type Domain } from '../../domain/types.js';
import type { DemoSiteRow, RatingBranch, RatingFact, StarChangeFact, WeakDesignation, WeakItem } from '../types/rating.js';
import { one, rows, type Q } from './q.js';

const DOMAIN_SET = new Set<string>(DOMAINS);

function groupBy<T extends { org: string }>(list: T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const r of list) out.set(r.org, [...(out.get(r.org) ?? []), r]);
  return out;
}

export async function loadRatingBranches(q: Q): Promise<RatingBranch[]> {
  const list = await rows<{ code: string; name: string; parent: string | null; parent_name: string | null; domain: string | null; secretary: string | null }>(
    q,
    `SELECT b.code, b.name, b.parent, p.name AS parent_name, b.domain, b.secretary FROM orgs b LEFT JOIN orgs p ON p.code = b.parent
     WHERE b.kind = 'branch' ORDER BY b.code`,
  );
  return list.map((r) => ({
    code: r.code,
    name: r.name,
    parent: r.parent,
    parentName: r.parent_name,
    domain: r.domain !== null && DOMAIN_SET.has(r.domain) ? (r.domain as Domain) : null,
    secretary: r.secretary,
  }));
}

export async function loadRatings(q: Q, org?: string): Promise<Map<string, RatingFact[]>> {
  const list = await rows<{ org: string; year: number; stars: number; rated_on: string | null }>(
    q,
    'SELECT org, year, stars, rated_on FROM ratings WHERE ($1::text IS NULL OR org = $1) ORDER BY org, year',
    [org ?? null],
  );
  return groupBy(list.map((r) => ({ org: r.org, year: Number(r.year), stars: Number(r.stars), ratedOn: r.rated_on })));
}

export async function loadStarChanges(q: Q, org?: string): Promise<Map<string, StarChangeFact[]>> {
  const list = await rows<{ change_id: string; org: string; effective_on: string; stars: number; channel: StarChangeFact['channel']; reason: string | null; evidence: string | null }>(
    q,
    `SELECT change_id, org, effective_on, stars, channel, reason, evidence FROM star_changes
     WHERE ($1::text IS NULL OR org = $1) ORDER BY org, effective_on, change_id`,
    [org ?? null],
  );
  return groupBy(list.map((r) => ({ id: r.change_id, org: r.org, effectiveOn: r.effective_on, stars: Number(r.stars), channel: r.channel, reason: r.reason, evidence: r.evidence })));
}

export async function saveStarChange(q: Q, c: StarChangeFact, now: number): Promise<'inserted' | 'updated' | 'unchanged'> {
  const old = await one<{ org: string; effective_on: string; stars: number; channel: string; reason: string | null; evidence: string | null }>(
    q,
    'SELECT org, effective_on, stars, channel, reason, evidence FROM star_changes WHERE change_id = $1',
    [c.id],
  );
  if (old && old.org === c.org && old.effective_on === c.effectiveOn && Number(old.stars) === c.stars && old.channel === c.channel && old.reason === c.reason && old.evidence === c.evidence) {
    return 'unchanged';
  }
  await q.query(
    `INSERT INTO star_changes (change_id, org, effective_on, stars, channel, reason, evidence, imported_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (change_id) DO UPDATE SET org = excluded.org, effective_on = excluded.effective_on, stars = excluded.stars,
       channel = excluded.channel, reason = excluded.reason, evidence = excluded.evidence, imported_at = excluded.imported_at`,
    [c.id, c.org, c.effectiveOn, c.stars, c.channel, c.reason, c.evidence, now],
  );
  return old ? 'updated' : 'inserted';
}

export async function listWeak(q: Q, opts: { org?: string; all?: boolean } = {}): Promise<WeakDesignation[]> {
  const list = await rows<Record<string, unknown>>(
    q,
    `SELECT id, org, category, reason, designated_on, designated_by, city_leader, township_leader, township_leader_phone, township_leader_email,
       first_secretary, paired_department, removed_on, removal_note
     FROM weak_designations WHERE ($1::text IS NULL OR org = $1) AND ($2::boolean OR removed_on IS NULL) ORDER BY designated_on, id`,
    [opts.org ?? null, !!opts.all],
  );
  if (!list.length) return [];
  const items = await rows<{ id: number; designation_id: number; kind: WeakItem['kind']; text: string; resolution: string | null; resolved_on: string | null; at: number }>(
    q,
    'SELECT id, designation_id, kind, text, resolution, resolved_on, at FROM weak_items WHERE designation_id = ANY($1::int[]) ORDER BY id',
    [list.map((r) => Number(r.id))],
  );
  const by = new Map<number, WeakItem[]>();
  for (const i of items) {
    const d = Number(i.designation_id);
    by.set(d, [...(by.get(d) ?? []), { id: Number(i.id), kind: i.kind, text: i.text, resolution: i.resolution, resolvedOn: i.resolved_on, at: Number(i.at) }]);
  }
  return list.map((r) => ({
    id: Number(r.id),
    org: r.org as string,
    category: r.category as WeakDesignation['category'],
    reason: r.reason as string | null,
    designatedOn: r.designated_on as string,
    designatedBy: r.designated_by as string,
    cityLeader: r.city_leader as string | null,
    townshipLeader: r.township_leader as string | null,
    townshipLeaderPhone: r.township_leader_phone as string | null,
    townshipLeaderEmail: r.township_leader_email as string | null,
    firstSecretary: r.first_secretary as string | null,
    pairedDepartment: r.paired_department as string | null,
    removedOn: r.removed_on as string | null,
    removalNote: r.removal_note as string | null,
    items: by.get(Number(r.id)) ?? [],
  }));
}

export async function listDemoSites(q: Q, opts: { year?: number; org?: string } = {}): Promise<DemoSiteRow[]> {
  const list = await rows<{ org: string; year: number; level: DemoSiteRow['level']; note: string | null }>(
    q,
    'SELECT org, year, level, note FROM demo_sites WHERE ($1::int IS NULL OR year = $1) AND ($2::text IS NULL OR org = $2) ORDER BY year, org',
    [opts.year ?? null, opts.org ?? null],
  );
  return list.map((r) => ({ org: r.org, year: Number(r.year), level: r.level, note: r.note }));
}
