/** Literal test data for the rules: branches, meetings, configurations and an exact clock. */
import { parseTimestamp } from '../../src/domain/calendar.js';
import { configSchema, type Config } from '../../src/config/schema.js';
import { rulesFor } from '../../src/config/load.js';
import type { RulesConfig } from '../../src/config/rules-schema.js';
import type { Domain, Finding, MeetingType, RuleId } from '../../src/domain/types.js';
import { evaluateBranch, type BranchFacts, type EvalRequest, type MeetingFacts } from '../../src/rules/index.js';

/** Epoch ms of an ISO timestamp (no offset = Shanghai); throws on a typo so tests fail loudly. */
export function at(iso: string): number {
  const t = parseTimestamp(iso);
  if (t === null) throw new Error(`bad timestamp in test: ${iso}`);
  return t;
}

/** A branch established long ago, no party groups, no election date unless given. */
export function branch(over: Partial<BranchFacts> = {}): BranchFacts {
  return { code: 'B001', groups: 0, establishedOn: '2000-01-01', electedOn: null, termYears: null, ...over };
}

let seq = 0;
/** A well-attended meeting with minutes. */
export function meeting(type: MeetingType, heldAt: string, over: Partial<MeetingFacts> = {}): MeetingFacts {
  return {
    id: `M${++seq}`,
    type,
    heldAt: at(heldAt),
    expected: 10,
    attended: 9,
    minutes: true,
    lecturerRole: type === 'lecture' ? 'other' : null,
    ...over,
  };
}

/** The schema defaults, with optional raw config sections (as in YAML) merged in. */
export function config(raw: Record<string, unknown> = {}): Config {
  return configSchema.parse(raw);
}

/** Effective rules of a domain under a config (schema defaults if none given). */
export function rules(domain: Domain | null = 'organ', cfg: Config = config()): RulesConfig {
  return rulesFor(cfg, domain);
}

/** Findings of one rule for a branch, as of `now`. */
export function findingsOf(
  rule: RuleId,
  b: BranchFacts,
  meetings: MeetingFacts[],
  now: string,
  r: RulesConfig = rules(),
  also?: EvalRequest[],
): Finding[] {
  return evaluateBranch(b, meetings, r, at(now), also).filter((f) => f.rule === rule);
}

/** "rule level period" of each finding, compact for assertions. */
export function summary(findings: Finding[]): string[] {
  return findings.map((f) => `${f.rule} ${f.level} ${f.period}`);
}
