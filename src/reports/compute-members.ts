/**
 * The 党员管理 (member management) part of a branch's report, from its roster and sign-ins when it
 * has them (pure): each member's participation rate in the period (tracked meetings held while
 * they were a member, taken part in = present or excused), the members absent 3+ and 6+ months as
 * of the report's evaluation instant, and probationary members whose year is due. Names appear
 * only here (the branch's own report); committee summaries and rankings get the counts.
 */
import type { MemberAbsenceConfig, RulesConfig } from '../config/rules-schema.js';
import { dateStart } from '../rules/dates.js';
import { evaluateProbation, isCurrentMember, lastCompletedMonth, lastTookPart, monthNumber, type MemberFacts } from '../rules/index.js';

/** One tracked meeting of the period: when, and who took part (member ids). */
export interface TrackedFact {
  heldAt: number;
  /** Ids (interchange member ids) of members present or excused. */
  tookPart: ReadonlySet<string>;
}

/** What gather hands over for one branch with a roster. */
export interface MemberRaw {
  members: readonly MemberFacts[];
  /** Tracked meetings held in the report period. */
  tracked: readonly TrackedFact[];
  /** The branch's first tracked meeting ever (null = none). */
  firstTrackedAt: number | null;
}

/** One member's line in the report. */
export interface MemberLine {
  id: string;
  name: string;
  status: 'full' | 'probationary';
  /** Tracked meetings of the period held while a member, and how many they took part in. */
  eligible: number;
  tookPart: number;
  /** tookPart / eligible; null when no tracked meeting concerned them. */
  rate: number | null;
  /** Whole months without taking part as of the evaluation instant; null when not judged. */
  monthsAbsent: number | null;
}

/** The member-management section of a branch report. */
export interface MemberSection {
  roster: number;
  tracked: number;
  /** Mean of the members' rates (members with a rate). */
  meanRate: number | null;
  lines: MemberLine[];
  absent3: number;
  absent6: number;
  probationDue: { id: string; name: string; due: string; overdue: boolean }[];
}

/** Counts of the section, safe to show beyond the branch (no names). */
export interface MemberCounts {
  roster: number;
  tracked: number;
  meanRate: number | null;
  absent3: number;
  absent6: number;
  probationDue: number;
}

/** The section of one branch for a period [start, end), judged as of `asOf`. */
export function memberSection(raw: MemberRaw, period: { start: number; end: number }, rules: RulesConfig, asOf: number): MemberSection {
  const absence: MemberAbsenceConfig = rules['member-absence'];
  const lc = lastCompletedMonth(asOf, absence.grace_days);
  const lines: MemberLine[] = [];
  let rateSum = 0;
  let rated = 0;
  let absent3 = 0;
  let absent6 = 0;
  for (const m of raw.members) {
    const joined = dateStart(m.joinedOn) ?? -Infinity;
    const left = m.leftOn ? (dateStart(m.leftOn) ?? Infinity) : Infinity;
    if (joined >= period.end || left <= period.start) continue;
    let eligible = 0;
    let took = 0;
    for (const t of raw.tracked) {
      if (t.heldAt < joined || t.heldAt >= left) continue;
      eligible++;
      if (t.tookPart.has(m.id)) took++;
    }
    const rate = eligible ? took / eligible : null;
    if (rate !== null) {
      rateSum += rate;
      rated++;
    }
    let monthsAbsent: number | null = null;
    if (raw.firstTrackedAt !== null && raw.firstTrackedAt <= asOf && isCurrentMember(m, asOf)) {
      monthsAbsent = Math.max(0, lc - lastTookPart(m, raw.firstTrackedAt, asOf));
      if (monthsAbsent >= 3) absent3++;
      if (monthsAbsent >= 6) absent6++;
    }
    lines.push({ id: m.id, name: m.name, status: m.status, eligible, tookPart: took, rate, monthsAbsent });
  }
  const probationDue = evaluateProbation({ ...rules['probation-due'], enabled: true }, '', raw.members, asOf).map((f) => ({
    id: f.member!,
    name: raw.members.find((x) => x.id === f.member)!.name,
    due: f.period,
    overdue: f.level !== 'reminder',
  }));
  return {
    roster: lines.length,
    tracked: raw.tracked.length,
    meanRate: rated ? rateSum / rated : null,
    lines,
    absent3,
    absent6,
    probationDue,
  };
}

/** The name-free counts of a section. */
export function memberCounts(s: MemberSection): MemberCounts {
  return { roster: s.roster, tracked: s.tracked, meanRate: s.meanRate, absent3: s.absent3, absent6: s.absent6, probationDue: s.probationDue.length };
}

/** Month number of an instant (re-exported for gather's convenience). */
export { monthNumber };
