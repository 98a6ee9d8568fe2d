/**
 * The engine's star estimate from the records for a rating year (up to `now` while the year runs),
 * shown beside every campaign step as evidence: the same score and stars as the year's branch
 * report headline (reports/compute-*: pure), from the store port's reads. One branch reads only its
 * own facts (rating.estimateFacts + its meetings); the whole city reads them in bulk, meetings a
 * chunk of branches at a time.
 */
import type { Config } from '../config/schema.js';
import { parsePeriod, type Period } from '../domain/calendar.js';
import { branchFacts, evaluationInstant, foundedAfter, meetingSince } from '../reports/compute-facts.js';
import { memberRaws } from '../reports/member-raws.js';
import { categoryScores, gradeOf, totalScore } from '../reports/compute-score.js';
import type { Store } from '../store/port.js';
import type { AlertFact, AssessmentFact, OrgInfo, RectificationFact, VetoFact } from '../store/types/reports.js';

/** Period labels whose assessments or vetoes apply to a year: the year, its quarters and months. */
export function yearLabels(year: number): string[] {
  const out = [String(year)];
  for (let q = 1; q <= 4; q++) out.push(`${year}-Q${q}`);
  for (let m = 1; m <= 12; m++) out.push(`${year}-${String(m).padStart(2, '0')}`);
  return out;
}

interface Facts {
  assessments: ReadonlyMap<string, AssessmentFact[]>;
  vetoes: ReadonlyMap<string, VetoFact[]>;
  items: ReadonlyMap<string, RectificationFact[]>;
  alerts: ReadonlyMap<string, AlertFact[]>;
}

async function estimateOf(
  store: Store,
  config: Config,
  p: Period,
  now: number,
  branches: readonly (OrgInfo & { id: number; parentName: string | null })[],
  facts: Facts,
  out: Map<string, number | null>,
): Promise<void> {
  const ids = branches.map((b) => b.id);
  const [meetings, members] = await Promise.all([store.reports.periodMeetings(ids, meetingSince(p, config), p.end), memberRaws(store, ids, p, evaluationInstant(p, config))]);
  for (const b of branches) {
    const roster = members.get(b.id);
    const { id: _id, parentName, ...org } = b;
    const f = branchFacts(
      {
        org,
        parentName,
        meetings: meetings.get(b.id) ?? [],
        alerts: facts.alerts.get(b.code) ?? [],
        items: facts.items.get(b.code) ?? [],
        assessments: facts.assessments.get(b.code) ?? [],
        vetoes: facts.vetoes.get(b.code) ?? [],
        ...(roster ? { members: roster } : {}),
      },
      p,
      config,
      now,
      true,
    );
    out.set(b.code, gradeOf(totalScore(f, categoryScores(f, config, false), config), f.vetoes.length > 0, config).stars);
  }
}

/** The estimate by branch code: of one branch (`org`), or of every branch. A branch founded after the year has none. */
export async function estimateStars(store: Store, config: Config, year: number, now: number, org?: string): Promise<Map<string, number | null>> {
  const p = parsePeriod(String(year))!;
  const out = new Map<string, number | null>();
  const labels = yearLabels(year);
  if (org !== undefined) {
    const [o, b, h] = await Promise.all([store.orgs.get(org, now), store.rating.branch(org), store.orgs.header(org)]);
    if (!o || !b || !h || o.kind !== 'branch' || foundedAfter(o.establishedOn, p)) return out;
    const f = await store.rating.estimateFacts(org, { periods: labels, from: p.start, to: p.end, alertsSince: p.start });
    const one = <T>(list: T[]) => new Map([[org, list]]);
    const info = {
      id: h.id,
      code: o.code,
      name: o.name,
      kind: 'branch' as const,
      parent: o.parent,
      domain: o.domain,
      groups: o.groups,
      establishedOn: o.establishedOn,
      electedOn: o.electedOn,
      termYears: o.termYears,
      secretaryEmail: o.secretaryEmail,
      clerkEmail: o.clerkEmail,
      parentName: b.parentName,
    };
    await estimateOf(store, config, p, now, [info], { assessments: one(f.assessments), vetoes: one(f.vetoes), items: one(f.items), alerts: one(f.alerts) }, out);
    return out;
  }
  const orgs = await store.reports.orgs();
  const names = new Map(orgs.map((x) => [x.code, x.name]));
  const branches = orgs.filter((x) => x.kind === 'branch' && !foundedAfter(x.establishedOn, p)).map((x) => ({ ...x, parentName: x.parent ? (names.get(x.parent) ?? null) : null }));
  const [assessments, vetoes, items, alerts] = await Promise.all([
    store.reports.assessments(labels),
    store.reports.vetoes(labels),
    store.reports.rectificationFacts(p.start, p.end),
    store.reports.alertFacts(p.start),
  ]);
  for (let i = 0; i < branches.length; i += 2000) await estimateOf(store, config, p, now, branches.slice(i, i + 2000), { assessments, vetoes, items, alerts }, out);
  return out;
}
