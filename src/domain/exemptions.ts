/**
 * Exemptions (豁免) and the pure decision of whether a finding is exempt. An exemption covers an org
 * and every org under it, one rule or all, from `startsOn` to `endsOn` (Beijing days, inclusive),
 * unless ended early. A finding is exempt when its due date falls inside the covered days, or while
 * the exemption is in force (now inside the covered days): during a re-election nothing about the
 * committee is sent, and after it ends the lapses that fell due inside it stay exempt.
 */
import { DAY_MS, parseDate } from './calendar.js';
import type { RuleId } from './types.js';

export interface Exemption {
  id: number;
  org: string;
  /** One rule, or null for every rule. */
  rule: RuleId | null;
  startsOn: string;
  endsOn: string;
  reason: string;
  approver: string;
  createdBy: string;
  createdAt: number;
  endedAt: number | null;
  endedBy: string | null;
  endNote: string | null;
}

export type NewExemption = Pick<Exemption, 'org' | 'rule' | 'startsOn' | 'endsOn' | 'reason' | 'approver' | 'createdBy'>;

/** The covered instants [from, to) of an exemption: its days, cut short when it was ended early. */
export function coveredSpan(e: Pick<Exemption, 'startsOn' | 'endsOn' | 'endedAt'>): { from: number; to: number } {
  const from = parseDate(e.startsOn) ?? 0;
  const dayAfterEnd = (parseDate(e.endsOn) ?? 0) + DAY_MS;
  const to = e.endedAt === null ? dayAfterEnd : Math.max(from, Math.min(dayAfterEnd, e.endedAt));
  return { from, to };
}

/** Whether an exemption is in force at `now`. */
export function inForce(e: Exemption, now: number): boolean {
  const { from, to } = coveredSpan(e);
  return now >= from && now < to;
}

/** A finding (or alert) as exemption matching sees it. */
export interface ExemptionSubject {
  /** The org and its ancestors, nearest first (the committee chain up to the root). */
  orgs: readonly string[];
  rule: string;
  dueAt: number;
}

/**
 * The exemption that covers a finding, or null. Of several, the one ending last (the most
 * generous) is shown.
 */
export function exemptionFor(subject: ExemptionSubject, exemptions: readonly Exemption[], now: number): Exemption | null {
  let best: Exemption | null = null;
  let bestTo = -Infinity;
  for (const e of exemptions) {
    if (e.rule !== null && e.rule !== subject.rule) continue;
    if (!subject.orgs.includes(e.org)) continue;
    const { from, to } = coveredSpan(e);
    const covers = (subject.dueAt >= from && subject.dueAt < to) || (now >= from && now < to);
    if (covers && to > bestTo) {
      best = e;
      bestTo = to;
    }
  }
  return best;
}

/** The chain of an org and its ancestors (nearest first), from a parent lookup. */
export function ancestry(code: string, parentOf: (code: string) => string | null | undefined): string[] {
  const out: string[] = [];
  for (let c: string | null | undefined = code; c && out.length < 64 && !out.includes(c); c = parentOf(c)) out.push(c);
  return out;
}

/** The Chinese line people read beside an exempted finding. */
export function exemptionNoteZh(e: Exemption): string {
  return `已豁免（${e.reason}，${e.approver}批准，${e.startsOn} 至 ${e.endsOn}）`;
}

/** A finding an exemption covers, with the exemption. */
export interface ExemptFinding<F> {
  finding: F;
  exemption: Exemption;
}

/**
 * Split findings into those that stand and those an exemption covers (pure). `parentOf` gives an
 * org's parent code (the org tree), so a committee's exemption covers every branch under it.
 */
export function partitionExempt<F extends { org: string; rule: string; dueAt: number }>(
  findings: readonly F[],
  exemptions: readonly Exemption[],
  parentOf: (code: string) => string | null | undefined,
  now: number,
): { standing: F[]; exempt: ExemptFinding<F>[] } {
  if (!exemptions.length) return { standing: [...findings], exempt: [] };
  const chains = new Map<string, string[]>();
  const standing: F[] = [];
  const exempt: ExemptFinding<F>[] = [];
  for (const f of findings) {
    let chain = chains.get(f.org);
    if (!chain) chains.set(f.org, (chain = ancestry(f.org, parentOf)));
    const e = exemptionFor({ orgs: chain, rule: f.rule, dueAt: f.dueAt }, exemptions, now);
    if (e) exempt.push({ finding: f, exemption: e });
    else standing.push(f);
  }
  return { standing, exempt };
}

/** A secretary's leave (请假): while it runs, the secretary's messages go to the deputy. */
export interface SecretaryLeave {
  id: number;
  org: string;
  startsOn: string;
  endsOn: string;
  reason: string | null;
  createdBy: string;
  createdAt: number;
  endedAt: number | null;
  endedBy: string | null;
}

/** Whether a leave runs at `now` (its days, Beijing time, cut short when ended early). */
export function onLeave(l: Pick<SecretaryLeave, 'startsOn' | 'endsOn' | 'endedAt'>, now: number): boolean {
  const { from, to } = coveredSpan(l);
  return now >= from && now < to;
}
