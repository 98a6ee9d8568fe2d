/**
 * 豁免 and 请假: the exemptions (an org and its subtree, one rule or all, for a bounded date range)
 * and the secretaries' leaves (their messages go to the deputy meanwhile) of the user's subtree;
 * admins grant / record and end them with the same operations as `orglife exempt` and `orglife
 * leave` (src/exemptions). Every change is audit-logged; a refused request shows the bilingual
 * message naming the field, with what was typed kept in the form.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { shanghaiDate } from '../../domain/calendar.js';
import type { Exemption, SecretaryLeave } from '../../domain/exemptions.js';
import { RULE_IDS, RULE_NAMES_ZH } from '../../domain/types.js';
import { endLeave, MAX_LEAVE_DAYS, recordLeave } from '../../exemptions/leaves.js';
import { endExemption, ExemptionError, grantExemption, scopeZh } from '../../exemptions/service.js';
import { PageError, type PageContext } from '../context.js';

const text = (v: unknown, max = 200) => (typeof v === 'string' ? v.trim().slice(0, max) : '');
type Form = Record<string, string>;

/** Where a record stands today, in Chinese. */
function stateOf(r: { startsOn: string; endsOn: string; endedAt: number | null }, today: string): { id: string; zh: string } {
  if (r.endedAt !== null) return { id: 'ended', zh: `已于 ${shanghaiDate(r.endedAt)} 提前结束` };
  if (today > r.endsOn) return { id: 'expired', zh: '已到期' };
  if (today < r.startsOn) return { id: 'future', zh: '未开始' };
  return { id: 'active', zh: '生效中' };
}

export function exemptionPages(app: FastifyInstance, ctx: PageContext): void {
  const visibleOf = async (request: FastifyRequest) => {
    const tree = await ctx.tree(request);
    const scope = ctx.user(request).user.org;
    return { tree, visible: (code: string) => tree.within(scope, code) };
  };
  const canAct = (request: FastifyRequest) => !ctx.deps.readOnly && ctx.user(request).user.role === 'admin';

  const showExemptions = async (request: FastifyRequest, reply: FastifyReply, notice: { error?: string; ok?: string; form?: Form } = {}, status = 200) => {
    const all = (request.query as Record<string, string | undefined>).all === '1';
    const now = ctx.deps.clock();
    const today = shanghaiDate(now);
    const { tree, visible } = await visibleOf(request);
    const list = (await ctx.store.exemptions.list(all ? { all: true } : { since: today })).filter((e) => visible(e.org));
    return ctx.page(
      request,
      reply,
      'exemptions',
      '豁免',
      {
        all,
        rows: list.map((e: Exemption) => ({ ...e, orgName: tree.name(e.org), scope: scopeZh(e), state: stateOf(e, today) })),
        rules: RULE_IDS.map((r) => ({ id: r, name: RULE_NAMES_ZH[r] })),
        maxDays: ctx.deps.config().exemptions.max_days,
        canAct: canAct(request),
        form: notice.form ?? { from: today },
        ...notice,
      },
      status,
    );
  };

  app.get('/console/exemptions', async (request, reply) => {
    const q = request.query as Record<string, string | undefined>;
    return showExemptions(request, reply, q.done ? { ok: q.done === 'ended' ? '已提前结束该豁免。' : '已新增豁免。' } : {});
  });

  app.post('/console/exemptions', async (request, reply) => {
    const s = ctx.mustAct(request);
    const b = (request.body ?? {}) as Record<string, unknown>;
    const form: Form = { org: text(b.org, 64), rule: text(b.rule, 64), from: text(b.from, 20), to: text(b.to, 20), reason: text(b.reason, 400), approver: text(b.approver, 400) };
    // A known org must be in the user's subtree before anything else is said about it (an unknown code is a form error naming the field).
    if (form.org && (await ctx.tree(request)).byCode.has(form.org)) await ctx.mustSee(request, form.org);
    try {
      const e = await grantExemption(ctx.store, ctx.deps.config(), { org: form.org!, rule: form.rule || null, from: form.from!, to: form.to!, reason: form.reason!, approver: form.approver! }, s.user.username, ctx.deps.clock());
      await ctx.audit({ actor: s.user.username, action: 'exemption-grant', target: `exemption:${e.id}`, detail: { org: e.org, rule: e.rule, from: e.startsOn, to: e.endsOn, reason: e.reason, approver: e.approver }, org: e.org });
    } catch (e) {
      if (e instanceof ExemptionError) return showExemptions(request, reply, { error: e.message, form }, e.status === 404 ? 404 : 422);
      throw e;
    }
    return reply.redirect('/console/exemptions?done=added', 303);
  });

  app.post('/console/exemptions/:id/end', async (request, reply) => {
    const s = ctx.mustAct(request);
    const n = Number((request.params as { id: string }).id);
    const e = Number.isInteger(n) ? await ctx.store.exemptions.get(n) : undefined;
    if (!e) throw new PageError(404, `豁免 ${(request.params as { id: string }).id} 不存在 / no such exemption`);
    await ctx.mustSee(request, e.org);
    const note = text((request.body as Record<string, unknown> | undefined)?.note, 400) || null;
    try {
      await endExemption(ctx.store, e.id, s.user.username, note, ctx.deps.clock());
    } catch (err) {
      if (err instanceof ExemptionError) return showExemptions(request, reply, { error: err.message }, err.status === 409 ? 409 : 422);
      throw err;
    }
    await ctx.audit({ actor: s.user.username, action: 'exemption-end', target: `exemption:${e.id}`, detail: { org: e.org, note }, org: e.org });
    return reply.redirect('/console/exemptions?done=ended', 303);
  });

  const showLeaves = async (request: FastifyRequest, reply: FastifyReply, notice: { error?: string; ok?: string; form?: Form } = {}, status = 200) => {
    const all = (request.query as Record<string, string | undefined>).all === '1';
    const now = ctx.deps.clock();
    const today = shanghaiDate(now);
    const { tree, visible } = await visibleOf(request);
    const list = (await ctx.store.leaves.list(all ? { all: true } : { since: today })).filter((l) => visible(l.org));
    const branches = tree.branchesUnder(ctx.user(request).user.org);
    return ctx.page(
      request,
      reply,
      'leaves',
      '请假',
      {
        all,
        rows: list.map((l: SecretaryLeave) => ({ ...l, orgName: tree.name(l.org), state: stateOf(l, today) })),
        branches: branches.length > 500 ? [] : branches.map((c) => ({ code: c, name: tree.name(c) })),
        maxDays: MAX_LEAVE_DAYS,
        canAct: canAct(request),
        form: notice.form ?? { from: today },
        ...notice,
      },
      status,
    );
  };

  app.get('/console/leaves', async (request, reply) => {
    const q = request.query as Record<string, string | undefined>;
    return showLeaves(request, reply, q.done ? { ok: q.done === 'ended' ? '已提前结束该请假。' : `已登记请假${q.deputy ? `，期间提醒发给副书记 ${q.deputy.slice(0, 50)}` : '；该支部没有副书记联系方式，提醒仍发给书记'}。` } : {});
  });

  app.post('/console/leaves', async (request, reply) => {
    const s = ctx.mustAct(request);
    const b = (request.body ?? {}) as Record<string, unknown>;
    const form: Form = { org: text(b.org, 64), from: text(b.from, 20), to: text(b.to, 20), reason: text(b.reason, 400) };
    if (form.org && (await ctx.tree(request)).byCode.has(form.org)) await ctx.mustSee(request, form.org);
    let deputy: string | null;
    try {
      const r = await recordLeave(ctx.store, { org: form.org!, from: form.from!, to: form.to!, reason: form.reason || null }, s.user.username, ctx.deps.clock());
      deputy = r.deputy;
      await ctx.audit({ actor: s.user.username, action: 'leave-add', target: `leave:${r.leave.id}`, detail: { org: r.leave.org, from: r.leave.startsOn, to: r.leave.endsOn, reason: r.leave.reason, deputy }, org: r.leave.org });
    } catch (e) {
      if (e instanceof ExemptionError) return showLeaves(request, reply, { error: e.message, form }, e.status === 404 ? 404 : 422);
      throw e;
    }
    return reply.redirect(`/console/leaves?done=added${deputy ? `&deputy=${encodeURIComponent(deputy)}` : ''}`, 303);
  });

  app.post('/console/leaves/:id/end', async (request, reply) => {
    const s = ctx.mustAct(request);
    const n = Number((request.params as { id: string }).id);
    const l = Number.isInteger(n) && n > 0 ? await ctx.store.leaves.get(n) : undefined;
    if (!l) throw new PageError(404, `请假记录 ${(request.params as { id: string }).id} 不存在 / no such leave`);
    await ctx.mustSee(request, l.org);
    try {
      await endLeave(ctx.store, l.id, s.user.username, ctx.deps.clock());
    } catch (err) {
      if (err instanceof ExemptionError) return showLeaves(request, reply, { error: err.message }, err.status === 409 ? 409 : 422);
      throw err;
    }
    await ctx.audit({ actor: s.user.username, action: 'leave-end', target: `leave:${l.id}`, detail: { org: l.org }, org: l.org });
    return reply.redirect('/console/leaves?done=ended', 303);
  });
}
