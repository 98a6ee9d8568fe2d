/**
 * 预警: the alert list (filters: level, state, rule, committee, period; paginated), one alert
 * with its history, deliveries and their attempts, acknowledging it with a plan and a deadline
 * (the same operation as `orglife alerts ack`), and closing rectification items (销号).
 */
import type { FastifyInstance } from 'fastify';
import { acknowledgeIn } from '../../alerts/acknowledge.js';
import { AlertError } from '../../alerts/types.js';
import { LEVELS, RULE_IDS, RULE_NAMES_ZH } from '../../domain/types.js';
import { closeRectificationItem, RectificationError } from '../../reports/rectification.js';
import { pageOf, PageError, type PageContext } from '../context.js';

const PAGE_SIZE = 50;
const STATES = ['active', 'open', 'acknowledged', 'resolved', 'all'] as const;
const STATE_LABELS: Record<string, string> = { active: '未解除（待处理和限期整改）', open: '待处理', acknowledged: '限期整改', resolved: '已解除', all: '全部' };

const text = (v: unknown, max = 100) => (typeof v === 'string' ? v.trim().slice(0, max) : '');

export function alertPages(app: FastifyInstance, ctx: PageContext): void {
  app.get('/console/alerts', async (request, reply) => {
    const q = request.query as Record<string, string | undefined>;
    const f = {
      level: (LEVELS as readonly string[]).includes(q.level ?? '') ? q.level : undefined,
      state: (STATES as readonly string[]).includes(q.state ?? '') ? q.state : 'active',
      rule: (RULE_IDS as readonly string[]).includes(q.rule ?? '') ? q.rule : undefined,
      committee: text(q.committee, 64) || undefined,
      period: /^\d{4}(-Q[1-4]|-\d{2})?(-\d{2})?$/.test(q.period ?? '') ? q.period : undefined,
    };
    if (f.committee) await ctx.mustSee(request, f.committee);
    const { page, offset } = pageOf(q, PAGE_SIZE);
    const { rows, total } = await ctx.store.console.alertPage(f, await ctx.scope(request), PAGE_SIZE, offset);
    const tree = await ctx.tree(request);
    const committees = tree.committeesUnder(ctx.user(request).user.org);
    return ctx.page(request, reply, 'alerts', '预警', {
      f,
      rows: rows.map((r) => ({ ...r, parentName: tree.name(r.parent) })),
      total,
      page,
      pages: Math.max(1, Math.ceil(total / PAGE_SIZE)),
      levels: LEVELS,
      states: STATES.map((s) => ({ id: s, name: STATE_LABELS[s] })),
      rules: RULE_IDS.map((r) => ({ id: r, name: RULE_NAMES_ZH[r] })),
      committees: committees.length > 500 ? [] : committees,
    });
  });

  const alertOr404 = async (request: Parameters<PageContext['user']>[0], id: string) => {
    const n = Number(id);
    const a = Number.isInteger(n) ? await ctx.store.alerts.get(n) : undefined;
    if (!a) throw new PageError(404, `预警编号 ${id} 不存在 / no such alert`);
    await ctx.mustSee(request, a.org);
    return a;
  };

  const showAlert = async (request: Parameters<PageContext['user']>[0], reply: Parameters<PageContext['page']>[1], id: string, notice: { error?: string; ok?: string } = {}, status = 200) => {
    const a = await alertOr404(request, id);
    const deliveries = await ctx.store.console.deliveriesOfAlert(a.id);
    const [attempts, events, tree] = await Promise.all([ctx.store.console.attemptsOf(deliveries.map((d) => d.id)), ctx.store.alerts.history(a.id), ctx.tree(request)]);
    const org = tree.byCode.get(a.org);
    return ctx.page(
      request,
      reply,
      'alert',
      `预警 ${a.id}`,
      {
        a,
        orgName: org?.name ?? a.org,
        parent: org?.parent ?? null,
        parentName: tree.name(org?.parent),
        events,
        deliveries: deliveries.map((d) => ({ ...d, attempts: attempts.filter((x) => x.deliveryId === d.id) })),
        canAct: !ctx.deps.readOnly && ctx.user(request).user.role === 'admin' && a.state !== 'resolved',
        ...notice,
      },
      status,
    );
  };

  app.get('/console/alerts/:id', async (request, reply) => showAlert(request, reply, (request.params as { id: string }).id));

  app.post('/console/alerts/:id/ack', async (request, reply) => {
    const { id } = request.params as { id: string };
    const a = await alertOr404(request, id);
    const s = ctx.mustAct(request);
    const b = (request.body ?? {}) as Record<string, unknown>;
    try {
      await acknowledgeIn(ctx.store, { id: a.id }, { plan: text(b.plan, 2000), by: text(b.by, 10), who: s.user.username }, ctx.deps.clock());
    } catch (e) {
      if (e instanceof AlertError) return showAlert(request, reply, id, { error: e.message }, 422);
      throw e;
    }
    await ctx.audit({ actor: s.user.username, action: 'acknowledge', target: `alert:${a.id}`, detail: { org: a.org, plan: text(b.plan, 2000), by: text(b.by, 10) }, org: a.org });
    return reply.redirect(`/console/alerts/${a.id}?done=1`, 303);
  });

  app.post('/console/rectifications/:id/close', async (request, reply) => {
    const { id } = request.params as { id: string };
    const n = Number(id);
    const item = Number.isInteger(n) ? await ctx.store.reports.rectification(n) : undefined;
    if (!item) throw new PageError(404, `整改事项 ${id} 不存在 / no such item`);
    await ctx.mustSee(request, item.org);
    const s = ctx.mustAct(request);
    const note = text((request.body as Record<string, unknown> | undefined)?.note, 2000);
    try {
      await closeRectificationItem(ctx.store, item.id, note, ctx.deps.clock());
    } catch (e) {
      if (e instanceof RectificationError) throw new PageError(422, e.message);
      throw e;
    }
    await ctx.audit({ actor: s.user.username, action: 'close-rectification', target: `rectification:${item.id}`, detail: { org: item.org, note }, org: item.org });
    return reply.redirect(`/console/orgs/${encodeURIComponent(item.org)}?closed=${item.id}#rectifications`, 303);
  });
}
