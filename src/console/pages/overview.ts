/**
 * 总览: open items by level and committee, alert messages sent today and this year, messages
 * per month (chart), the daemon's health (last runs, queue depth, failed deliveries) and how far
 * the holiday calendar reaches.
 */
import type { FastifyInstance } from 'fastify';
import { LEVELS } from '../../domain/types.js';
import { shanghaiMidnight, shanghaiParts } from '../../domain/calendar.js';
import { LEVEL_NAMES_ZH } from '../../domain/types.js';
import type { PageContext } from '../context.js';
import { holidayCalendarEnd, holidayGap, holidayNotice } from '../../config/warnings.js';

export function overviewRoutes(app: FastifyInstance, ctx: PageContext): void {
  app.get('/console/overview', async (request, reply) => {
    const now = ctx.deps.clock();
    const store = ctx.store;
    const tree = await ctx.tree(request);
    const scope = await ctx.scope(request);
    const p = shanghaiParts(now);
    const today = shanghaiMidnight(p.year, p.month, p.day);
    const yearStart = shanghaiMidnight(p.year, 1, 1);

    // Open items per committee and level.
    const byCommittee = new Map<string, { code: string; name: string; counts: Record<string, number>; acknowledged: number; total: number }>();
    const totals: Record<string, number> = { reminder: 0, warning: 0, escalation: 0, acknowledged: 0 };
    for (const r of await store.console.openAlertsByCommittee(scope)) {
      const code = r.committee ?? '—';
      let row = byCommittee.get(code);
      if (!row) byCommittee.set(code, (row = { code, name: tree.name(r.committee), counts: { reminder: 0, warning: 0, escalation: 0 }, acknowledged: 0, total: 0 }));
      if (r.state === 'acknowledged') {
        row.acknowledged += r.n;
        totals.acknowledged! += r.n;
      } else {
        row.counts[r.level] = (row.counts[r.level] ?? 0) + r.n;
        totals[r.level] = (totals[r.level] ?? 0) + r.n;
      }
      row.total += r.n;
    }
    const committees = [...byCommittee.values()].sort((a, b) => b.total - a.total || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));

    // Messages per month over the last twelve months.
    const from = shanghaiMidnight(p.month === 12 ? p.year : p.year - 1, p.month === 12 ? 1 : p.month + 1, 1);
    const months: string[] = [];
    for (let y = p.month === 12 ? p.year : p.year - 1, m = p.month === 12 ? 1 : p.month + 1, i = 0; i < 12; i++) {
      months.push(`${y}-${String(m).padStart(2, '0')}`);
      if (++m > 12) (m = 1), y++;
    }
    const perMonth = await store.console.alertMessagesPerMonth(from);
    const chart = {
      type: 'bar',
      stack: true,
      x: months.map((m) => `${Number(m.slice(5))}月`),
      series: LEVELS.map((l) => ({ name: LEVEL_NAMES_ZH[l], data: months.map((m) => perMonth.filter((r) => r.month === m && r.level === l).reduce((s, r) => s + r.n, 0)) })),
    };

    const calendar = ctx.deps.config().calendar;
    const years = [...new Set(calendar.holidays.map((d) => Number(d.slice(0, 4))))].sort();
    // The same test as config check, the daemon's log and /readyz: does it reach HOLIDAY_HORIZON_DAYS ahead?
    const gap = holidayGap(calendar, now);
    let health = null;
    if (ctx.deps.health) {
      try {
        health = await ctx.deps.health();
      } catch {
        health = null;
      }
    }
    const [sentToday, sentYear, runs, deliveries] = await Promise.all([
      store.console.alertMessagesSent(today, now + 1),
      store.console.alertMessagesSent(yearStart, now + 1),
      store.console.lastRuns(),
      store.console.deliveryStatusCounts(),
    ]);
    return ctx.page(request, reply, 'overview', '总览', {
      charts: true,
      committees,
      totals,
      sentToday,
      sentYear,
      year: p.year,
      chart,
      runs,
      deliveries,
      health,
      holidays: { years, notice: gap ? holidayNotice(gap) : null, end: holidayCalendarEnd(calendar) },
    });
  });
}
