/** How a finding's due instant reads as a calendar date. */
import { shanghaiDate } from '../domain/calendar.js';
import type { Finding } from '../domain/types.js';

const memo = new Map<number, string>();

/**
 * The last day on which the obligation could still be met on time, 'YYYY-MM-DD' in Shanghai:
 * `dueAt` is an exclusive end (midnight starting the next period), so this is the day before it
 * ('2026-10-31' for October; the last day of the term for term-expiry).
 */
export function dueDate(f: Pick<Finding, 'dueAt'>): string {
  let date = memo.get(f.dueAt);
  if (date === undefined) {
    // A check prints the same few due instants for every branch: remember them (bounded).
    if (memo.size >= 10_000) memo.clear();
    memo.set(f.dueAt, (date = shanghaiDate(f.dueAt - 1)));
  }
  return date;
}

