/** Calendar dates of branch records ('YYYY-MM-DD'), parsed once: many branches share a date. */
import { parseDate } from '../domain/calendar.js';

const MAX_MEMO = 50_000;
const memo = new Map<string, number | null>();

/** Shanghai midnight of a 'YYYY-MM-DD' date, null if not a real date (memoized parseDate). */
export function dateStart(date: string): number | null {
  let t = memo.get(date);
  if (t === undefined) {
    if (memo.size >= MAX_MEMO) memo.clear();
    t = parseDate(date);
    memo.set(date, t);
  }
  return t;
}
