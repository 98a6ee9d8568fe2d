/**
 * 大比武: the ranking board of stored reports (or 实时: the running month's live figures), by domain or by committee, sorted by total score,
 * a category or an indicator, with rank change and colour grade; the table is an htmx partial
 * that reloads when the server-sent event stream says reports were recomputed or records arrived.
 * `?screen=1` is the full-screen wall display (大屏).
 */
import type { FastifyInstance } from 'fastify';
import { DOMAINS, DOMAIN_NAMES_ZH } from '../../domain/types.js';
import { boardPage, boardPeriods, boardVersion, committeeBoardOf, forgetBoardChecks, hasLiveBoard, LIVE_PERIOD, rankingBoard } from '../../app/ranking.js';
import { pageOf, PageError, type PageContext } from '../context.js';

const PAGE_SIZE = 50;
/** How often the event stream looks for new reports or records. */
export const RANKING_POLL_MS = 2000;

interface RankingQuery {
  period?: string;
  domain?: string;
  committee?: string;
  sort?: string;
  view?: string;
  screen?: string;
  page?: string;
}

export function rankingRoutes(app: FastifyInstance, ctx: PageContext): void {
  // Open event streams, ended when the server closes (else close() would wait for them).
  const streams = new Set<() => void>();
  app.addHook('onClose', async () => {
    for (const end of streams) end();
  });
  app.get('/console/ranking', async (request, reply) => {
    const q = request.query as RankingQuery;
    const stored = await boardPeriods(ctx.store);
    // 实时: the running month from the live figures, offered first; the newest stored period stays the default.
    const periods = (await hasLiveBoard(ctx.store)) ? [LIVE_PERIOD, ...stored] : stored;
    const period = q.period && periods.includes(q.period) ? q.period : (stored[0] ?? periods[0]);
    const screen = q.screen === '1';
    const base = { period, domain: q.domain, committee: q.committee, sort: q.sort, view: q.view, screen: screen ? '1' : undefined };
    if (!period) return ctx.page(request, reply, 'ranking', '大比武', { none: true, periods, q: base, domains: [] });
    const board = (await rankingBoard(ctx.store, period, ctx.deps.config()))!;
    const scope = await ctx.scope(request);
    const orgs = scope ? new Set(scope) : null;
    if (q.domain && !(DOMAINS as readonly string[]).includes(q.domain)) throw new PageError(400, `无效的领域 ${q.domain} / invalid domain`);
    if (q.committee) await ctx.mustSee(request, q.committee);
    const size = screen ? 20 : PAGE_SIZE;
    const { page, offset } = pageOf(q as Record<string, unknown>, size);
    const byCommittee = q.view === 'committee';
    const scopeKey = ctx.user(request).user.org;
    const branchPage = byCommittee ? { total: 0, rows: [] } : boardPage(board, { domain: q.domain, committee: q.committee, sort: q.sort, orgs, scopeKey }, offset, size);
    const committees = byCommittee ? committeeBoardOf(board, { domain: q.domain, orgs, scopeKey }) : [];
    const total = byCommittee ? committees.length : branchPage.total;
    const data = {
      q: base,
      periods,
      board: { period: board.period, periodName: board.periodName, categories: board.categories, indicators: board.indicators },
      domains: DOMAINS.map((d) => ({ id: d, name: DOMAIN_NAMES_ZH[d] })),
      rows: branchPage.rows,
      committees: committees.slice(offset, offset + size),
      committeeName: q.committee ? (await ctx.tree(request)).name(q.committee) : null,
      total,
      page,
      pages: Math.max(1, Math.ceil(total / size)),
      byCommittee,
      screen,
    };
    if (request.headers['hx-request']) {
      const html = await reply.viewAsync('ranking-table', data);
      return reply.type('text/html; charset=utf-8').send(html);
    }
    return ctx.page(request, reply, 'ranking', screen ? '大比武 · 大屏' : '大比武', { ...data, bodyClass: screen ? 'screen' : '', bare: screen });
  });

  // Server-sent events: `ranking-changed` whenever the period's reports or the meeting records change.
  // Every open stream (a wall display, each user's page) asks this; one query per period serves them all.
  const versions = new Map<string, { at: number; value: Promise<string> }>();
  const sharedVersion = (period: string): Promise<string> => {
    const now = Date.now();
    const hit = versions.get(period);
    if (hit && now - hit.at < RANKING_POLL_MS / 2) return hit.value;
    const value = (async () => `${await boardVersion(ctx.store, period)}|${await ctx.store.facts.countMeetings()}`)();
    versions.set(period, { at: now, value });
    value.catch(() => versions.get(period)?.value === value && versions.delete(period));
    if (versions.size > 32) versions.delete(versions.keys().next().value!);
    return value;
  };

  app.get('/console/ranking/events', async (request, reply) => {
    const q = request.query as RankingQuery;
    const period = q.period ?? '';
    const versionNow = () => sharedVersion(period);
    let last = await versionNow();
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-content-type-options': 'nosniff',
    });
    res.write(`retry: 5000\n\n`);
    let polling = false;
    const timer = setInterval(() => {
      if (polling) return; // the previous check has not answered yet
      polling = true;
      versionNow()
        .then(async (v) => {
          if (res.writableEnded) return;
          if (v !== last) {
            last = v;
            forgetBoardChecks(ctx.store);
            // Build the new board before telling the page, so the reload it triggers is a slice of it
            // (streams of one period share the build).
            await rankingBoard(ctx.store, period, ctx.deps.config()).catch(() => null);
            if (!res.writableEnded) res.write(`event: ranking-changed\ndata: ${JSON.stringify({ period })}\n\n`);
          } else res.write(`: keep-alive\n\n`);
        })
        .catch(() => end())
        .finally(() => (polling = false));
    }, RANKING_POLL_MS);
    const end = () => {
      clearInterval(timer);
      streams.delete(end);
      if (!res.writableEnded) res.end();
    };
    streams.add(end);
    request.raw.on('close', end);
  });
}
