/** Calendar dates of branch records ('YYYY-MM-DD'). */
import { parseDate } from '../domain/calendar.js';

/**
 * Shanghai midnight of a 'YYYY-MM-DD' date, null if not a real date. parseDate reads the characters
 * directly and is cheaper than the memo (a Map keyed by the date) this used to keep.
 */
export function dateStart(date: string): number | null {
  return parseDate(date);
}
