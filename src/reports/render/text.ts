/** Small formatting helpers shared by the renderers (pure). */
import { shanghaiDateTime } from '../../domain/calendar.js';

/** Escape text for HTML element content and attribute values. */
export function escapeHtml(s: unknown): string {
  const t = String(s ?? '');
  // Most text has nothing to escape; skip the five replace passes then.
  if (!/[&<>"']/.test(t)) return t;
  return t
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** Escape text for Markdown: characters that would start markup or break a table cell. */
export function escapeMd(s: unknown): string {
  return String(s ?? '')
    .replace(/\r?\n/g, ' ')
    .replace(/([\\`*_[\]<>|#])/g, '\\$1');
}

/** '★★★★☆' for 4 stars; '—' when not rated. */
export function starsText(stars: number | null): string {
  return stars === null ? '—' : '★'.repeat(stars) + '☆'.repeat(Math.max(0, 5 - stars));
}

/** A score as shown: one decimal, '—' when absent. */
export function scoreText(score: number | null): string {
  return score === null ? '—' : score.toFixed(1);
}

/** A signed change: '+2.5', '-1.0', '持平', or '—'. */
export function changeText(delta: number | null, unit = ''): string {
  if (delta === null) return '—';
  if (delta === 0) return '持平';
  return `${delta > 0 ? '+' : ''}${Number.isInteger(delta) ? delta : delta.toFixed(1)}${unit}`;
}

/** A rank change: '↑2', '↓3', '持平', '—' (positive = moved up). */
export function rankChangeText(delta: number | null): string {
  if (delta === null) return '—';
  if (delta === 0) return '持平';
  return delta > 0 ? `↑${delta}` : `↓${-delta}`;
}

/** 'N/M' rank, or '未参与排名'. */
export function rankText(rank: number | null, of: number): string {
  return rank === null ? '未参与排名' : `${rank}/${of}`;
}

/** A ratio as a percentage: '87.5%'. */
export function percentText(x: number | null): string {
  return x === null ? '—' : `${Number((x * 100).toFixed(1))}%`;
}

/** The generation time as shown: '2026-11-02 09:00'. */
export function generatedText(t: number): string {
  return shanghaiDateTime(t);
}

/** How many red and yellow branches a summary lists by name (the rest are counted). */
export const COLOUR_LIST_MAX = 30;

/** The colour line of a branch report: '黄（组织生活运行不畅）：连续 2 个月有预警'. */
export function colourText(c: { name: string; meaning: string; warningMonths: number; redMonths: number; consequence: string | null; month: string }): string {
  const streak = c.warningMonths > 0 ? `连续 ${c.warningMonths} 个月存在预警` : '本月无预警';
  const red = c.consequence ? `；连续 ${c.redMonths} 个月为红，按规定：${c.consequence}` : '';
  return `${c.month} 组织生活红黄绿评定：${c.name}（${c.meaning}），${streak}${red}`;
}
