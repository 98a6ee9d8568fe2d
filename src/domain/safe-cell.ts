/**
 * Spreadsheet formula injection: a text cell that starts with =, +, -, @, a tab or a carriage return
 * may be run as a formula when a CSV or XLSX export is opened (or re-saved and opened) in Excel or
 * WPS — `=cmd|' /C calc'!A0` from an imported branch name, say. Every export cell goes through
 * safeCell, which prefixes such text with an apostrophe (the usual neutralisation: shown as text,
 * the apostrophe hidden by Excel). Numbers, booleans, dates and empty cells pass unchanged.
 */

const FORMULA_START = /^[=+\-@\t\r]/;

/** The value to write into an exported cell. */
export function safeCell<T>(value: T): T | string {
  return typeof value === 'string' && FORMULA_START.test(value) ? `'${value}` : value;
}

/** A row of export cells, each through safeCell. */
export function safeRow(values: readonly unknown[]): unknown[] {
  return values.map(safeCell);
}

/** One CSV field (RFC 4180 quoting), neutralised first. */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  const s = String(safeCell(typeof value === 'string' ? value : String(value)));
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
