import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { END, README, renderConfigReference, START, withReference } from '../../scripts/gen-config-docs.js';
import { ENV_VARS } from '../../src/config/env.js';
import { configSchema } from '../../src/config/schema.js';

describe('the README configuration reference', () => {
  it('is exactly what scripts/gen-config-docs.ts generates from the schema (run it after changing the schema)', () => {
    const readme = readFileSync(README, 'utf8');
    expect(readme).toContain(START);
    expect(readme).toContain(END);
    const expected = withReference(readme, renderConfigReference());
    // On failure: npx tsx scripts/gen-config-docs.ts
    expect(readme).toBe(expected);
  });

  it('names every section, a nested key with its default, and every environment variable', () => {
    const ref = renderConfigReference();
    for (const section of Object.keys(configSchema.shape)) expect(ref).toContain(`#### \`${section}\``);
    expect(ref).toMatch(/\| `delivery\.quiet_hours\.start` \| string \| `"08:00"` \| first minute messages may be sent \|/);
    expect(ref).toMatch(/\| `committee-monthly` \| `true` \| `"month"` \| `1` \| `7` \| `3` \| `7` \|/);
    for (const name of Object.keys(ENV_VARS)) expect(ref).toContain(`| \`${name}\` |`);
  });

  it('refuses a README without the markers', () => {
    expect(() => withReference('# no markers here\n', 'x')).toThrow(/markers/);
  });
});
