/**
 * Headers every console page carries, and the small helpers templates use to show data safely.
 * Pages load scripts only from /console/static (no inline script, no eval, no inline handlers);
 * htmx is configured through a <meta> tag so it injects no <style> and evaluates nothing.
 */
import type { FastifyReply } from 'fastify';
import { maskPhones } from '../log.js';

/** The Content-Security-Policy of console pages. */
export const PAGE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * A stored report is a self-contained HTML document with inline styles (made for mail clients):
 * it may style itself but never run a script, and only the console may frame it.
 */
export const REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'self'";

export function securityHeaders(reply: FastifyReply, csp: string = PAGE_CSP): void {
  void reply.headers({
    'content-security-policy': csp,
    'x-content-type-options': 'nosniff',
    'x-frame-options': csp.includes("frame-ancestors 'self'") ? 'SAMEORIGIN' : 'DENY',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
    'permissions-policy': 'camera=(), microphone=(), geolocation=()',
    'cache-control': 'no-store',
  });
}

/** A phone number as pages show it: 138****1234. Anything else passes through masked. */
export function maskPhone(s: string | null | undefined): string {
  if (!s) return '—';
  const digits = s.replace(/\D/g, '');
  if (digits.length >= 7 && !/1[3-9]\d{9}/.test(digits)) return `${digits.slice(0, 3)}****${digits.slice(-4)}`;
  return maskPhones(s);
}

/** An email address shown as l***@example.org. */
export function maskEmail(s: string | null | undefined): string {
  if (!s) return '—';
  const at = s.indexOf('@');
  return at > 0 ? `${s[0]}***${s.slice(at)}` : '***';
}

/** A delivery recipient (phone, email or robot name) as shown. */
export function maskRecipient(s: string): string {
  return s.includes('@') ? maskEmail(s) : maskPhone(s);
}
