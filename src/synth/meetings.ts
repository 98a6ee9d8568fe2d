/**
 * The meeting records of one branch over the record window, and the manifest of what was left
 * undone. Obligations follow the Regulations (monthly committee, group meetings and theme day;
 * quarterly assembly and lecture; a yearly secretary lecture, life meeting and review); the
 * branch's health decides how often they lapse.
 */
import { SHANGHAI_OFFSET_MS, nextPeriod, periodOf, previousPeriod, shanghaiMidnight, shanghaiParts, type Period, type PeriodKind } from '../domain/calendar.js';
import type { FrequencyRuleId, MeetingType } from '../domain/types.js';
import { topicFor } from './names.js';
import type { BranchProfile, CityPlan } from './org-tree.js';
import { rngFor, type Rng } from './prng.js';
import type { Lapse, MeetingRow } from './types.js';

/** Probability that a branch skips a scheduled meeting, by health and frequency. */
const SKIP = { good: 0, occasional: 0.07, lax: 0.35 } as const;
const NO_QUORUM = { good: 0, occasional: 0.1, lax: 0.25 } as const;
const NO_MINUTES = { good: 0, occasional: 0.03, lax: 0.15 } as const;

const ABBR: Record<MeetingType, string> = {
  committee: 'cm', group: 'gp', theme_day: 'td', assembly: 'as', lecture: 'lc', life_meeting: 'lm', review: 'rv',
};

/** Frequency rules, the period each counts in, and what a record must be to count. */
const FREQUENCY: readonly { rule: FrequencyRuleId; kind: PeriodKind; counts(m: MeetingRow, quorum: boolean): boolean }[] = [
  { rule: 'committee-monthly', kind: 'month', counts: (m) => m.type === 'committee' },
  { rule: 'group-monthly', kind: 'month', counts: (m) => m.type === 'group' },
  { rule: 'theme-day-monthly', kind: 'month', counts: (m) => m.type === 'theme_day' },
  { rule: 'assembly-quarterly', kind: 'quarter', counts: (m, quorum) => m.type === 'assembly' && quorum },
  { rule: 'lecture-quarterly', kind: 'quarter', counts: (m) => m.type === 'lecture' },
  { rule: 'secretary-lecture-yearly', kind: 'year', counts: (m) => m.type === 'lecture' && m.lecturer_role === 'secretary' },
  { rule: 'life-meeting-yearly', kind: 'year', counts: (m) => m.type === 'life_meeting' },
  { rule: 'review-yearly', kind: 'year', counts: (m) => m.type === 'review' },
];

interface Planned {
  type: MeetingType;
  at: number;
  suffix: string;
  /** The timestamp is written in UTC ('Z'), whatever the random format choice. */
  utc?: boolean;
  noQuorum?: boolean;
  lecturer?: 'secretary' | 'other';
}

/** The records of one branch in time order, and its lapses (see Lapse). */
export function branchMeetings(plan: CityPlan, p: BranchProfile): { meetings: MeetingRow[]; lapses: Lapse[] } {
  const rng = rngFor(plan.seed, 2, p.index);
  const planned = schedule(plan, p, rng);
  const start = Math.max(plan.windowStartMs, p.establishedMs);
  const kept = planned.filter((m) => m.at >= start && m.at <= plan.nowMs).sort((a, b) => a.at - b.at);
  const committeeSize = p.members < 7 ? 3 : p.members < 30 ? 5 : 7;
  const meetings: MeetingRow[] = [];
  const held = new Map<string, number>();
  const quorumIds = new Map<string, string[]>();
  const minutesIds = new Map<string, string[]>();
  for (const m of kept) {
    const expected =
      m.type === 'committee' ? committeeSize : m.type === 'group' ? Math.max(3, Math.ceil(p.members / p.groups)) : p.members;
    let attended = Math.round(expected * attendanceRate(rng, p.health));
    attended = Math.min(expected, Math.max(1, attended));
    if (m.type === 'assembly') {
      attended = m.noQuorum ? Math.max(1, Math.floor(expected / 2) - rng.int(0, 2)) : Math.max(attended, Math.floor(expected / 2) + 1);
    }
    const r = rng.next();
    const minutes = r < NO_MINUTES[p.health] ? 'no' : r > 0.93 ? null : 'yes';
    const row: MeetingRow = {
      id: `${p.org.code}-${localDate(m.at).replaceAll('-', '')}-${ABBR[m.type]}${m.suffix}`,
      org: p.org.code,
      type: m.type,
      held_at: formatHeldAt(rng, m.at, m.utc ?? false),
      expected,
      attended,
      minutes,
      lecturer_role: m.type === 'lecture' ? (m.lecturer ?? 'other') : null,
      topic: topicFor(rng, m.type),
    };
    meetings.push(row);
    const quorum = attended * 2 > expected;
    for (const f of FREQUENCY) {
      if (!f.counts(row, quorum)) continue;
      const key = `${f.rule}|${periodOf(f.kind, m.at).label}`;
      held.set(key, (held.get(key) ?? 0) + 1);
    }
    if (row.type === 'assembly' && !quorum) push(quorumIds, periodOf('quarter', m.at).label, row.id);
    if (minutes === 'no') push(minutesIds, periodOf('month', m.at).label, row.id);
  }

  const lapses: Lapse[] = [];
  for (const f of FREQUENCY) {
    const required = f.rule === 'group-monthly' ? p.groups : 1;
    if (required === 0) continue;
    // Also the periods a check at `now` may look at that began before the record window (a short
    // window): they have no records, and the manifest must say so to match the data.
    let first = periodOf(f.kind, plan.windowStartMs);
    const twoBack = previousPeriod(previousPeriod(periodOf(f.kind, plan.nowMs)));
    if (twoBack.start < first.start) first = twoBack;
    for (let per = first; per.start <= plan.nowMs; per = nextPeriod(per)) {
      if (per.start < p.establishedMs) continue; // the branch did not exist when the period began
      const n = held.get(`${f.rule}|${per.label}`) ?? 0;
      if (n < required) lapses.push({ rule: f.rule, period: per.label, held: n, required });
    }
  }
  for (const [period, ids] of quorumIds) lapses.push({ rule: 'assembly-quorum', period, meetingIds: ids });
  for (const [period, ids] of minutesIds) lapses.push({ rule: 'minutes-missing', period, meetingIds: ids });
  return { meetings, lapses };
}

/** Every meeting the branch means to hold over the window, with its skips already applied. */
function schedule(plan: CityPlan, p: BranchProfile, rng: Rng): Planned[] {
  const out: Planned[] = [];
  const skipP = SKIP[p.health];
  const first = periodOf('month', plan.windowStartMs);
  const months: Period[] = [];
  for (let m = first; m.start <= plan.nowMs; m = nextPeriod(m)) months.push(m);
  // A chronically lax branch (长期不开展组织生活) has held nothing at all for its last 3–10 months.
  const inactiveFrom = p.health === 'lax' ? months.length - rng.int(3, 10) : Infinity;
  const active = (at: number) => months.findIndex((m) => at >= m.start && at < m.end) < inactiveFrom;
  const themeDay = rng.int(1, 20); // many branches fix their theme day (固定主题党日)
  const lateDays = p.health === 'good' ? 25 : 28;
  const add = (m: Planned) => {
    if (active(m.at) && !rng.chance(skipP)) out.push(m);
  };

  for (const month of months) {
    add(at(rng, month, 'month', lateDays, 'committee', ''));
    add({ type: 'theme_day', at: month.start + (themeDay - 1) * 86_400_000 + rng.int(17, 31) * 1_800_000, suffix: '' });
    for (let g = 1; g <= p.groups; g++) add(at(rng, month, 'month', lateDays, 'group', String(g)));
  }
  for (let q = periodOf('quarter', first.start); q.start <= plan.nowMs; q = nextPeriod(q)) {
    const assembly = at(rng, q, 'quarter', lateDays, 'assembly', '');
    if (rng.chance(NO_QUORUM[p.health])) {
      assembly.noQuorum = true;
      // Half the time the branch convenes again within the quarter and reaches quorum.
      const again = assembly.at + rng.int(10, 20) * 86_400_000;
      if (p.health !== 'lax' && rng.chance(0.5) && again < q.end) add({ type: 'assembly', at: again, suffix: '2' });
    }
    add(assembly);
    add(at(rng, q, 'quarter', lateDays, 'lecture', ''));
  }
  for (let y = periodOf('year', first.start); y.start <= plan.nowMs; y = nextPeriod(y)) {
    // The secretary lectures once a year, mostly in the first three quarters.
    const q = rng.chance(0.85) ? rng.int(1, 3) : 4;
    const lecture = out.find((m) => m.type === 'lecture' && m.at >= y.start && m.at < y.end && quarterOf(m.at) === q);
    if (lecture && !(p.health === 'lax' && rng.chance(0.5))) lecture.lecturer = 'secretary';
    // 组织生活会 and 民主评议 are held together, mostly early in the year, some in December.
    const year = shanghaiParts(y.start).year;
    const month = rng.chance(0.75) ? rng.int(1, 2) : 12;
    const day = rng.int(5, 25);
    add({ type: 'life_meeting', at: shanghaiMidnight(year, month, day) + 9 * 3_600_000, suffix: '' });
    add({ type: 'review', at: shanghaiMidnight(year, month, day) + 14 * 3_600_000, suffix: '' });
  }
  return out;
}

/**
 * A meeting somewhere in the period. A few fall on its last day in the evening, and a few early on
 * its first morning written in UTC (so the text reads as the previous day): both test that the
 * importer and the rules place records in Shanghai periods.
 */
function at(rng: Rng, period: Period, kind: 'month' | 'quarter', lateDays: number, type: MeetingType, suffix: string): Planned {
  const edge = rng.next();
  if (edge < 0.03) return { type, at: period.end - 86_400_000 + rng.int(38, 45) * 1_800_000, suffix };
  const monthStart = kind === 'quarter' ? periodOf('month', period.start + rng.int(0, 2) * 31 * 86_400_000).start : period.start;
  if (edge < 0.05) return { type, at: monthStart + 7.5 * 3_600_000, suffix, utc: true };
  return { type, at: monthStart + (rng.int(1, lateDays) - 1) * 86_400_000 + rng.int(16, 35) * 1_800_000, suffix };
}

function attendanceRate(rng: Rng, health: BranchProfile['health']): number {
  const lo = health === 'good' ? 0.85 : health === 'occasional' ? 0.7 : 0.5;
  return lo + (1 - lo) * rng.next();
}

/** held_at as a file would have it: Shanghai local without offset, with +08:00, or in UTC. */
function formatHeldAt(rng: Rng, t: number, utc: boolean): string {
  const r = rng.next();
  if (utc || r < 0.12) return new Date(t).toISOString().slice(0, 19) + 'Z';
  const local = new Date(t + SHANGHAI_OFFSET_MS).toISOString();
  if (r < 0.4) return `${local.slice(0, 19)}+08:00`;
  if (r < 0.7) return local.slice(0, 19);
  return `${local.slice(0, 10)} ${local.slice(11, 16)}`;
}

function localDate(t: number): string {
  return new Date(t + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

function quarterOf(t: number): number {
  return Math.floor((shanghaiParts(t).month - 1) / 3) + 1;
}

function push(map: Map<string, string[]>, key: string, id: string): void {
  const list = map.get(key);
  if (list) list.push(id);
  else map.set(key, [id]);
}
