/**
 * Sign-in and sign-out. The login form is protected by a double-submit cookie (no session yet);
 * attempts are limited per client address (LOGIN_ATTEMPTS_PER_MINUTE, then 429) and per account
 * (lockout after repeated failures, in src/app/accounts.ts).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { login } from '../../app/accounts.js';
import { shanghaiDateTime } from '../../domain/calendar.js';
import type { PageContext } from '../context.js';
import { LOGIN_CSRF_COOKIE, cookieOpts, endSession, randomToken, sameToken, startSession, type CookieOptions } from '../session.js';

export const LOGIN_ATTEMPTS_PER_MINUTE = 10;

/** A redirect target inside the console only (no open redirect). */
function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/console\/[^\s\\]*$/.test(next) && !next.startsWith('//') ? next : '/console/overview';
}

export function loginRoutes(app: FastifyInstance, ctx: PageContext, cookieOptions: () => CookieOptions): void {
  const attempts = new Map<string, number[]>();
  const limited = (ip: string, now: number) => {
    const list = (attempts.get(ip) ?? []).filter((t) => now - t < 60_000);
    list.push(now);
    attempts.set(ip, list);
    if (attempts.size > 10_000) attempts.clear(); // bounded memory under a spray of addresses
    return list.length > LOGIN_ATTEMPTS_PER_MINUTE;
  };

  const form = async (request: FastifyRequest, reply: FastifyReply, error: string | null, status = 200, username = '') => {
    // Reuse the browser's token: a second GET (another tab, a favicon redirect) must not void the first form.
    const existing = request.cookies[LOGIN_CSRF_COOKIE];
    const token = existing && /^[A-Za-z0-9_-]{24}$/.test(existing) ? existing : randomToken(18);
    if (token !== existing) void reply.setCookie(LOGIN_CSRF_COOKIE, token, cookieOpts(cookieOptions(), 3600));
    const q = (request.query ?? {}) as Record<string, unknown>;
    const b = (request.body ?? {}) as Record<string, unknown>;
    return ctx.page(request, reply, 'login', '登录', { loginCsrf: token, next: safeNext(b.next ?? q.next), error, username }, status);
  };

  app.get('/console/login', async (request, reply) => {
    if (request.signedIn) return reply.redirect('/console/overview', 303);
    return form(request, reply, null);
  });

  app.post('/console/login', async (request, reply) => {
    const b = (request.body ?? {}) as Record<string, unknown>;
    const now = ctx.deps.clock();
    if (!sameToken(typeof b._csrf === 'string' ? b._csrf : undefined, request.cookies[LOGIN_CSRF_COOKIE])) {
      return form(request, reply, '页面已过期，请重新登录 / the form expired, please try again', 403);
    }
    if (limited(request.ip, now)) return form(request, reply, '登录尝试过于频繁，请一分钟后再试 / too many attempts, wait a minute', 429);
    const username = typeof b.username === 'string' ? b.username.slice(0, 64) : '';
    const password = typeof b.password === 'string' ? b.password.slice(0, 200) : '';
    const out = await login(ctx.store, username, password, now, request.ip);
    if (!out.ok) {
      const msg =
        out.reason === 'locked'
          ? `账号已临时锁定（多次密码错误），请于 ${shanghaiDateTime(out.until ?? now)} 后再试 / account locked`
          : out.reason === 'disabled'
            ? '账号已停用，请联系管理员 / account disabled'
            : '用户名或密码错误 / wrong username or password';
      return form(request, reply, msg, out.reason === 'locked' ? 423 : 401, username);
    }
    await startSession(ctx.store, reply, out.user, cookieOptions(), now);
    void reply.clearCookie(LOGIN_CSRF_COOKIE, { path: '/' });
    return reply.redirect(safeNext(b.next), 303);
  });

  app.post('/console/logout', async (request, reply) => {
    await endSession(ctx.store, reply, request.signedIn ?? null);
    return reply.redirect('/console/login', 303);
  });
}
