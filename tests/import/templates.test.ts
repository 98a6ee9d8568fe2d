/** `orglife import --template DIR`: blank CSV and XLSX per table, Chinese headers, each recognised as its table. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importFiles } from '../../src/import/index.js';
import { TABLES } from '../../src/import/tables/index.js';
import { writeTemplates } from '../../src/import/templates.js';
import { tempStore } from '../helpers/store.js';

describe('import templates', () => {
  it('writes a CSV and an XLSX per table with the Chinese headers, and each imports as its own table with no rows', async () => {
    const t = await tempStore();
    try {
      const dir = join(t.dir, 'templates');
      const files = await writeTemplates(dir);
      expect(files).toHaveLength(TABLES.length * 2);
      const meetings = readFileSync(join(dir, 'meetings.csv'), 'utf8');
      expect(meetings.startsWith('\ufeff记录编号,组织编码,会议类型,召开时间')).toBe(true);
      for (const f of files) {
        const [r] = await importFiles(t.store, [f]);
        expect(`${f} ${r!.table}`).toBe(`${f} ${f.split('/').at(-1)!.replace(/\.(csv|xlsx)$/, '')}`);
        expect(r!.rows).toBe(0);
      }
    } finally {
      t.cleanup();
    }
  });
});
