/**
 * The organization tree of a synthetic city: the city committee (市委), town and street committees
 * (镇街党委) holding the village and community branches, city-managed committees (市管党委) holding
 * the others, and each branch's profile (domain, size, groups, contacts, term, health).
 */
import { DAY_MS, parseDate, shanghaiDate, shanghaiMidnight, shanghaiParts } from '../domain/calendar.js';
import type { Domain } from '../domain/types.js';
import {
  ASSOCIATIONS, BUREAUS, COMPANY_TRADES, INSTITUTIONS, SCHOOL_KINDS, SOE_GROUPS, SOE_UNITS,
  cityName, emailFor, mobilePhone, personName, placeName,
} from './names.js';
import { rngFor, type Rng } from './prng.js';
import type { BranchHealth, OrgRow } from './types.js';

/** Share of branches per domain: village and community branches are the most common. */
export const DOMAIN_SHARES: Record<Domain, number> = {
  rural: 0.34, community: 0.2, organ: 0.12, school: 0.08,
  private_enterprise: 0.11, social_org: 0.04, soe: 0.06, institution: 0.05,
};
const HEALTH_SHARES: Record<BranchHealth, number> = { good: 0.8, occasional: 0.16, lax: 0.04 };
/** Term state at `now`: most terms run well past now; some end within the 180-day reminder window or have ended. */
const TERM_SHARES = { ok: 0.86, 'due-soon': 0.06, overdue: 0.05, unknown: 0.03 } as const;
const MEMBERS: Record<Domain, [number, number]> = {
  rural: [12, 90], community: [8, 70], organ: [5, 45], school: [6, 50],
  private_enterprise: [3, 25], social_org: [3, 14], soe: [8, 70], institution: [5, 55],
};
const DOMAIN_COMMITTEES: Partial<Record<Domain, string>> = {
  organ: '市直机关工委', school: '市教育局党委', institution: '市卫生健康局党委', soe: '市国资委党委',
  private_enterprise: '市非公有制经济组织综合党委', social_org: '市社会组织综合党委',
};

/** The fixed part of a city: its name, its committees and, per domain, the committees a branch may belong to. */
export interface CityPlan {
  seed: number;
  branches: number;
  nowMs: number;
  /** First instant records may be held (Shanghai midnight of the window's first month). */
  windowStartMs: number;
  cityName: string;
  cityPinyin: string;
  committees: OrgRow[];
  parentsByDomain: Record<Domain, { primary: string[]; secondary: string[] }>;
  codeWidth: number;
}

/** Everything about one branch that its records depend on. */
export interface BranchProfile {
  index: number;
  org: OrgRow;
  domain: Domain;
  members: number;
  groups: number;
  health: BranchHealth;
  establishedMs: number;
  termLastDay: string | null;
}

/** Plan the committees of a city with `branches` branches. */
export function planCity(branches: number, seed: number, nowMs: number, years: number): CityPlan {
  const rng = rngFor(seed, 0);
  const city = cityName(rng);
  const now = shanghaiParts(nowMs);
  const windowStartMs = shanghaiMidnight(now.year, now.month - 12 * years + 1);
  const committees: OrgRow[] = [];
  let n = 0;
  const code = () => `C${String(n++).padStart(4, '0')}`;
  const committee = (name: string, parent: string | null): OrgRow => {
    const row = orgRow(code(), name, 'committee', parent);
    fillContacts(row, rng, city.pinyin);
    committees.push(row);
    return row;
  };
  const root = committee(`中共${city.name}市委员会`, null);
  // About 40 village/community branches per town or street committee, as in a county-level city.
  const townCount = Math.max(2, Math.round((branches * (DOMAIN_SHARES.rural + DOMAIN_SHARES.community)) / 40));
  const towns: string[] = [];
  const streets: string[] = [];
  const used = new Set<string>();
  for (let i = 0; i < townCount; i++) {
    let place = placeName(rng);
    for (let tries = 0; used.has(place) && tries < 20; tries++) place = placeName(rng);
    used.add(place);
    const isStreet = i === 1 || (i > 1 && rng.chance(0.35));
    const row = committee(isStreet ? `${place}街道党工委` : `${place}镇党委`, root.code);
    (isStreet ? streets : towns).push(row.code);
  }
  const parentsByDomain = {
    rural: { primary: towns, secondary: towns },
    community: { primary: streets, secondary: towns },
  } as CityPlan['parentsByDomain'];
  for (const [domain, base] of Object.entries(DOMAIN_COMMITTEES) as [Domain, string][]) {
    const count = Math.max(1, Math.round((branches * DOMAIN_SHARES[domain]) / 150));
    const codes: string[] = [];
    for (let i = 1; i <= count; i++) codes.push(committee(count > 1 ? `${base}（第${i}片）` : base, root.code).code);
    parentsByDomain[domain] = { primary: codes, secondary: codes };
  }
  return {
    seed, branches, nowMs, windowStartMs, cityName: city.name, cityPinyin: city.pinyin, committees, parentsByDomain,
    codeWidth: Math.max(6, String(branches).length),
  };
}

/** The profile of branch `index` (0-based); depends only on the plan, the seed and the index. */
export function branchProfile(plan: CityPlan, index: number): BranchProfile {
  const rng = rngFor(plan.seed, 1, index);
  const domain = rng.weighted(DOMAIN_SHARES);
  const parents = plan.parentsByDomain[domain];
  const parent = rng.chance(0.7) ? rng.pick(parents.primary) : rng.pick(parents.secondary);
  const [lo, hi] = MEMBERS[domain];
  const r = rng.next();
  const members = lo + Math.floor((hi - lo + 1) * r * r); // skewed towards small branches
  const groups = members < 8 || rng.chance(0.1) ? 0 : Math.min(6, Math.max(1, Math.round(members / 9)));
  const code = `B${String(index + 1).padStart(plan.codeWidth, '0')}`;
  const org = orgRow(code, branchName(rng, domain, plan.cityName), 'branch', parent);
  org.domain = domain;
  org.members = members;
  org.groups = groups;
  fillContacts(org, rng, plan.cityPinyin);
  const health = rng.weighted(HEALTH_SHARES);

  // Most branches are decades old; a few were founded inside the record window, mid-month.
  let establishedMs: number;
  const windowMonths = Math.round((plan.nowMs - plan.windowStartMs) / (30.4 * DAY_MS));
  if (rng.chance(0.04) && windowMonths > 4) {
    const p = shanghaiParts(plan.windowStartMs);
    establishedMs = shanghaiMidnight(p.year, p.month + rng.int(1, windowMonths - 3), rng.int(5, 25));
  } else {
    establishedMs = shanghaiMidnight(rng.int(1978, 2022), rng.int(1, 12), rng.int(1, 28));
  }
  org.established_on = shanghaiDate(establishedMs);

  const termYears = domain === 'rural' || domain === 'community' ? 5 : 3;
  org.term_years = rng.chance(0.1) ? null : termYears; // empty: the default for the domain applies
  const state = rng.weighted(TERM_SHARES);
  let termLastDay: string | null = null;
  if (state !== 'unknown') {
    // Days from now to the term's last day; kept well away from the 180-day and 30-day thresholds.
    const offset =
      state === 'due-soon' ? rng.int(15, 165) : state === 'overdue' ? -rng.pick([rng.int(12, 25), rng.int(40, 600)])
        : rng.int(200, termYears * 365 - 20);
    let last = shanghaiDate(plan.nowMs + offset * DAY_MS);
    if (last.endsWith('-02-29')) last = last.replace('-02-29', '-02-28');
    let elected = `${Number(last.slice(0, 4)) - termYears}${last.slice(4)}`;
    if (parseDate(elected) === null) elected = elected.replace('-02-29', '-02-28');
    // A branch founded inside the window elected its first committee when it was founded.
    if (parseDate(elected)! < establishedMs) {
      elected = org.established_on;
      last = `${Number(elected.slice(0, 4)) + termYears}${elected.slice(4)}`;
    }
    org.elected_on = elected;
    termLastDay = last;
  }
  return { index, org, domain, members, groups, health, establishedMs, termLastDay };
}

function orgRow(code: string, name: string, kind: OrgRow['kind'], parent: string | null): OrgRow {
  return {
    code, name, kind, parent, domain: null, members: null, groups: null,
    secretary: null, secretary_phone: null, secretary_email: null, clerk: null, clerk_phone: null, clerk_email: null,
    elected_on: null, term_years: null, established_on: null,
  };
}

/** Secretary always; Party-affairs worker (党务干部) for most; e-mail addresses for most. */
function fillContacts(row: OrgRow, rng: Rng, cityPinyin: string): void {
  const sec = personName(rng);
  row.secretary = sec.name;
  row.secretary_phone = mobilePhone(rng);
  row.secretary_email = rng.chance(0.85) ? emailFor(rng, sec.pinyin, cityPinyin) : null;
  if (rng.chance(0.9)) {
    const clerk = personName(rng);
    row.clerk = clerk.name;
    row.clerk_phone = mobilePhone(rng);
    row.clerk_email = rng.chance(0.8) ? emailFor(rng, clerk.pinyin, cityPinyin) : null;
  }
}

function branchName(rng: Rng, domain: Domain, city: string): string {
  switch (domain) {
    case 'rural': return `${placeName(rng)}村党支部`;
    case 'community': return `${placeName(rng)}社区党支部`;
    case 'organ': return `${city}市${rng.pick(BUREAUS)}机关${rng.chance(0.3) ? `第${rng.int(1, 4)}` : ''}党支部`;
    case 'school': return `${city}市${placeName(rng)}${rng.pick(SCHOOL_KINDS)}党支部`;
    case 'private_enterprise': return `${city}${placeName(rng)}${rng.pick(COMPANY_TRADES)}有限公司党支部`;
    case 'social_org': return `${city}市${rng.pick(ASSOCIATIONS)}党支部`;
    case 'soe': return `${city}${rng.pick(SOE_GROUPS)}集团${rng.pick(SOE_UNITS)}党支部`;
    case 'institution': return `${city}市${rng.pick(INSTITUTIONS)}${rng.chance(0.5) ? `第${rng.int(1, 6)}` : ''}党支部`;
  }
}
