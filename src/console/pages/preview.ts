/** 预览: the next cycle's messages as a dry run that writes nothing (src/app/preview.ts). */
import type { FastifyInstance } from 'fastify';
import { sharedPreview } from '../../app/preview.js';
import { readEnv } from '../../config/env.js';
import { parseTimestamp } from '../../domain/calendar.js';
import { PageError, type PageContext } from '../context.js';

const MAX_ROWS = 500;

export function previewPages(app: FastifyInstance, ctx: PageContext): void {
  app.get('/console/preview', async (request, reply) => {
    const q = request.query as Record<string, string | undefined>;
    if (q.run !== '1') return ctx.page(request, reply, 'preview', '预览', { at: q.at ?? '' });
    // Without a time: as of this minute (reloading the page within it reuses the dry run).
    const now = q.at ? parseTimestamp(q.at) : Math.floor(ctx.deps.clock() / 60_000) * 60_000;
    if (now === null) throw new PageError(400, `时间无效：${q.at}（例如 2026-12-01T08:30）/ invalid time`);
    const scope = await ctx.scope(request);
    const inScope = scope ? new Set(scope) : null;
    let rows;
    try {
      rows = await sharedPreview(ctx.store, { config: ctx.deps.config(), env: ctx.deps.env ?? readEnv({}), log: ctx.deps.log, now });
    } catch (e) {
      ctx.deps.log.warn({ err: e }, 'preview failed');
      throw new PageError(500, '预览失败：请检查配置（如渠道密钥）后重试 / the preview failed, see the service log');
    }
    const visible = rows.filter((r) => !inScope || (r.orgs ?? '').split(',').some((o) => inScope.has(o)));
    return ctx.page(request, reply, 'preview', '预览', { at: q.at ?? '', ran: true, rows: visible.slice(0, MAX_ROWS), total: visible.length, planned: visible.filter((r) => r.planned).length, tree: await ctx.tree(request), now });
  });
}
