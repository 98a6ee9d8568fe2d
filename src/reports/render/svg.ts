/**
 * Charts as inline SVG (no scripts, no external resources), so they show in a browser, print, and
 * in the mail clients that render SVG. Each chart has a <title> and the same numbers appear in a
 * table beside it for clients that strip SVG. Pure.
 */
import { escapeHtml, scoreText } from './text.js';

const FONT = 'font-family="Microsoft YaHei, PingFang SC, Noto Sans CJK SC, sans-serif"';

/** Colour of a score: green ≥ 90, blue ≥ 80, amber ≥ 60, red below, grey without data. */
export function scoreColor(score: number | null): string {
  if (score === null) return '#9e9e9e';
  if (score >= 90) return '#2e7d32';
  if (score >= 80) return '#1565c0';
  if (score >= 60) return '#ef6c00';
  return '#c62828';
}

/** Horizontal bar chart of labelled scores (0–100). */
export function barChart(title: string, bars: { label: string; score: number | null }[]): string {
  const rowH = 30;
  const left = 90;
  const width = 520;
  const plot = width - left - 50;
  const height = bars.length * rowH + 30;
  const parts = bars.map((b, i) => {
    const y = 10 + i * rowH;
    const w = b.score === null ? 0 : Math.max(1, (plot * Math.max(0, Math.min(100, b.score))) / 100);
    return (
      `<text x="${left - 8}" y="${y + 17}" text-anchor="end" font-size="13" fill="#333" ${FONT}>${escapeHtml(b.label)}</text>` +
      `<rect x="${left}" y="${y + 4}" width="${plot}" height="18" fill="#f0f0f0"/>` +
      `<rect class="bar" x="${left}" y="${y + 4}" width="${w.toFixed(1)}" height="18" fill="${scoreColor(b.score)}"/>` +
      `<text x="${left + plot + 6}" y="${y + 17}" font-size="13" fill="#333" ${FONT}>${b.score === null ? '无数据' : scoreText(b.score)}</text>`
    );
  });
  const grid = [60, 80, 90]
    .map((v) => {
      const x = (left + (plot * v) / 100).toFixed(1);
      return `<line x1="${x}" y1="8" x2="${x}" y2="${height - 18}" stroke="#bbb" stroke-dasharray="3,3"/><text x="${x}" y="${height - 4}" font-size="11" text-anchor="middle" fill="#777" ${FONT}>${v}</text>`;
    })
    .join('');
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" role="img" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" style="max-width:100%;height:auto">` +
    `<title>${escapeHtml(title)}</title>${parts.join('')}${grid}</svg>`
  );
}

/** Line chart of scores over periods (gaps where a period has no score). */
export function trendChart(title: string, points: { period: string; score: number | null }[]): string {
  const width = 520;
  const height = 200;
  const left = 40;
  const right = 32;
  const top = 15;
  const bottom = 40;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const n = points.length;
  const x = (i: number) => left + (n <= 1 ? plotW / 2 : (plotW * i) / (n - 1));
  const y = (s: number) => top + plotH - (plotH * Math.max(0, Math.min(100, s))) / 100;
  const axis = [0, 20, 40, 60, 80, 100]
    .map(
      (v) =>
        `<line x1="${left}" y1="${y(v).toFixed(1)}" x2="${width - right}" y2="${y(v).toFixed(1)}" stroke="#e0e0e0"/>` +
        `<text x="${left - 6}" y="${(y(v) + 4).toFixed(1)}" font-size="11" text-anchor="end" fill="#777" ${FONT}>${v}</text>`,
    )
    .join('');
  const labels = points
    .map((p, i) => `<text x="${x(i).toFixed(1)}" y="${height - bottom + 18}" font-size="11" text-anchor="middle" fill="#555" ${FONT}>${escapeHtml(p.period)}</text>`)
    .join('');
  // Polyline segments between consecutive periods that both have a score.
  const segments: string[] = [];
  let current: string[] = [];
  points.forEach((p, i) => {
    if (p.score === null) {
      if (current.length > 1) segments.push(current.join(' '));
      current = [];
    } else current.push(`${x(i).toFixed(1)},${y(p.score).toFixed(1)}`);
  });
  if (current.length > 1) segments.push(current.join(' '));
  const lines = segments.map((s) => `<polyline class="trend" points="${s}" fill="none" stroke="#c62828" stroke-width="2"/>`).join('');
  const dots = points
    .map((p, i) =>
      p.score === null
        ? ''
        : `<circle class="point" cx="${x(i).toFixed(1)}" cy="${y(p.score).toFixed(1)}" r="4" fill="${scoreColor(p.score)}"/>` +
          `<text x="${x(i).toFixed(1)}" y="${(y(p.score) - 8).toFixed(1)}" font-size="11" text-anchor="middle" fill="#333" ${FONT}>${scoreText(p.score)}</text>`,
    )
    .join('');
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" role="img" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" style="max-width:100%;height:auto">` +
    `<title>${escapeHtml(title)}</title>${axis}${labels}${lines}${dots}</svg>`
  );
}
