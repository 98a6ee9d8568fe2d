/**
 * Which (org, rule, period) a run evaluated. Reconcile resolves an alert only when its period was
 * actually judged and produced no finding: a period that merely left the evaluation window proves
 * nothing, so its alert stays as it is until the evaluator re-checks it (see openAlertPeriods).
 */
import type { Config } from '../config/schema.js';
import { rulesFor } from '../config/rules.js';
import type { RulesConfig } from '../config/rules-schema.js';
import type { Domain, RuleId } from '../domain/types.js';
import { isMemberRule, windowFor, type EvalRequest } from '../rules/index.js';
import { parsePeriod } from '../domain/calendar.js';
import type { ScopeVerdict } from './lifecycle.js';

/** Answers "was this (org, rule, period) evaluated in this run?". */
export interface EvaluationScope {
  verdict(org: string, rule: RuleId, period: string): ScopeVerdict;
  /** The orgs whose alerts this run may touch (findings of other orgs are still reconciled); null = every org. */
  orgs(): readonly string[] | null;
}

/** A branch the run evaluated (an org row or a BranchRow satisfies it). */
export interface ScopeBranch {
  code: string;
  domain: Domain | string | null;
}

type RuleCoverage = { labels: ReadonlySet<string>; kind: string | null } | 'any-period' | 'disabled';

/**
 * The scope of a run that evaluated `branches` as of `now` with `config`, re-checking the
 * `alsoEvaluate` requests (the same map given to the evaluator). term-expiry judges the current
 * term of every evaluated branch, and the member rules each member's current state, so any other
 * period's alert of those rules counts as evaluated (member-absence moves to a new period every
 * month while the member stays away; the old period's alert is resolved, the new one announced).
 */
export function evaluationScope(
  branches: Iterable<ScopeBranch>,
  config: Config,
  now: number,
  alsoEvaluate?: ReadonlyMap<string, readonly EvalRequest[]>,
): EvaluationScope {
  const domainOf = new Map<string, string | null>();
  for (const b of branches) domainOf.set(b.code, b.domain ?? null);
  const byDomain = new Map<string | null, Map<RuleId, RuleCoverage>>();
  const coverage = (domain: string | null, rule: RuleId): RuleCoverage => {
    let rules = byDomain.get(domain);
    if (!rules) {
      rules = new Map();
      byDomain.set(domain, rules);
    }
    let c = rules.get(rule);
    if (c === undefined) {
      const cfg = (rulesFor(config, domain as Domain | null) as RulesConfig)[rule];
      if (!cfg || !cfg.enabled) c = 'disabled';
      else if (rule === 'term-expiry' || isMemberRule(rule)) c = 'any-period';
      else c = { labels: new Set(windowFor(rule, cfg, now).map((p) => p.label)), kind: (cfg as { period?: string }).period ?? null };
      rules.set(rule, c);
    }
    return c;
  };
  // The re-checked (rule, period) keys of an evaluated org, made when first asked: a chunk's scope
  // reads its own orgs' entries, never the whole city's map (a 250,000-branch tick made 125 scopes of ~200,000 open alerts each).
  const extra = new Map<string, ReadonlySet<string>>();
  const extraOf = (org: string): ReadonlySet<string> | undefined => {
    let set = extra.get(org);
    if (set === undefined) {
      const reqs = alsoEvaluate?.get(org);
      if (!reqs) return undefined;
      extra.set(org, (set = new Set(reqs.map((r) => `${r.rule}\u0000${r.period}`))));
    }
    return set;
  };
  const codes = [...domainOf.keys()];
  return {
    orgs: () => codes,
    verdict(org, rule, period) {
      if (!domainOf.has(org)) return null;
      const c = coverage(domainOf.get(org)!, rule);
      if (c === 'disabled') return 'rule-disabled';
      if (c === 'any-period' || c.labels.has(period)) return 'evaluated';
      // The rule's period kind changed (e.g. quarterly → monthly): its old alerts are not judged any more.
      const kind = parsePeriod(period)?.kind;
      if (kind && c.kind !== null && kind !== c.kind) return 'period-changed';
      return extraOf(org)?.has(`${rule}\u0000${period}`) ? 'evaluated' : null;
    },
  };
}

/** A scope naming exactly the evaluated (org, rule, period) keys (tools and tests). */
export function explicitScope(keys: Iterable<{ org: string; rule: RuleId | string; period: string }>): EvaluationScope {
  const set = new Set<string>();
  const orgs = new Set<string>();
  for (const k of keys) {
    set.add(`${k.org}\u0000${k.rule}\u0000${k.period}`);
    orgs.add(k.org);
  }
  return {
    orgs: () => [...orgs],
    verdict: (org, rule, period) => (set.has(`${org}\u0000${rule}\u0000${period}`) ? 'evaluated' : null),
  };
}
