import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { configSchema } from '../../src/config/schema.js';
import { CONFIG_DIR, shippedConfig } from '../helpers/config.js';

describe('the shipped alert and delivery configuration', () => {
  it('restates exactly the schema defaults of alerts and delivery in default.yaml', () => {
    const raw = parse(readFileSync(join(CONFIG_DIR, 'default.yaml'), 'utf8')) as Record<string, unknown>;
    const defaults = configSchema.parse({});
    expect(raw.alerts).toEqual(defaults.alerts);
    expect(raw.delivery).toEqual(defaults.delivery);
  });

  it('loads the holiday calendar from holidays.yaml: sorted, no date both a holiday and a make-up workday', () => {
    const { calendar } = shippedConfig();
    expect(calendar.holidays.length).toBe(28 + 33); // 2025: 1+8+3+5+3+8; 2026: 3+9+3+5+3+3+7
    expect(calendar.workdays.length).toBe(11);
    expect([...calendar.holidays].sort()).toEqual(calendar.holidays);
    expect(calendar.holidays.filter((d) => calendar.workdays.includes(d))).toEqual([]);
    // Every make-up workday is a weekend day; no listed holiday needs one to be a weekday.
    for (const d of calendar.workdays) expect([0, 6]).toContain(new Date(`${d}T00:00:00Z`).getUTCDay());
  });
});
