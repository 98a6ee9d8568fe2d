/** Formula-like text from imports is neutralised in every export (ranking XLSX, CSV fields). */
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { csvField, safeCell } from '../../src/domain/safe-cell.js';
import { rankingXlsx } from '../../src/reports/xlsx.js';
import { sampleReports } from './sample.js';

const HOSTILE = ["=cmd|' /C calc'!A0", '+1+2', '-2+3', '@SUM(A1:A2)', '\t=1+1', '\r=1+1'];

describe('exports neutralise formula-like cells', () => {
  it('prefixes every hostile name and code in the ranking workbook with an apostrophe', async () => {
    const { reports } = sampleReports();
    const hostile = reports.map((r, i) => ({ ...r, name: HOSTILE[i % HOSTILE.length]!, org: i === 0 ? '=HYPERLINK("http://x")' : r.org, parentName: '@evil' }));
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await rankingXlsx(hostile, '2026年10月')) as unknown as ArrayBuffer);
    let seen = 0;
    for (const ws of wb.worksheets) {
      ws.eachRow((row, n) => {
        if (n < 3) return;
        row.eachCell((cell) => {
          expect(typeof cell.value === 'object' && cell.value !== null && 'formula' in cell.value).toBe(false);
          if (typeof cell.value === 'string') expect(cell.value).not.toMatch(/^[=+\-@\t\r]/);
        });
        expect(String(row.getCell(3).value)).toMatch(/^'/);
        seen++;
      });
    }
    expect(seen).toBeGreaterThan(0);
  });

  it('leaves numbers and ordinary text alone, and quotes CSV fields', () => {
    expect(safeCell(-3)).toBe(-3);
    expect(safeCell('第一党支部')).toBe('第一党支部');
    for (const h of HOSTILE) expect(String(safeCell(h)).startsWith("'")).toBe(true);
    expect(csvField('=1+1')).toBe("'=1+1");
    expect(csvField('a,"b"')).toBe('"a,""b"""');
    expect(csvField("=cmd|' /C calc'!A0")).toBe("'=cmd|' /C calc'!A0");
  });
});
