import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { END, README, renderColumnsReference, START, withReference } from '../../scripts/gen-columns-docs.js';
import { TABLES } from '../../src/import/tables/index.js';

describe('the README import column reference', () => {
  it('is exactly what scripts/gen-columns-docs.ts generates from the column catalogue (run it after changing a table)', () => {
    const readme = readFileSync(README, 'utf8');
    expect(readme).toContain(START);
    expect(readme).toContain(END);
    // On failure: npx tsx scripts/gen-columns-docs.ts
    expect(readme).toBe(withReference(readme, renderColumnsReference()));
  });

  it('lists every column of every table with its Chinese header, and says what each accepts', () => {
    const ref = renderColumnsReference();
    for (const t of TABLES) {
      expect(ref).toContain(`#### \`${t.name}\` ${t.nameZh}`);
      for (const c of t.columns) {
        const row = ref.split('\n').find((l) => l.startsWith(`| \`${c.key}\` | ${c.zh} |`));
        expect(row, `${t.name}.${c.key}`).toBeDefined();
        expect(row!.split('|')[5]!.trim(), `${t.name}.${c.key} values`).not.toBe('');
      }
    }
    expect(ref).toContain('| `kind` | 组织类别 | 组织类型 | yes 必填 | one of: committee 党委, branch 党支部 |');
  });
});
