import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { configSchema } from '../../src/config/schema.js';
import { DEFAULT_SUGGESTIONS } from '../../src/reports/config.js';
import { RULE_IDS } from '../../src/domain/types.js';
import { CONFIG_DIR } from '../helpers/config.js';

describe('reports configuration', () => {
  it('config/default.yaml restates exactly the schema defaults of reports', () => {
    const raw = parse(readFileSync(join(CONFIG_DIR, 'default.yaml'), 'utf8')) as Record<string, unknown>;
    expect(raw.reports).toEqual(configSchema.parse({}).reports);
  });

  it('has a Chinese suggestion for every rule id', () => {
    for (const id of RULE_IDS) expect(DEFAULT_SUGGESTIONS[id]).toMatch(/[\u4e00-\u9fff]/);
  });

  it('rejects bands that are not listed highest first or do not end at 0', () => {
    const bad = configSchema.safeParse({ reports: { bands: [{ min: 60, grade: '合格', stars: 2 }, { min: 90, grade: '优秀', stars: 5 }] } });
    expect(bad.success).toBe(false);
    expect(configSchema.safeParse({ reports: { bands: [{ min: 10, grade: '合格', stars: 2 }] } }).success).toBe(false);
  });

  it('rejects an imported indicator mapped to an unknown category', () => {
    const r = configSchema.safeParse({ reports: { imported_indicators: { 工作成效: { category: 'results', weight: 40 } } } });
    expect(r.success).toBe(false);
  });
});
