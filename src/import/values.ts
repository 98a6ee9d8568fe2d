/**
 * Cell parsers: raw cell (string from CSV/XLSX, or any JSON value) → typed value, null for empty,
 * or an Invalid saying why in Chinese and English. Parsers never throw and allocate only on failure,
 * because they run once per cell of files with millions of rows.
 */
import { parseDate, parseTimestamp } from '../domain/calendar.js';

/** Why a cell value was refused. */
export class Invalid {
  constructor(
    readonly zh: string,
    readonly en: string,
  ) {}
}

/** A parsed cell: the value, null when empty, or why it is invalid. */
export type Parsed<T> = T | null | Invalid;

/** Turns one raw cell into a typed value. */
export type ValueParser<T> = (raw: unknown) => Parsed<T>;

/** The trimmed text of a cell; null when empty. Numbers and booleans become their text. */
export function cellText(raw: unknown): string | null {
  if (typeof raw === 'string') {
    const s = raw.trim();
    return s === '' ? null : s;
  }
  if (raw === null || raw === undefined) return null;
  if (typeof raw === 'number') return Number.isFinite(raw) ? String(raw) : null;
  if (typeof raw === 'boolean') return raw ? 'true' : 'false';
  return null;
}

const NOT_TEXT = new Invalid('应为文本', 'expected text');

/** Length limits of text cells, in characters (documented in the README's import columns). */
export const TEXT_LIMITS = { code: 64, name: 100, text: 10_000 } as const;

/** C0 control characters other than tab, line feed and carriage return (NUL included). */
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/** A text parser with a length limit; NUL and other control characters are refused. */
function limitedText(max: number, singleLine: boolean): ValueParser<string> {
  const tooLong = (n: number) => new Invalid(`文本过长（${n} 字，最多 ${max} 字）`, `text too long (${n} characters, at most ${max})`);
  return (raw) => {
    const s = cellText(raw);
    if (s === null) return raw !== null && raw !== undefined && typeof raw === 'object' ? NOT_TEXT : null;
    if (s.length > max) return tooLong(s.length);
    if (CONTROL.test(s)) return new Invalid('含有不可见的控制字符（如 NUL），请删除', 'contains a control character (such as NUL); remove it');
    if (singleLine && /[\r\n\t]/.test(s)) return new Invalid('编码中不能含有换行或制表符', 'a code must not contain line breaks or tabs');
    return s;
  };
}

/** Free text (topics, agendas, notes): at most TEXT_LIMITS.text characters. */
export const text: ValueParser<string> = limitedText(TEXT_LIMITS.text, false);

/** A code or record id (组织编码, 记录编号 …): one line, at most TEXT_LIMITS.code characters. */
export const code: ValueParser<string> = limitedText(TEXT_LIMITS.code, true);

/** A name (of an org or a person): one line, at most TEXT_LIMITS.name characters. */
export const name: ValueParser<string> = limitedText(TEXT_LIMITS.name, true);

/** Show a raw value in an issue: trimmed, at most 60 characters, control characters made visible. */
export function showValue(raw: unknown): string | undefined {
  if (raw === undefined || raw === null) return undefined;
  let s: string;
  if (typeof raw === 'string') s = raw.length > 200 ? raw.slice(0, 200).trim() : raw.trim();
  else if (typeof raw === 'object') s = Array.isArray(raw) ? '[…]' : '{…}'; // never stringify a hostile tree
  else s = String(raw);
  s = s.replace(/[\u0000-\u001f\u007f]/g, (c) => (c === '\u0000' ? '\\0' : ' '));
  return s.length > 60 ? `${s.slice(0, 57)}…` : s;
}

const INTEGER = /^\+?\d+(?:\.0*)?$/;
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i;

/** A count: a whole number ≥ 0. */
export const count: ValueParser<number> = (raw) => {
  if (typeof raw === 'number') return checkCount(raw);
  const s = cellText(raw);
  if (s === null) return typeof raw === 'object' && raw !== null ? new Invalid('应为整数', 'expected a whole number') : null;
  if (INTEGER.test(s)) return checkCount(Number(s));
  if (NUMBER.test(s)) return checkCount(Number(s));
  return new Invalid(`「${showValue(s)}」不是数字`, `"${showValue(s)}" is not a number`);
};

function checkCount(n: number): number | Invalid {
  if (!Number.isFinite(n)) return new Invalid('不是有效数字', 'not a finite number');
  if (n < 0) return new Invalid(`不能为负数（${n}）`, `must not be negative (${n})`);
  if (!Number.isInteger(n)) return new Invalid(`应为整数（${n}）`, `must be a whole number (${n})`);
  if (n > 2_147_483_647) return new Invalid(`数值过大（${n}）`, `too large (${n})`);
  return n;
}

/** A whole number ≥ 1. */
export const positiveInt: ValueParser<number> = (raw) => {
  const n = count(raw);
  if (n === 0) return new Invalid('应为正整数（不能为 0）', 'must be a positive whole number (not 0)');
  return n;
};

/**
 * A branch committee's term in years: 3 or 5, the two terms the Regulations on the Work of Party
 * Branches allow (支部委员会每届任期三年或者五年). Anything else is a typing error.
 */
export const termYears: ValueParser<number> = (raw) => {
  const n = positiveInt(raw);
  if (typeof n === 'number' && n !== 3 && n !== 5) return new Invalid(`任期年限应为 3 或 5（不是 ${n}）`, `term_years must be 3 or 5 (not ${n})`);
  return n;
};

/** Years accepted in dates and timestamps: from the founding of the Party to the end of the century. */
export const YEAR_RANGE = { min: 1921, max: 2100 } as const;

function yearOutOfRange(y: number): Invalid | null {
  if (y >= YEAR_RANGE.min && y <= YEAR_RANGE.max) return null;
  return new Invalid(`年份 ${y} 超出范围（${YEAR_RANGE.min}–${YEAR_RANGE.max}）`, `year ${y} is out of range (${YEAR_RANGE.min}-${YEAR_RANGE.max})`);
}

const LOOSE_DATE =
  /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:(?:\s+|T)(\d{1,2})[:：](\d{2})(?:[:：](\d{2})(\.\d+)?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/;

/** '2026/3/5 9:30' or '2026年3月5日' → '2026-03-05T09:30:00'; null if it does not look like a date. */
export function normalizeDateText(s: string): string | null {
  const m = LOOSE_DATE.exec(s);
  if (!m) return null;
  let out = `${m[1]}-${m[2]!.padStart(2, '0')}-${m[3]!.padStart(2, '0')}`;
  if (m[4] !== undefined) out += `T${m[4].padStart(2, '0')}:${m[5]}:${m[6] ?? '00'}${m[7] ?? ''}`;
  return out + (m[8] ?? '');
}

/** A calendar date, returned as 'YYYY-MM-DD'. Also accepts 2026/3/5, 2026-3-5 and 2026年3月5日. */
export const date: ValueParser<string> = (raw) => {
  const s = cellText(raw);
  if (s === null) return null;
  if (parseDate(s) !== null) return yearOutOfRange(Number(s.slice(0, 4))) ?? s;
  const n = normalizeDateText(s);
  if (n !== null && n.length === 10 && parseDate(n) !== null) return yearOutOfRange(Number(n.slice(0, 4))) ?? n;
  return new Invalid(`日期「${showValue(s)}」无效，应为 YYYY-MM-DD`, `invalid date "${showValue(s)}", expected YYYY-MM-DD`);
};

const SHANGHAI_OFFSET_MS = 8 * 3600_000;
/** First and past-last instants of the accepted years, Shanghai time. */
const MIN_TS = Date.UTC(YEAR_RANGE.min, 0, 1) - SHANGHAI_OFFSET_MS;
const MAX_TS = Date.UTC(YEAR_RANGE.max + 1, 0, 1) - SHANGHAI_OFFSET_MS;
/** t, or why its year is refused (the year as written: Date.UTC maps years 0–99 to 1900–1999). */
function inRange(t: number, s: string): number | Invalid {
  if (t >= MIN_TS && t < MAX_TS) return t;
  const written = /^\d{4}/.test(s) ? Number(s.slice(0, 4)) : new Date(t + SHANGHAI_OFFSET_MS).getUTCFullYear();
  return yearOutOfRange(written) ?? yearOutOfRange(t < MIN_TS ? YEAR_RANGE.min - 1 : YEAR_RANGE.max + 1)!;
}

function digits(s: string, from: number, n: number): number {
  let v = 0;
  for (let i = from; i < from + n; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

/**
 * The common shapes 'YYYY-MM-DD HH:mm[:ss]' or 'YYYY-MM-DDTHH:mm[:ss]', optionally followed by 'Z' or
 * '±HH:MM' (none = Shanghai), without a regex: the same result as parseTimestamp (a test holds them
 * equal), or undefined for any other shape (then parseTimestamp decides).
 */
export function fastLocalTimestamp(s: string): number | null | undefined {
  const len = s.length;
  let base = len;
  let offsetMs = SHANGHAI_OFFSET_MS;
  const last = s.charCodeAt(len - 1);
  if (last === 90 /* Z */) {
    base = len - 1;
    offsetMs = 0;
  } else if (len >= 22 && s.charCodeAt(len - 3) === 58 /* : */) {
    const sign = s.charCodeAt(len - 6);
    if (sign !== 43 /* + */ && sign !== 45 /* - */) return undefined;
    const oh = digits(s, len - 5, 2);
    const om = digits(s, len - 2, 2);
    if (oh < 0 || om < 0) return undefined;
    if (oh > 14 || om > 59) return null;
    base = len - 6;
    offsetMs = (sign === 45 ? -1 : 1) * (oh * 3600_000 + om * 60_000);
  }
  if (base !== 16 && base !== 19) return undefined;
  const sep = s.charCodeAt(10);
  if (s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || (sep !== 84 && sep !== 32) || s.charCodeAt(13) !== 58) return undefined;
  if (base === 19 && s.charCodeAt(16) !== 58) return undefined;
  const y = digits(s, 0, 4);
  const mo = digits(s, 5, 2);
  const d = digits(s, 8, 2);
  const h = digits(s, 11, 2);
  const mi = digits(s, 14, 2);
  const sec = base === 19 ? digits(s, 17, 2) : 0;
  if (y < 0 || mo < 0 || d < 0 || h < 0 || mi < 0 || sec < 0) return undefined;
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || sec > 59) return null;
  const dim = mo === 2 ? ((y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28) : mo === 4 || mo === 6 || mo === 9 || mo === 11 ? 30 : 31;
  if (d > dim) return null;
  return Date.UTC(y, mo - 1, d, h, mi, sec) - offsetMs;
}

/** An instant (epoch ms): ISO 8601, no offset = Asia/Shanghai; also 2026/3/5 14:30. */
export const timestamp: ValueParser<number> = (raw) => {
  const s = cellText(raw);
  if (s === null) return null;
  if (typeof raw === 'string') {
    const fast = fastLocalTimestamp(s);
    if (typeof fast === 'number') return inRange(fast, s);
    const t = fast === null ? null : parseTimestamp(s);
    if (t !== null) return inRange(t, s);
    const n = normalizeDateText(s);
    const t2 = n === null ? null : parseTimestamp(n);
    if (t2 !== null) return inRange(t2, s);
  }
  return new Invalid(
    `时间「${showValue(s)}」无效，应为 ISO 8601（如 2026-03-05 14:30，不带时区即北京时间）`,
    `invalid timestamp "${showValue(s)}", expected ISO 8601 (e.g. 2026-03-05T14:30; no offset = Asia/Shanghai)`,
  );
};

/**
 * A parser for a closed set of codes: accepts the English code (any case), its Chinese name, or an
 * extra alias. The error lists the choices.
 */
export function oneOf<T extends string>(
  what: { zh: string; en: string },
  names: Record<T, string>,
  aliases: Record<string, T> = {},
): ValueParser<T> {
  const map = new Map<string, T>();
  for (const code of Object.keys(names) as T[]) {
    map.set(code.toLowerCase(), code);
    map.set(names[code], code);
  }
  for (const [alias, code] of Object.entries(aliases)) map.set(alias.toLowerCase(), code);
  const zhList = (Object.keys(names) as T[]).map((c) => `${names[c]}（${c}）`).join('、');
  const enList = Object.keys(names).join(', ');
  const parse: ValueParser<T> = (raw) => {
    const s = cellText(raw);
    if (s === null) return null;
    const v = map.get(s) ?? map.get(s.toLowerCase());
    if (v !== undefined) return v;
    return new Invalid(`未知的${what.zh}「${showValue(s)}」，可选：${zhList}`, `unknown ${what.en} "${showValue(s)}"; expected one of: ${enList}`);
  };
  // The choices, for the generated column reference (scripts/gen-columns-docs.ts).
  return Object.assign(parse, { choices: (Object.keys(names) as T[]).map((c) => `${c} ${names[c]}`) });
}

const YES_NO: Record<string, boolean> = {
  yes: true, no: false, y: true, n: false, true: true, false: false, '1': true, '0': false,
  是: true, 否: false, 有: true, 无: false,
};

/** yes/no: yes, no, true, false, 1, 0, 是, 否, 有, 无 (any case); JSON booleans too. */
export const yesNo: ValueParser<boolean> = (raw) => {
  if (typeof raw === 'boolean') return raw;
  const s = cellText(raw);
  if (s === null) return null;
  const v = YES_NO[s.toLowerCase()];
  if (v !== undefined) return v;
  return new Invalid(`「${showValue(s)}」应为 是/否`, `"${showValue(s)}" should be yes/no (是/否)`);
};

const PHONE = /^\+?[\d()]{5,20}$/;

/** A phone number; spaces and hyphens are dropped ('138 1234-5678' → '13812345678'). */
export const phone: ValueParser<string> = (raw) => {
  const s = cellText(raw);
  if (s === null) return null;
  const compact = s.replace(/[\s-]/g, '');
  if (PHONE.test(compact)) return compact;
  return new Invalid(`电话号码「${showValue(s)}」无效`, `invalid phone number "${showValue(s)}"`);
};

const EMAIL = /^[^\s@,;，；]+@[^\s@,;，；]+\.[^\s@,;，；]+$/;

/** An email address. */
export const email: ValueParser<string> = (raw) => {
  const s = cellText(raw);
  if (s === null) return null;
  if (EMAIL.test(s)) return s;
  return new Invalid(`邮箱「${showValue(s)}」无效`, `invalid email address "${showValue(s)}"`);
};
