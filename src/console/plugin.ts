/**
 * The web console (控制台) as a fastify plugin on the service's HTTP server: server-rendered
 * Chinese pages (eta through @fastify/view), htmx and ECharts served from node_modules (no CDN, no
 * build step), sign-in with sessions in the database, CSRF on every form, security headers on
 * every page, and HTML error pages that never show a stack trace. Pages live in ./pages/.
 */
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import multipart from '@fastify/multipart';
import view from '@fastify/view';
import { Eta } from 'eta';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { PageContext, PageError, type ConsoleDeps } from './context.js';
import { securityHeaders } from './security.js';
import { currentSession, presentedCsrf, sameToken } from './session.js';
import { helpers } from './helpers.js';
import { loginRoutes } from './pages/login.js';
import { overviewRoutes } from './pages/overview.js';
import { rankingRoutes } from './pages/ranking.js';
import { alertPages } from './pages/alerts.js';
import { exemptionPages } from './pages/exemptions.js';
import { orgPages } from './pages/orgs.js';
import { importPages } from './pages/import.js';
import { previewPages } from './pages/preview.js';
import { auditPages } from './pages/audit.js';
import { gradePages } from './pages/grades.js';
import { ackLinkPages } from './pages/ack-link.js';
import { ratingPages } from './pages/rating.js';

export type { ConsoleDeps } from './context.js';

const VIEWS = fileURLToPath(new URL('./views', import.meta.url));
const ASSETS = fileURLToPath(new URL('./assets', import.meta.url));
const require = createRequire(import.meta.url);

/** Static files: name → [path, content type]. Read once, served with a long cache. */
const STATIC: Record<string, [() => string, string]> = {
  'htmx.min.js': [() => require.resolve('htmx.org/dist/htmx.min.js'), 'text/javascript'],
  'echarts.min.js': [() => require.resolve('echarts/dist/echarts.min.js'), 'text/javascript'],
  'console.js': [() => `${ASSETS}/console.js`, 'text/javascript'],
  'console.css': [() => `${ASSETS}/console.css`, 'text/css'],
};

/** Paths a signed-out visitor may reach. */
const PUBLIC = [/^\/console\/login$/, /^\/console\/static\//, /^\/a\//];

export async function consolePlugin(app: FastifyInstance, deps: ConsoleDeps): Promise<void> {
  const ctx = new PageContext(deps);
  await app.register(cookie);
  await app.register(formbody, { bodyLimit: 64 * 1024 });
  await app.register(multipart, { attachFieldsToBody: true, limits: { fileSize: deps.config().http.body_limit_bytes, files: 10, fields: 20 } });
  await app.register(view, {
    engine: { eta: new Eta({ views: VIEWS, cache: true, autoEscape: true, autoTrim: [false, 'nl'] }) },
    templates: VIEWS,
    production: true,
    defaultContext: { h: helpers },
  });

  const secure = () => (deps.config().http.public_url ?? '').startsWith('https:');
  const sessionMs = () => deps.config().http.session_hours * 3600_000;
  const cookieOptions = () => ({ secure: secure(), sessionMs: sessionMs() });

  app.addHook('onRequest', async (request, reply) => {
    securityHeaders(reply);
    const path = request.url.split('?')[0]!;
    if (path.startsWith('/console/static/') || path.startsWith('/a/')) return;
    request.signedIn = await currentSession(deps.store, request, cookieOptions(), deps.clock());
    if (!request.signedIn && !PUBLIC.some((re) => re.test(path))) {
      if (request.method === 'GET' && !request.headers['hx-request']) {
        return reply.redirect(`/console/login?next=${encodeURIComponent(request.url)}`, 303);
      }
      throw new PageError(401, '登录已过期，请重新登录 / please sign in again');
    }
  });

  // CSRF: every state-changing request of a session carries the session's token.
  app.addHook('preHandler', async (request) => {
    if (request.method === 'GET' || request.method === 'HEAD') return;
    const path = request.url.split('?')[0]!;
    if (path === '/console/login' || path.startsWith('/a/')) return; // their own tokens (double-submit cookie, link token)
    if (!request.signedIn || !sameToken(presentedCsrf(request), request.signedIn.csrf)) {
      throw new PageError(403, '表单已失效（缺少或错误的安全令牌），请刷新页面后重试 / missing or wrong CSRF token');
    }
  });

  app.setErrorHandler(async (err: FastifyError | PageError, request, reply) => {
    let status = 500;
    let message = '服务器内部错误，请稍后重试或联系管理员 / internal error';
    if (err instanceof PageError) ({ statusCode: status, message } = err);
    else if (err.code === 'FST_REQ_FILE_TOO_LARGE' || err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      status = 413;
      message = '文件过大 / file too large';
    } else if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
      status = err.statusCode;
      message = '请求无效 / bad request';
    } else request.log.error({ err }, 'console page failed');
    securityHeaders(reply);
    if (request.headers['hx-request']) return reply.code(status).type('text/html; charset=utf-8').send(`<p class="error">${escapeText(message)}</p>`);
    return ctx.page(request, reply, 'error', status === 403 ? '无权访问' : '出错了', { status, message }, status);
  });

  const files = new Map<string, Buffer>();
  app.get('/console/static/:name', async (request, reply) => {
    const name = (request.params as { name: string }).name;
    const spec = STATIC[name];
    if (!spec) throw new PageError(404, '没有这个文件 / not found');
    let body = files.get(name);
    if (!body) files.set(name, (body = readFileSync(spec[0]())));
    return reply.type(`${spec[1]}; charset=utf-8`).header('cache-control', 'public, max-age=86400').send(body);
  });

  app.get('/console', async (_request, reply) => reply.redirect('/console/overview', 303));
  loginRoutes(app, ctx, cookieOptions);
  overviewRoutes(app, ctx);
  rankingRoutes(app, ctx);
  alertPages(app, ctx);
  exemptionPages(app, ctx);
  orgPages(app, ctx);
  importPages(app, ctx);
  previewPages(app, ctx);
  auditPages(app, ctx);
  gradePages(app, ctx);
  ratingPages(app, ctx);
  ackLinkPages(app, ctx);

  // Unknown console URLs get an HTML page (the API's 404 is JSON).
  app.get('/console/*', async () => {
    throw new PageError(404, '没有这个页面 / no such page');
  });
}

function escapeText(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export type { FastifyReply, FastifyRequest };
