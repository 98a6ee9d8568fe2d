import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { RULE_DEFAULTS } from '../../src/config/rules-schema.js';
import { configSchema } from '../../src/config/schema.js';
import { CONFIG_DIR } from '../helpers/config.js';

describe('config/default.yaml', () => {
  const raw = parse(readFileSync(join(CONFIG_DIR, 'default.yaml'), 'utf8')) as Record<string, unknown>;

  it('restates exactly the schema defaults of every rule', () => {
    expect(raw.rules).toEqual(RULE_DEFAULTS);
    expect(configSchema.parse({}).rules).toEqual(RULE_DEFAULTS);
  });

  it('restates exactly the schema default of the per-domain overrides', () => {
    expect(raw.domains).toEqual(configSchema.parse({}).domains);
  });
});
