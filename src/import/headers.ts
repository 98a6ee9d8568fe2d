/**
 * Header matching: which column of which table a header names. Headers may be the English keys or
 * the Chinese names (or a listed alias); case, spaces, a required-marker '*' and a trailing
 * parenthesised note ("召开时间（北京时间）") are ignored.
 */
import type { ColumnSpec, TableSpec } from './table.js';
import { TABLES } from './tables/index.js';
import { cellText } from './values.js';

/** Canonical form of a header for matching. */
export function normalizeHeader(h: string): string {
  return h
    .replace(/^\ufeff/, '')
    .replace(/[(（][^)）]*[)）]\s*$/, '')
    .replace(/[\s*＊]/g, '')
    .replace(/-/g, '_')
    .toLowerCase();
}

const lookups = new WeakMap<TableSpec<unknown>, Map<string, number>>();

/** The column index of `header` in `table`, or -1. */
export function columnIndexOf(table: TableSpec<unknown>, header: string): number {
  let map = lookups.get(table);
  if (!map) {
    map = new Map();
    table.columns.forEach((c, i) => {
      for (const name of [c.key, c.zh, ...(c.aliases ?? [])]) map!.set(normalizeHeader(name), i);
    });
    lookups.set(table, map);
  }
  return map.get(normalizeHeader(header)) ?? -1;
}

/** How a file's header row maps onto a table's columns. */
export interface HeaderBinding {
  table: TableSpec<unknown>;
  /** Per table column: its position in the row, or -1 when the file lacks it. */
  position: Int32Array;
  /** Per table column: the header as written (for messages), or the key when absent. */
  written: string[];
  /** Headers matching no column. */
  ignored: string[];
  /** Headers naming a column already named by an earlier header. */
  duplicates: string[];
  /** Required columns the file lacks. */
  missing: ColumnSpec[];
}

/** Bind a header row to a table. */
export function bindHeaders(table: TableSpec<unknown>, headers: readonly unknown[]): HeaderBinding {
  const position = new Int32Array(table.columns.length).fill(-1);
  const written = table.columns.map((c) => c.key);
  const ignored: string[] = [];
  const duplicates: string[] = [];
  headers.forEach((raw, pos) => {
    const h = cellText(raw);
    if (h === null) return;
    const i = columnIndexOf(table, h);
    if (i < 0) ignored.push(h);
    else if (position[i]! >= 0) duplicates.push(h);
    else {
      position[i] = pos;
      written[i] = h;
    }
  });
  const missing = table.columns.filter((c, i) => c.required && position[i]! < 0);
  return { table, position, written, ignored, duplicates, missing };
}

/** The table whose signature columns are all among `headers` (the best-matching one), or undefined. */
export function detectTable(headers: readonly unknown[]): TableSpec<unknown> | undefined {
  let best: { table: TableSpec<unknown>; matched: number } | undefined;
  for (const table of TABLES) {
    const b = bindHeaders(table, headers);
    const hasSignature = table.signature.every((k) => b.position[table.columns.findIndex((c) => c.key === k)]! >= 0);
    if (!hasSignature) continue;
    const matched = b.position.filter((p) => p >= 0).length;
    if (!best || matched > best.matched) best = { table, matched };
  }
  return best?.table;
}

/** "组织编码*、组织名称*、…" — the columns of a table, required ones starred. */
export function describeColumns(table: TableSpec<unknown>, lang: 'zh' | 'en'): string {
  return table.columns.map((c) => `${lang === 'zh' ? c.zh : c.key}${c.required ? '*' : ''}`).join(lang === 'zh' ? '、' : ', ');
}

/** The reason for headers that match no table, listing what each table expects. */
export function unknownHeadersReason(headers: readonly unknown[]): { zh: string; en: string } {
  // Headers as written, each and all of them shortened: a hostile file must not echo megabytes back.
  const shown = headers.slice(0, 12).map(cellText).filter((h): h is string => h !== null).map((h) => (h.length > 30 ? `${h.slice(0, 29)}…` : h));
  let seen = shown.join('、') || '（空）';
  if (seen.length > 200) seen = `${seen.slice(0, 199)}…`;
  return {
    zh:
      `无法识别表头（${seen}）。应为以下之一（* 为必需，英文键名亦可）：` +
      TABLES.map((t) => `${t.nameZh}：${describeColumns(t, 'zh')}`).join('；'),
    en:
      `headers match no table; expected one of (* = required, Chinese names also accepted): ` +
      TABLES.map((t) => `${t.name}: ${describeColumns(t, 'en')}`).join('; '),
  };
}
