/**
 * The secretary's one-tap page (/a/TOKEN, no account): the open items of that message in plain
 * Chinese and a form (整改措施, 完成时限, 提交) that acknowledges them exactly like
 * `orglife alerts ack`. A reused link shows the items' state; a tampered, expired or revoked link
 * is a Chinese 403 page and acknowledges nothing. The form's CSRF token is derived from the link
 * token, which only its holder knows.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { acknowledgeThroughLink, checkAckLink, type LinkCheck } from '../../alerts/ack-links.js';
import { AlertError } from '../../alerts/types.js';
import { shanghaiDate } from '../../domain/calendar.js';
import type { PageContext } from '../context.js';
import { sameToken, sha256 } from '../session.js';

const REFUSED: Record<Exclude<LinkCheck, { ok: true }>['reason'], string> = {
  invalid: '链接无效：请检查链接是否完整，或使用最新一条预警消息中的链接。',
  expired: '链接已过期：请使用最新一条预警消息中的链接，或联系上级党组织认领整改。',
  revoked: '链接已停用：请使用最新一条预警消息中的链接，或联系上级党组织。',
};

const formToken = (token: string) => sha256(`ack-form:${token}`).slice(0, 32);

export function ackLinkPages(app: FastifyInstance, ctx: PageContext): void {
  const show = async (request: FastifyRequest, reply: FastifyReply, token: string, extra: Record<string, unknown> = {}, status = 200) => {
    const now = ctx.deps.clock();
    const check = await checkAckLink(ctx.store, token, now);
    if (!check.ok) {
      return ctx.page(request, reply, 'ack-refused', '链接不可用', { message: REFUSED[check.reason], bodyClass: 'mobile', bare: true }, 403);
    }
    const alerts = await ctx.store.console.alertsByIds(check.link.alertIds);
    const branches = new Map<string, { code: string; name: string; items: typeof alerts }>();
    for (const a of alerts) {
      const b = branches.get(a.org) ?? branches.set(a.org, { code: a.org, name: a.orgName ?? a.org, items: [] }).get(a.org)!;
      b.items.push(a);
    }
    return ctx.page(
      request,
      reply,
      'ack-link',
      '认领整改',
      {
        link: check.link,
        branches: [...branches.values()],
        openCount: alerts.filter((a) => a.state === 'open').length,
        formToken: formToken(token),
        action: `/a/${token}`,
        today: shanghaiDate(now),
        bodyClass: 'mobile',
        bare: true,
        ...extra,
      },
      status,
    );
  };

  app.get('/a/:token', async (request, reply) => {
    const { token } = request.params as { token: string };
    return show(request, reply, token, { done: (request.query as Record<string, string>).done === '1' });
  });

  app.post('/a/:token', async (request, reply) => {
    const { token } = request.params as { token: string };
    const now = ctx.deps.clock();
    const check = await checkAckLink(ctx.store, token, now);
    if (!check.ok) return show(request, reply, token);
    const b = (request.body ?? {}) as Record<string, unknown>;
    const str = (v: unknown, max: number) => (typeof v === 'string' ? v.trim().slice(0, max) : '');
    if (!sameToken(str(b._csrf, 64), formToken(token))) {
      return ctx.page(request, reply, 'ack-refused', '链接不可用', { message: '表单已失效，请重新打开链接后再提交。', bodyClass: 'mobile', bare: true }, 403);
    }
    if (ctx.deps.readOnly) return show(request, reply, token, { error: '系统当前为只读模式，暂不能提交，请稍后再试。' }, 403);
    const plan = str(b.plan, 2000);
    const by = str(b.by, 10);
    if (!plan) return show(request, reply, token, { error: '请填写整改措施。', plan, by }, 422);
    if (!by) return show(request, reply, token, { error: '请填写完成时限。', plan, by }, 422);
    try {
      await acknowledgeThroughLink(ctx.store, check.link, plan, by, now);
    } catch (e) {
      if (e instanceof AlertError) return show(request, reply, token, { error: e.message.split(' / ')[0], plan, by }, 422);
      throw e;
    }
    return reply.redirect(`/a/${token}?done=1`, 303);
  });
}
