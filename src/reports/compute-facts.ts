/**
 * From one branch's raw records of a period to the facts its report is scored on: which
 * obligations were met and when, attendance, minutes, quorum, warnings and rectifications, and
 * the rule findings. Pure: (raw data, config, period, now) in, facts out.
 *
 * The rules are applied "as of" the period's end plus its grace time, so a report for a closed
 * period says the same whenever it is generated (records that arrive later still count).
 */
import { memberCounts, memberSection, type MemberRaw } from './compute-members.js';
import { DAY_MS, parseDate, parsePeriod, periodOf, type Period, type PeriodKind } from '../domain/calendar.js';
import { DOMAINS, FREQUENCY_RULE_IDS, MEETING_TYPES, RECORD_RULE_IDS, type Domain, type Finding, type FrequencyRuleId, type MeetingType, type RuleId } from '../domain/types.js';
import type { FrequencyRuleConfig, RulesConfig } from '../config/rules-schema.js';
import type { Config } from '../config/schema.js';
import { rulesFor } from '../config/rules.js';
import { evaluateTerm } from '../rules/term.js';
import { exemptionFor, type Exemption } from '../domain/exemptions.js';
import { countsFor, evaluateBranch, FREQUENCY_MEETING_TYPE, hasQuorum, meetingReadsOf, requiredCount, addYearsToDate, type EvalRequest } from '../rules/index.js';
import type {
  AlertFact,
  AssessmentFact,
  BranchFacts,
  BranchStats,
  MeetingInfo,
  ObligationStatus,
  OrgInfo,
  RectificationFact,
  VetoFact,
} from './types.js';

/** What the store loads for one branch. `meetings`: those held within the report period. */
export interface BranchRaw {
  org: OrgInfo;
  parentName: string | null;
  meetings: MeetingInfo[];
  alerts: AlertFact[];
  items: RectificationFact[];
  assessments: AssessmentFact[];
  vetoes: VetoFact[];
  /** Roster and sign-ins of the period, when the branch has a roster. */
  members?: MemberRaw;
  /** Exemptions (豁免) of the branch or an org above it, with the chain they are matched on. */
  exemptions?: { list: Exemption[]; chain: string[] };
}

const KIND_ORDER: Record<PeriodKind, number> = { month: 0, quarter: 1, year: 2 };

/**
 * The periods of the given kind an obligation is judged in for report period P: those inside P,
 * or, for a longer kind (a quarterly rule in a monthly report), the one that ends with P.
 */
export function subPeriods(kind: PeriodKind, p: Period): Period[] {
  if (KIND_ORDER[kind] >= KIND_ORDER[p.kind]) {
    const enclosing = periodOf(kind, p.start);
    return enclosing.end === p.end ? [enclosing] : [];
  }
  const out: Period[] = [];
  for (let t = p.start; t < p.end; ) {
    const s = periodOf(kind, t);
    out.push(s);
    t = s.end;
  }
  return out;
}

/**
 * Per meeting type, from when a report of p reads its meetings: p's start, or the start of the
 * longest period an enabled rule on that type (of any domain) is judged in for p (the year's life
 * meeting in December's report, the quarter's assembly in a quarter-ending month's). A type only
 * monthly rules read starts at p: December's live figures read the month's committee meetings, not
 * the year's. Keyed by p and config (immutable once loaded): a pure memo.
 */
export function meetingSince(p: Period, config: Config): ReadonlyMap<MeetingType, number> {
  let byLabel = sinceMemo.get(config);
  if (!byLabel) sinceMemo.set(config, (byLabel = new Map()));
  let since = byLabel.get(p.label);
  if (since) return since;
  const out = new Map<MeetingType, number>(MEETING_TYPES.map((t) => [t, p.start]));
  for (const domain of [null, ...DOMAINS]) {
    const rules = rulesFor(config, domain);
    for (const id of [...FREQUENCY_RULE_IDS, ...RECORD_RULE_IDS]) {
      const cfg = rules[id];
      const start = cfg.enabled ? subPeriods(cfg.period, p)[0]?.start : undefined;
      if (start === undefined) continue;
      for (const read of meetingReadsOf(id)) out.set(read.type, Math.min(out.get(read.type)!, start));
    }
  }
  byLabel.set(p.label, (since = out));
  return since;
}

const sinceMemo = new WeakMap<Config, Map<string, ReadonlyMap<MeetingType, number>>>();

/** A memo key of meetingSince's window (two reads with the same key read the same meetings). */
export function sinceKey(since: ReadonlyMap<MeetingType, number>): string {
  return MEETING_TYPES.map((t) => since.get(t)).join(',');
}

/** The instant a closed period's rules are evaluated at: its end plus the longest grace time. */
export function evaluationInstant(p: Period, config: Config): number {
  let grace = 0;
  for (const id of FREQUENCY_RULE_IDS) grace = Math.max(grace, config.rules[id].grace_days);
  for (const o of Object.values(config.domains)) {
    for (const id of FREQUENCY_RULE_IDS) grace = Math.max(grace, o?.rules?.[id]?.grace_days ?? 0);
  }
  return p.end + grace * DAY_MS;
}

/** What a report period asks of the branches of one domain: computed once, shared by all of them. */
interface DomainPlan {
  rules: RulesConfig;
  /** 'rule|period' of every (rule, sub-period) judged in the report. */
  wanted: Set<string>;
  requests: EvalRequest[];
  frequency: { id: FrequencyRuleId; cfg: FrequencyRuleConfig; type: MeetingType; subs: Period[] }[];
}

// Plans per (config, period label, domain). Config objects are immutable once loaded, so a
// WeakMap keyed by them is a pure memo: same inputs, same plan.
const plans = new WeakMap<Config, Map<string, DomainPlan>>();

function planFor(config: Config, p: Period, domain: string | null): DomainPlan {
  let byKey = plans.get(config);
  if (!byKey) plans.set(config, (byKey = new Map()));
  const key = `${p.label}|${domain ?? ''}`;
  let plan = byKey.get(key);
  if (plan) return plan;
  const rules = rulesFor(config, domain as Domain | null);
  const wanted = new Set<string>();
  const requests: EvalRequest[] = [];
  for (const id of [...FREQUENCY_RULE_IDS, ...RECORD_RULE_IDS]) {
    const cfg = rules[id];
    if (!cfg.enabled) continue;
    for (const s of subPeriods(cfg.period, p)) {
      wanted.add(`${id}|${s.label}`);
      requests.push({ rule: id, period: s.label });
    }
  }
  const frequency = FREQUENCY_RULE_IDS.filter((id) => rules[id].enabled).map((id) => ({
    id,
    cfg: rules[id],
    type: FREQUENCY_MEETING_TYPE[id],
    subs: subPeriods(rules[id].period, p),
  }));
  plan = { rules, wanted, requests, frequency };
  byKey.set(key, plan);
  return plan;
}

/**
 * Build the facts of one branch for report period `p`. `headline` leaves out what only the
 * report's text needs (rule findings and their messages, evidence): enough to score and rank.
 */
export function branchFacts(raw: BranchRaw, p: Period, config: Config, now: number, headline = false): BranchFacts {
  const org = raw.org;
  const { rules, wanted, requests, frequency } = planFor(config, p, org.domain);
  const asOf = evaluationInstant(p, config);
  const establishedAt = org.establishedOn ? parseDate(org.establishedOn) : null;

  // Obligations of a longer kind (the quarter in a quarter-ending month's report) read meetings of
  // their type from before p; the organizational-life figures count only those held in p. Filtered
  // here too, so a caller that passes more meetings than the store's read gets the same facts.
  const since = meetingSince(p, config);
  const judged = raw.meetings.filter((m) => m.heldAt >= since.get(m.type)! && m.heldAt < p.end).sort((a, b) => a.heldAt - b.heldAt);
  const meetings = judged.filter((m) => m.heldAt >= p.start);
  const all = headline
    ? evaluateTerm(rules['term-expiry'], org, asOf)
    : evaluateBranch(org, judged, rules, asOf, requests).filter((f) => f.rule === 'term-expiry' || wanted.has(`${f.rule}|${f.period}`));
  // Exempt lapses (豁免) are listed apart and neither count as problems nor lower the score.
  const ex = raw.exemptions;
  const exemptionOf = (rule: string, dueAt: number) => (ex && ex.list.length ? exemptionFor({ orgs: ex.chain, rule, dueAt }, ex.list, now) : null);
  const findings: Finding[] = [];
  const exempted: { finding: Finding; exemption: Exemption }[] = [];
  for (const f of all) {
    const e = exemptionOf(f.rule, f.dueAt);
    if (e) exempted.push({ finding: f, exemption: e });
    else findings.push(f);
  }

  const byType = new Map<MeetingType, MeetingInfo[]>();
  for (const m of judged) {
    const list = byType.get(m.type);
    if (list) list.push(m);
    else byType.set(m.type, [m]);
  }
  const obligations: ObligationStatus[] = [];
  for (const { id, cfg, type, subs } of frequency) {
    const required = requiredCount(id, cfg, org);
    if (required <= 0) continue;
    const ofType = byType.get(type) ?? [];
    for (const s of subs) {
      if (establishedAt !== null && establishedAt > s.start) continue;
      if (exemptionOf(id, s.end)) continue; // not required while exempt
      const own = ofType.filter((m) => m.heldAt >= s.start && m.heldAt < s.end);
      let counted = 0;
      let metBy: MeetingInfo | undefined;
      for (const m of own) {
        if (!countsFor(id, m)) continue;
        if (++counted === required) metBy = m;
      }
      const lateness = metBy ? (metBy.heldAt - s.start) / (s.end - s.start) : null;
      obligations.push({
        rule: id,
        period: s.label,
        required,
        counted,
        met: !!metBy,
        meetingIds: metBy ? [] : own.map((m) => m.id),
        lateness: lateness === null ? null : round(lateness, 3),
        onTime: !!metBy && metBy.heldAt < s.end - cfg.reminder_days * DAY_MS,
      });
    }
  }

  const stats = computeStats(raw, meetings, obligations, findings, p, rules, now);
  const memberPart = raw.members ? memberSection(raw.members, p, rules, asOf) : undefined;
  if (memberPart) stats.members = memberCounts(memberPart);
  const resolved = resolveAssessments(raw.assessments, p);
  const configured = config.reports.imported_indicators;
  const assessments: Record<string, number> = {};
  const unknownIndicators: string[] = [];
  for (const [name, score] of Object.entries(resolved)) {
    if (configured[name]) assessments[name] = score;
    else unknownIndicators.push(name);
  }
  const referenced = new Set(findings.flatMap((f) => f.meetingIds ?? []));
  for (const o of obligations) if (!o.met) for (const id of o.meetingIds) referenced.add(id);
  const meetingMap: Record<string, MeetingInfo> = {};
  for (const m of raw.meetings) if (referenced.has(m.id)) meetingMap[m.id] = m;

  return {
    org,
    parentName: raw.parentName,
    stats,
    findings,
    meetings: meetingMap,
    assessments,
    unknownIndicators: unknownIndicators.sort(),
    vetoes: raw.vetoes.filter((v) => overlaps(v.period, p)),
    overdueItems: raw.items.filter((i) => i.status === 'open' && i.dueAt <= now),
    existedWholePeriod: establishedAt === null || establishedAt <= p.start,
    ...(memberPart && !headline ? { memberSection: memberPart } : {}),
    ...(exempted.length ? { exempted } : {}),
  };
}

function computeStats(
  raw: BranchRaw,
  meetings: MeetingInfo[],
  obligations: ObligationStatus[],
  findings: Finding[],
  p: Period,
  rules: RulesConfig,
  now: number,
): BranchStats {
  let expected = 0;
  let attended = 0;
  const minutes = { yes: 0, no: 0, unknown: 0 };
  const assemblies = { held: 0, quorate: 0 };
  for (const m of meetings) {
    if (m.expected > 0) {
      expected += m.expected;
      attended += Math.min(m.attended, m.expected);
    }
    if (m.minutes === true) minutes.yes++;
    else if (m.minutes === false) minutes.no++;
    else minutes.unknown++;
    if (m.type === 'assembly') {
      assemblies.held++;
      if (hasQuorum(m)) assemblies.quorate++;
    }
  }
  const met = obligations.filter((o) => o.met);
  const latenesses = met.map((o) => o.lateness ?? 0);

  const warned = raw.alerts.filter((a) => a.level !== 'reminder' && a.raisedAt >= p.start && a.raisedAt < p.end);
  const ackDays = warned.filter((a) => a.acknowledgedAt !== null).map((a) => (a.acknowledgedAt! - a.raisedAt) / DAY_MS);
  const prompt = warned.filter((a) => {
    if (a.acknowledgedAt === null) return false;
    const cfg = (rules as Record<string, { escalation_days?: number }>)[a.rule as RuleId];
    return a.acknowledgedAt - a.raisedAt <= (cfg?.escalation_days ?? 7) * DAY_MS;
  });

  const due = raw.items.filter((i) => i.dueAt <= now);
  const term = findings.find((f) => f.rule === 'term-expiry');
  const termCfg = rules['term-expiry'];
  const endDate =
    term?.period ?? (raw.org.electedOn ? addYearsToDate(raw.org.electedOn, raw.org.termYears ?? termCfg.default_term_years) : null);

  return {
    obligations,
    required: obligations.length,
    met: met.length,
    meetings: meetings.length,
    attendance: { expected, attended, rate: expected > 0 ? round(attended / expected, 4) : null },
    minutes: { ...minutes, completeness: minutes.yes + minutes.no > 0 ? round(minutes.yes / (minutes.yes + minutes.no), 4) : null },
    assemblies,
    timeliness: {
      met: met.length,
      onTime: met.filter((o) => o.onTime).length,
      meanLateness: latenesses.length ? round(latenesses.reduce((a, b) => a + b, 0) / latenesses.length, 3) : null,
    },
    warnings: {
      received: warned.length,
      acknowledged: ackDays.length,
      promptlyAcknowledged: prompt.length,
      meanAckDays: ackDays.length ? round(ackDays.reduce((a, b) => a + b, 0) / ackDays.length, 1) : null,
      open: warned.filter((a) => a.open).length,
    },
    openEscalations: raw.alerts.filter((a) => a.open && a.level === 'escalation').length,
    openWarnings: raw.alerts.filter((a) => a.open && a.level === 'warning').length,
    rectifications: {
      due: due.length,
      closedOnTime: due.filter((i) => i.status === 'closed' && i.closedAt !== null && i.closedAt <= i.dueAt).length,
      open: raw.items.filter((i) => i.status === 'open').length,
      overdue: due.filter((i) => i.status === 'open').length,
    },
    term: {
      endDate,
      status: !raw.org.electedOn || !termCfg.enabled ? 'unknown' : !term ? 'ok' : term.level === 'reminder' ? 'due-soon' : 'overdue',
    },
  };
}

/**
 * Imported scores for report period p, per indicator: the assessment of p itself; else of the
 * shortest period enclosing p (a yearly assessment applies to the year's months and quarters);
 * else the mean of those inside p (quarterly assessments make a year's).
 */
export function resolveAssessments(rows: AssessmentFact[], p: Period): Record<string, number> {
  const byIndicator = new Map<string, AssessmentFact[]>();
  for (const r of rows) {
    const list = byIndicator.get(r.indicator);
    if (list) list.push(r);
    else byIndicator.set(r.indicator, [r]);
  }
  const out: Record<string, number> = {};
  for (const [indicator, list] of byIndicator) {
    let best: { len: number; score: number } | null = null;
    const inside: number[] = [];
    for (const r of list) {
      const q = parsePeriod(r.period);
      if (!q) continue;
      if (q.start <= p.start && q.end >= p.end) {
        const len = q.end - q.start;
        if (!best || len < best.len) best = { len, score: r.score };
      } else if (q.start >= p.start && q.end <= p.end) inside.push(r.score);
    }
    if (best) out[indicator] = best.score;
    else if (inside.length) out[indicator] = round(inside.reduce((a, b) => a + b, 0) / inside.length, 1);
  }
  return out;
}

/** Whether a period label overlaps report period p (a veto for March counts in Q1 and the year). */
export function overlaps(label: string, p: Period): boolean {
  const q = parsePeriod(label);
  return !!q && q.start < p.end && q.end > p.start;
}

/** Round to `digits` decimals. */
export function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f + Number.EPSILON * f) / f;
}

/** Whether an org founded on `establishedOn` did not exist yet in period p (it gets no report or estimate). */
export function foundedAfter(establishedOn: string | null, p: Period): boolean {
  const t = establishedOn ? parseDate(establishedOn) : null;
  return t !== null && t >= p.end;
}
