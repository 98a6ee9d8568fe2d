/** Shared bits of the importer tests: fixture paths, writing files in every format, DB snapshots. */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { expect } from 'vitest';
import { ImportRejected, type ImportIssue } from '../../src/import/index.js';
import pg from 'pg';
import { sqliteHandle } from '../../src/store/sqlite/index.js';
import type { TempStore } from '../helpers/store.js';

export const FIXTURES = resolve(import.meta.dirname, '../fixtures/import');
export const fixture = (name: string) => join(FIXTURES, name);

/** A fixed import time. */
export const NOW = Date.parse('2026-11-28T01:00:00Z');

/** Rows of a query on the test's store, read outside the import (SQLite: the store's handle; PostgreSQL: a client of its own). */
export async function query(t: TempStore, sql: string): Promise<Record<string, unknown>[]> {
  if (t.store.kind === 'sqlite') return sqliteHandle(t.store)!.$client.prepare(sql).all() as Record<string, unknown>[];
  const c = new pg.Client({ connectionString: t.spec });
  await c.connect();
  try {
    return (await c.query(sql)).rows as Record<string, unknown>[];
  } finally {
    await c.end();
  }
}

/** Everything the importer may touch, for "nothing changed" assertions. */
export async function snapshot(t: TempStore): Promise<unknown> {
  return {
    orgs: await query(t, 'SELECT * FROM orgs ORDER BY id'),
    meetings: await query(t, 'SELECT * FROM meetings ORDER BY id'),
    members: await query(t, 'SELECT * FROM members ORDER BY id'),
    attendance: await query(t, 'SELECT * FROM attendance ORDER BY meeting_id'),
    imports: await query(t, 'SELECT * FROM imports ORDER BY id'),
  };
}

/** Content of the tables without ids and stamps, to compare imports of the same data in different formats. */
export async function content(t: TempStore): Promise<unknown> {
  return {
    orgs: await query(t, 'SELECT code, name, kind, parent, domain, members, groups, secretary, secretary_phone, secretary_email, clerk, clerk_phone, clerk_email, elected_on, term_years, established_on FROM orgs ORDER BY code'),
    meetings: await query(t, `SELECT m.record_id, o.code AS org, m.type, m.held_at, m.expected, m.attended, m.minutes, m.lecturer_role, m.topic
      FROM meetings m JOIN orgs o ON o.id = m.org_id ORDER BY m.record_id`),
  };
}

/** Await a rejected import and return its issues (fails the test if it was accepted). */
export async function rejected(p: Promise<unknown> | (() => unknown)): Promise<ImportRejected> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    if (e instanceof ImportRejected) return e;
    throw e;
  }
  throw new Error('expected the import to be rejected, but it was accepted');
}

/** Just where and what: {line, key} of each issue, for compact assertions. */
export function where(issues: ImportIssue[]): { line?: number; item?: number; key?: string }[] {
  return issues.map((i) => ({
    ...(i.line !== undefined ? { line: i.line } : {}),
    ...(i.item !== undefined ? { item: i.item } : {}),
    ...(i.key !== undefined ? { key: i.key } : {}),
  }));
}

/** Every issue must say something in both languages. */
export function expectBilingual(issues: ImportIssue[]): void {
  for (const i of issues) {
    expect(i.reasonZh).toMatch(/[\u4e00-\u9fff]/);
    expect(i.reasonEn).toMatch(/[a-z]/);
  }
}

type Cell = string | number | boolean | Date | null;

/** Quote a CSV field when needed. */
function csvField(v: Cell): string {
  if (v === null) return '';
  const s = v instanceof Date ? v.toISOString() : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Write rows as CSV in the given encoding. */
export function writeCsv(path: string, rows: Cell[][], encoding: 'utf-8' | 'utf-8-bom' | 'gbk' = 'utf-8', eol = '\n'): string {
  const text = rows.map((r) => r.map(csvField).join(',')).join(eol) + eol;
  const bytes = encoding === 'gbk' ? iconv.encode(text, 'gbk') : Buffer.from((encoding === 'utf-8-bom' ? '\ufeff' : '') + text, 'utf8');
  writeFileSync(path, bytes);
  return path;
}

/** Write objects as NDJSON. */
export function writeNdjson(path: string, objects: Record<string, unknown>[]): string {
  writeFileSync(path, objects.map((o) => JSON.stringify(o)).join('\n') + '\n');
  return path;
}

/** Write rows into the first worksheet of an XLSX file (a second sheet holds noise that must be ignored). */
export async function writeXlsx(path: string, rows: Cell[][], opts: { titleRow?: string; dateFormat?: string } = {}): Promise<string> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('数据');
  if (opts.titleRow) ws.addRow([opts.titleRow]);
  for (const r of rows) {
    const row = ws.addRow(r);
    r.forEach((v, i) => {
      if (v instanceof Date) row.getCell(i + 1).numFmt = opts.dateFormat ?? 'yyyy-mm-dd hh:mm';
    });
  }
  wb.addWorksheet('说明').addRow(['这一页不应被导入']);
  await wb.xlsx.writeFile(path);
  return path;
}
