/**
 * Calendar periods in Asia/Shanghai. China has had no DST since 1991, so Shanghai local time is
 * always UTC+8 and period boundaries are plain arithmetic: no timezone database needed.
 */

export const SHANGHAI_OFFSET_MS = 8 * 3600_000;
export const DAY_MS = 86_400_000;

export type PeriodKind = 'month' | 'quarter' | 'year';

export interface Period {
  kind: PeriodKind;
  /** '2026-10', '2026-Q3' or '2026'. */
  label: string;
  /** Inclusive start, epoch ms. */
  start: number;
  /** Exclusive end, epoch ms. */
  end: number;
}

/** Epoch ms of Shanghai-local midnight on y-m-d (month 1-12; overflowing months roll over). */
export function shanghaiMidnight(year: number, month: number, day = 1): number {
  return Date.UTC(year, month - 1, day) - SHANGHAI_OFFSET_MS;
}

/** Shanghai-local calendar fields of an instant. */
export function shanghaiParts(t: number): {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  weekday: number; // 0 = Sunday
} {
  const d = new Date(t + SHANGHAI_OFFSET_MS);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    weekday: d.getUTCDay(),
  };
}

/** 'YYYY-MM-DD' of an instant in Shanghai. */
export function shanghaiDate(t: number): string {
  return new Date(t + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

/** 'YYYY-MM-DD HH:mm' of an instant in Shanghai, for Chinese messages. */
export function shanghaiDateTime(t: number): string {
  return new Date(t + SHANGHAI_OFFSET_MS).toISOString().slice(0, 16).replace('T', ' ');
}

/** The digit at position i of s (0-9), or -1. */
function digitAt(s: string, i: number): number {
  const c = s.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : -1;
}

/** Days per month of a common year (February: see parseDate). */
const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Parse 'YYYY-MM-DD' as Shanghai midnight; null if not a real calendar date. Character by character
 * (no regular expression, no Date object): a check parses every branch's dates, and this was a
 * visible part of it. Years 0000–0099 are refused (Date.UTC would read them as 1900–1999).
 */
export function parseDate(s: string): number | null {
  if (s.length !== 10 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return null;
  const d0 = digitAt(s, 0), d1 = digitAt(s, 1), d2 = digitAt(s, 2), d3 = digitAt(s, 3);
  const m0 = digitAt(s, 5), m1 = digitAt(s, 6), a0 = digitAt(s, 8), a1 = digitAt(s, 9);
  if ((d0 | d1 | d2 | d3 | m0 | m1 | a0 | a1) < 0) return null;
  const y = d0 * 1000 + d1 * 100 + d2 * 10 + d3;
  const mo = m0 * 10 + m1;
  const d = a0 * 10 + a1;
  if (y < 100 || mo < 1 || mo > 12 || d < 1) return null;
  const leap = mo === 2 && y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  if (d > MONTH_DAYS[mo - 1]! + (leap ? 1 : 0)) return null;
  return shanghaiMidnight(y, mo, d);
}

/**
 * Parse an ISO 8601 timestamp; without an offset it is Shanghai local time. Accepts a date alone,
 * 'T' or a space between date and time, optional seconds and fraction, 'Z' or ±HH:MM / ±HHMM / ±HH.
 * Returns null for anything else, or for impossible dates (2026-02-30).
 */
export function parseTimestamp(s: string): number | null {
  const m =
    /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/.exec(
      s.trim(),
    );
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const [h, mi, sec] = [Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 59) return null;
  const ms = m[7] ? Math.floor(Number(`0.${m[7]}`) * 1000) : 0;
  let offsetMs = SHANGHAI_OFFSET_MS;
  const tz = m[8];
  if (tz === 'Z') offsetMs = 0;
  else if (tz) {
    const sign = tz[0] === '-' ? -1 : 1;
    const digits = tz.slice(1).replace(':', '');
    const oh = Number(digits.slice(0, 2));
    const om = Number(digits.slice(2) || 0);
    if (oh > 14 || om > 59) return null;
    offsetMs = sign * (oh * 3600_000 + om * 60_000);
  }
  const local = Date.UTC(y, mo - 1, d, h, mi, sec, ms);
  // Reject impossible dates that Date.UTC would silently roll over.
  const check = new Date(local);
  if (check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) return null;
  return local - offsetMs;
}

/** The period of the given kind that contains instant t. */
export function periodOf(kind: PeriodKind, t: number): Period {
  const { year, month } = shanghaiParts(t);
  if (kind === 'month') {
    return {
      kind,
      label: `${year}-${String(month).padStart(2, '0')}`,
      start: shanghaiMidnight(year, month),
      end: shanghaiMidnight(year, month + 1),
    };
  }
  if (kind === 'quarter') {
    const q = Math.floor((month - 1) / 3) + 1;
    return {
      kind,
      label: `${year}-Q${q}`,
      start: shanghaiMidnight(year, (q - 1) * 3 + 1),
      end: shanghaiMidnight(year, q * 3 + 1),
    };
  }
  return { kind, label: String(year), start: shanghaiMidnight(year, 1), end: shanghaiMidnight(year + 1, 1) };
}

/** The period immediately before p. */
export function previousPeriod(p: Period): Period {
  return periodOf(p.kind, p.start - 1);
}

/** The period immediately after p. */
export function nextPeriod(p: Period): Period {
  return periodOf(p.kind, p.end);
}

/** Parse a period label ('2026-10', '2026-Q3', '2026'); null if malformed. */
export function parsePeriod(label: string): Period | null {
  // Reports and re-evaluations parse the same few hundred labels millions of times (4–5% of the
  // CPU of a city's yearly reports went to these regular expressions): parse each label once. The cached
  // periods are frozen, so a caller that changed one would fail loudly instead of corrupting others.
  let p = parsedPeriods.get(label);
  if (p === undefined) {
    p = parsePeriodOnce(label);
    if (p) Object.freeze(p);
    if (parsedPeriods.size >= 10_000) parsedPeriods.clear();
    parsedPeriods.set(label, p);
  }
  return p;
}

const parsedPeriods = new Map<string, Period | null>();

function parsePeriodOnce(label: string): Period | null {
  let m = /^(\d{4})-(\d{2})$/.exec(label);
  if (m) {
    const month = Number(m[2]);
    if (month < 1 || month > 12) return null;
    return periodOf('month', shanghaiMidnight(Number(m[1]), month));
  }
  m = /^(\d{4})-Q([1-4])$/.exec(label);
  if (m) return periodOf('quarter', shanghaiMidnight(Number(m[1]), (Number(m[2]) - 1) * 3 + 1));
  m = /^(\d{4})$/.exec(label);
  if (m) return periodOf('year', shanghaiMidnight(Number(m[1]), 1));
  return null;
}

/** Chinese label of a period: '2026年10月', '2026年第三季度', '2026年度'. */
export function periodNameZh(p: Period): string {
  const [y, rest] = p.label.split('-');
  if (p.kind === 'month') return `${y}年${Number(rest)}月`;
  if (p.kind === 'quarter') return `${y}年第${['一', '二', '三', '四'][Number(rest!.slice(1)) - 1]}季度`;
  return `${y}年度`;
}

/** Add whole days (Shanghai has no DST, so a day is always 24h). */
export function addDays(t: number, days: number): number {
  return t + days * DAY_MS;
}
