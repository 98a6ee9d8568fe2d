/**
 * Blank import templates, one CSV (UTF-8 with BOM, so Excel opens it as UTF-8) and one XLSX per
 * table, with the Chinese headers of the table's columns in order (required ones first in the
 * registry's own order). The headers come from the table registry itself, the same column catalogue
 * the importer matches, so a template always imports.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { csvField } from '../domain/safe-cell.js';
import { TABLES } from './tables/index.js';

/** Write `<table>.csv` and `<table>.xlsx` for every table into `dir`; returns the files written. */
export async function writeTemplates(dir: string): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  for (const t of TABLES) {
    const headers = t.columns.map((c) => c.zh);
    const csv = join(dir, `${t.name}.csv`);
    writeFileSync(csv, `\ufeff${headers.map(csvField).join(',')}\r\n`);
    const wb = new ExcelJS.Workbook();
    wb.creator = 'orglife';
    const ws = wb.addWorksheet(t.nameZh);
    ws.addRow(headers);
    ws.getRow(1).font = { bold: true };
    ws.columns = headers.map((h) => ({ width: Math.max(10, h.length * 2 + 4) }));
    // A second header-like row would be read as data: the English keys go in cell notes instead.
    t.columns.forEach((c, i) => {
      ws.getRow(1).getCell(i + 1).note = `${c.key}${c.required ? '（必填 / required）' : ''}`;
    });
    const xlsx = join(dir, `${t.name}.xlsx`);
    await wb.xlsx.writeFile(xlsx);
    written.push(csv, xlsx);
  }
  return written;
}
