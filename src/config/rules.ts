/**
 * The effective rules of a domain, in a module without the YAML parser and the schema: the check
 * and the reports call it on every run, and a configuration from the cache (./cache.ts) needs
 * neither.
 */
import type { Config } from './schema.js';
import type { Domain } from '../domain/types.js';
import type { RulesConfig } from './rules-schema.js';

/** The effective rule config for a branch's domain: the base rules with that domain's overrides. */
export function rulesFor(config: Config, domain: Domain | null): RulesConfig {
  const overrides = domain ? config.domains[domain]?.rules : undefined;
  if (!overrides) return config.rules;
  const out: Record<string, unknown> = { ...config.rules };
  for (const [id, o] of Object.entries(overrides)) {
    if (o) out[id] = { ...(config.rules as Record<string, object>)[id], ...o };
  }
  return out as RulesConfig;
}
