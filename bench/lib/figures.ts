/** Helpers that turn measured numbers into table rows with a verdict and "by how much". */
import type { Figure } from './types.js';

export const MiB = 1024 * 1024;
export const GiB = 1024 * MiB;

/** A rate that must reach `share` of its floor (higher is better). */
export function rateVsFloor(label: string, value: number, unit: string, floor: { label: string; value: number }, share: number): Figure {
  const ratio = value / floor.value;
  const pass = ratio >= share;
  return {
    label, value, unit, floor,
    target: `≥ ${Math.round(share * 100)}% of floor`,
    verdict: pass ? 'PASS' : 'MISS',
    detail: `${(ratio * 100).toFixed(0)}% of floor${pass ? '' : `, ${((share - ratio) * floor.value).toFixed(0)} ${unit} short`}`,
  };
}

/** A duration that must stay under `limit` seconds and within `factor` × its floor (lower is better). */
export function timeVsFloor(label: string, seconds: number, floor: { label: string; value: number }, factor: number, limit?: number): Figure {
  const ratio = seconds / floor.value;
  const withinFactor = ratio <= factor;
  const withinLimit = limit === undefined || seconds < limit;
  const misses: string[] = [];
  if (!withinLimit) misses.push(`${(seconds - limit!).toFixed(1)} s over ${limit} s`);
  if (!withinFactor) misses.push(`${(seconds - factor * floor.value).toFixed(1)} s over ${factor}× floor`);
  return {
    label, value: seconds, unit: 's', floor,
    target: `${limit === undefined ? '' : `< ${limit} s, `}≤ ${factor}× floor`,
    verdict: withinFactor && withinLimit ? 'PASS' : 'MISS',
    detail: `${ratio.toFixed(2)}× floor${misses.length ? `; ${misses.join(', ')}` : ''}`,
  };
}

/** Peak RSS that must stay under `limitBytes`. */
export function rssUnder(label: string, bytes: number, limitBytes: number): Figure {
  if (!bytes) return { label, value: 0, unit: 'MiB', target: `< ${fmtBytes(limitBytes)}`, verdict: 'INFO', detail: 'not measured' };
  const pass = bytes < limitBytes;
  return {
    label, value: bytes / MiB, unit: 'MiB', target: `< ${fmtBytes(limitBytes)}`, verdict: pass ? 'PASS' : 'MISS',
    detail: pass ? `${((bytes / limitBytes) * 100).toFixed(0)}% of limit` : `${fmtBytes(bytes - limitBytes)} over`,
  };
}

/** An informative number without a target. */
export function info(label: string, value: number, unit: string, detail?: string, floor?: Figure['floor']): Figure {
  return { label, value, unit, verdict: 'INFO', detail, floor };
}

/** 1536 MiB → '1.50 GiB', 200 MiB → '200 MiB'. */
export function fmtBytes(bytes: number): string {
  return bytes >= GiB ? `${(bytes / GiB).toFixed(2)} GiB` : `${Math.round(bytes / MiB)} MiB`;
}

/** A number for a table: thousands separators, sensible decimals. */
export function fmtNumber(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const abs = Math.abs(n);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : 2;
  return n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}
