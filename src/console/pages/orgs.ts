/**
 * 支部 and 党委 pages. A branch: profile, contacts (masked), the timeline of its meetings, alerts,
 * deliveries, reports and rectification items, its reports rendered, and its star estimates per
 * period. A committee: its branches with grade and open items (paginated) and its summary report.
 * Reports are served as their own documents under a CSP that forbids every script.
 */
import type { FastifyInstance } from 'fastify';
import { renderBranchHtml, renderCommitteeHtml } from '../../reports/render/index.js';
import type { BranchReport, CommitteeSummary } from '../../reports/types.js';
import { boardPeriods, rankingBoard } from '../../app/ranking.js';
import { pageOf, PageError, type PageContext } from '../context.js';
import { REPORT_CSP, securityHeaders } from '../security.js';

const PAGE_SIZE = 50;

export function orgPages(app: FastifyInstance, ctx: PageContext): void {
  app.get('/console/orgs/:code', async (request, reply) => {
    const { code } = request.params as { code: string };
    await ctx.mustSee(request, code);
    const store = ctx.store;
    const now = ctx.deps.clock();
    const [org, tree, reports] = await Promise.all([store.orgs.get(code, now), ctx.tree(request), store.console.reportsOf(code)]);
    if (!org) throw new PageError(404, `未找到组织 ${code} / no such organization`);
    const q = request.query as Record<string, string | undefined>;
    if (org.kind === 'branch') {
      const [meetings, alerts, deliveries, rectifications] = await Promise.all([
        store.console.recentMeetingsOf(code, 30),
        store.console.alertsOfOrg(code, 50),
        store.console.deliveriesOfOrg(code, 30),
        store.reports.rectifications({ org: code, all: true }),
      ]);
      return ctx.page(request, reply, 'branch', org.name, {
        org,
        parentName: tree.name(org.parent),
        meetings,
        alerts,
        deliveries,
        reports: reports.filter((r) => r.kind === 'branch'),
        rectifications,
        now,
        closed: q.closed,
        canAct: !ctx.deps.readOnly && ctx.user(request).user.role === 'admin',
      });
    }
    // A committee: its branches (all levels below it) with the newest stored period's grades.
    const branches = tree.branchesUnder(code);
    const period = (await boardPeriods(store))[0];
    const board = period ? await rankingBoard(store, period) : null;
    const byOrg = new Map((board?.rows ?? []).map((r) => [r.org, r]));
    const counts = await store.console.activeAlertCounts(tree.isWhole(code) ? null : branches);
    const { page, offset } = pageOf(q, PAGE_SIZE);
    const list = branches.slice(offset, offset + PAGE_SIZE).map((b) => {
      const r = byOrg.get(b);
      const c = counts.get(b);
      return { code: b, name: tree.name(b), parentName: tree.name(tree.byCode.get(b)?.parent), score: r?.score ?? null, grade: r?.grade ?? null, stars: r?.stars ?? null, open: c?.open ?? 0, acknowledged: c?.acknowledged ?? 0, escalations: c?.escalations ?? 0 };
    });
    const subCommittees = (tree.children.get(code) ?? []).filter((c) => tree.byCode.get(c)?.kind === 'committee').map((c) => ({ code: c, name: tree.name(c) }));
    return ctx.page(request, reply, 'committee', org.name, {
      org,
      parentName: org.parent ? tree.name(org.parent) : null,
      canSeeParent: !!org.parent && tree.within(ctx.user(request).user.org, org.parent),
      branches: list,
      total: branches.length,
      page,
      pages: Math.max(1, Math.ceil(branches.length / PAGE_SIZE)),
      subCommittees,
      period,
      reports: reports.filter((r) => r.kind === 'committee'),
    });
  });

  app.get('/console/reports/:code/:period', async (request, reply) => {
    const { code, period } = request.params as { code: string; period: string };
    await ctx.mustSee(request, code);
    const kind = (await ctx.tree(request)).byCode.get(code)?.kind === 'branch' ? 'branch' : 'committee';
    const data = await ctx.store.reports.stored(code, period, kind);
    const html = data && (kind === 'branch' ? renderBranchHtml(data as BranchReport) : renderCommitteeHtml(data as CommitteeSummary));
    if (!html) throw new PageError(404, `没有 ${code} 在 ${period} 的报告 / no such report`);
    securityHeaders(reply, REPORT_CSP);
    return reply.type('text/html; charset=utf-8').send(html);
  });
}
