/**
 * 红黄绿: the month's colour grades of the branches in the user's subtree — counts, the
 * consequences to carry out (约谈 …) per committee, and the red and yellow branches, linked to
 * their pages. The same computation as `orglife grades` (src/grades).
 */
import type { FastifyInstance } from 'fastify';
import { parsePeriod, periodOf, previousPeriod } from '../../domain/calendar.js';
import { COLOUR_MEANINGS_ZH, COLOUR_NAMES_ZH } from '../../grades/compute.js';
import { monthGrades } from '../../grades/gather.js';
import { rulesText } from '../../grades/format.js';
import { PageError, type PageContext } from '../context.js';

const LIST_MAX = 200;

export function gradePages(app: FastifyInstance, ctx: PageContext): void {
  app.get('/console/grades', async (request, reply) => {
    const now = ctx.deps.clock();
    const q = request.query as Record<string, string | undefined>;
    const current = periodOf('month', now);
    const month = q.period ? parsePeriod(q.period) : current;
    if (!month || month.kind !== 'month') throw new PageError(400, `无效的月份 "${q.period ?? ''}"，应为 2026-11 这样的月份 / period must be a month`);
    if (month.start > now) throw new PageError(400, `${month.label} 尚未开始 / ${month.label} has not begun`);
    const scope = ctx.user(request).user.org;
    const tree = await ctx.tree(request);
    const config = ctx.deps.config();
    const g = await monthGrades(ctx.store, config, month, now, tree.isWhole(scope) ? {} : { org: scope });
    const months: string[] = [];
    for (let p = current, i = 0; i < 12; i++, p = previousPeriod(p)) months.push(p.label);
    const flagged = g.branches.filter((b) => b.colour !== 'green');
    return ctx.page(request, reply, 'grades', '红黄绿', {
      month: month.label,
      months,
      asOf: now < month.end ? now : null,
      counts: g.counts,
      total: g.branches.length,
      beforeGoLive: g.beforeGoLive,
      rules: rulesText(config.grades),
      committees: g.committees.filter((c) => c.consequences.length || c.flagged.length).map((c) => ({ code: c.code, name: c.name, counts: c.counts, consequences: c.consequences })),
      flagged: flagged.slice(0, LIST_MAX).map((b) => ({ ...b, colourZh: COLOUR_NAMES_ZH[b.colour], meaningZh: COLOUR_MEANINGS_ZH[b.colour], committeeName: tree.name(b.parent) })),
      more: Math.max(0, flagged.length - LIST_MAX),
    });
  });
}
