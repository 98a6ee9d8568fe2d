/** The live figures' JSON column, one codec for both adapters. */
import type { LiveFigureRow } from '../types/live.js';

export function encodeLiveData(r: Pick<LiveFigureRow, 'categories' | 'indicators'>): string {
  return JSON.stringify({ categories: r.categories, indicators: r.indicators });
}

export function decodeLiveData(data: string): Pick<LiveFigureRow, 'categories' | 'indicators'> {
  const d = JSON.parse(data) as Partial<Pick<LiveFigureRow, 'categories' | 'indicators'>>;
  return { categories: d.categories ?? {}, indicators: d.indicators ?? {} };
}

export const COLOURS = new Set(['red', 'yellow', 'green']);

/** Union of the org codes of request rows (JSON arrays), sorted. */
export function unionOrgs(lists: readonly string[]): string[] {
  const all = new Set<string>();
  for (const l of lists) for (const o of JSON.parse(l) as string[]) all.add(o);
  return [...all].sort();
}
