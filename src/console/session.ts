/**
 * Console sessions and CSRF. The cookie holds a random 256-bit id; the database holds its SHA-256
 * and the session's CSRF token. Every state-changing request must carry that token (form field
 * `_csrf` or header `x-csrf-token`); the login form, before any session, uses a double-submit
 * cookie. Cookies are HttpOnly, SameSite=Strict, Secure when the console is served over https.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Store } from '../store/port.js';
import type { UserRow } from '../store/types/accounts.js';

export const SESSION_COOKIE = 'orglife_session';
export const LOGIN_CSRF_COOKIE = 'orglife_login_csrf';

export const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
export const randomToken = (bytes = 32) => randomBytes(bytes).toString('base64url');

export function sameToken(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export interface SignedIn {
  user: UserRow;
  idHash: string;
  csrf: string;
}

export interface CookieOptions {
  secure: boolean;
  sessionMs: number;
}

export function cookieOpts(o: CookieOptions, maxAgeSec?: number) {
  return { path: '/', httpOnly: true, sameSite: 'strict' as const, secure: o.secure, ...(maxAgeSec !== undefined ? { maxAge: maxAgeSec } : {}) };
}

export async function startSession(store: Store, reply: FastifyReply, user: UserRow, o: CookieOptions, now: number): Promise<SignedIn> {
  const id = randomToken();
  const s = { idHash: sha256(id), userId: user.id, csrf: randomToken(24), createdAt: now, lastSeenAt: now, expiresAt: now + o.sessionMs };
  // Sessions that ran out are forgotten here, at the next sign-in (nothing else reads them).
  await store.accounts.pruneSessions(now);
  await store.accounts.startSession(s);
  void reply.setCookie(SESSION_COOKIE, id, cookieOpts(o, Math.floor(o.sessionMs / 1000)));
  return { user, idHash: s.idHash, csrf: s.csrf };
}

/** The signed-in user of a request, or null (unknown, expired or disabled). Slides the expiry. */
export async function currentSession(store: Store, request: FastifyRequest, o: CookieOptions, now: number): Promise<SignedIn | null> {
  const id = request.cookies[SESSION_COOKIE];
  if (!id || id.length > 100) return null;
  const idHash = sha256(id);
  const found = await store.accounts.session(idHash);
  if (!found) return null;
  const { session: s, user } = found;
  if (s.expiresAt <= now || user.disabled) return null;
  if (now - s.lastSeenAt > 60_000) {
    try {
      await store.accounts.touchSession(idHash, now, now + o.sessionMs);
    } catch {
      /* read-only database: the session keeps its first expiry */
    }
  }
  return { user, idHash, csrf: s.csrf };
}

export async function endSession(store: Store, reply: FastifyReply, s: SignedIn | null): Promise<void> {
  if (s) await store.accounts.endSession(s.idHash);
  void reply.clearCookie(SESSION_COOKIE, { path: '/' });
}

/** The CSRF token a request presents (form field or htmx header). */
export function presentedCsrf(request: FastifyRequest): string | undefined {
  const header = request.headers['x-csrf-token'];
  if (typeof header === 'string') return header;
  const body = request.body as Record<string, unknown> | undefined;
  const v = body && typeof body === 'object' ? body._csrf : undefined;
  if (typeof v === 'string') return v;
  // A multipart form's fields arrive as { value } objects.
  const field = v as { value?: unknown } | undefined;
  return typeof field?.value === 'string' ? field.value : undefined;
}
