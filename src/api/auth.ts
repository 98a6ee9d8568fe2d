/**
 * Bearer tokens of the HTTP API. Tokens come from the environment (ORGLIFE_API_TOKENS, read by
 * src/config/env.ts and passed in as a string) as `name:scope+scope:token` separated by commas.
 * Only SHA-256 digests are kept, and a presented token is compared with EVERY known digest in
 * constant time, so neither the comparison nor the loop leaks how much of a token was right.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { ConfigError, type ConfigIssue } from '../config/load.js';

/** What a token may do. `admin` implies the other two. */
export const SCOPES = ['ingest', 'read', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

/** A configured token, without its secret. */
export interface ApiToken {
  name: string;
  scopes: ReadonlySet<Scope>;
  /** The org subtree the token may see and act on (`read@C01`), or null for everything. */
  org: string | null;
  digest: Buffer;
}

/** Shortest accepted token: shorter ones are guessable. */
export const MIN_TOKEN_CHARS = 16;

/** Parse ORGLIFE_API_TOKENS. Throws ConfigError listing every bad entry (never echoing a token). */
export function parseApiTokens(raw: string | undefined): ApiToken[] {
  if (!raw || !raw.trim()) return [];
  const issues: ConfigIssue[] = [];
  const out: ApiToken[] = [];
  const names = new Set<string>();
  raw.split(',').forEach((entry, i) => {
    const e = entry.trim();
    if (!e) return;
    const issue = (message: string) => issues.push({ file: '(environment)', line: null, path: `ORGLIFE_API_TOKENS[${i}]`, message });
    const first = e.indexOf(':');
    const second = first < 0 ? -1 : e.indexOf(':', first + 1);
    if (first < 0 || second < 0) return issue('格式应为 名称:权限+权限:令牌 / expected name:scope+scope:token');
    const name = e.slice(0, first);
    // Scopes may end with @ORG: the token then sees and acts on that org's subtree only.
    const scopePart = e.slice(first + 1, second);
    const at = scopePart.indexOf('@');
    const org = at < 0 ? null : scopePart.slice(at + 1);
    if (org !== null && !/^[^\s@:,]+$/.test(org)) return issue(`令牌的组织编码无效 / invalid org after @ in "${e.slice(0, first)}"`);
    const scopeList = (at < 0 ? scopePart : scopePart.slice(0, at)).split('+').filter(Boolean);
    const token = e.slice(second + 1);
    if (!/^[A-Za-z0-9_.-]+$/.test(name)) return issue(`令牌名称无效 / invalid token name "${name}" (letters, digits, _ . -)`);
    if (names.has(name)) return issue(`令牌名称重复 / duplicate token name "${name}"`);
    const bad = scopeList.filter((s) => !(SCOPES as readonly string[]).includes(s));
    if (scopeList.length === 0 || bad.length) {
      return issue(`令牌 "${name}" 的权限无效 / invalid scopes "${bad.join('+') || '(none)'}" (allowed: ${SCOPES.join(', ')})`);
    }
    if (token.length < MIN_TOKEN_CHARS) return issue(`令牌 "${name}" 太短 / token "${name}" is shorter than ${MIN_TOKEN_CHARS} characters`);
    names.add(name);
    out.push({ name, scopes: new Set(scopeList as Scope[]), org, digest: digestOf(token) });
  });
  if (issues.length) throw new ConfigError(issues);
  return out;
}

/** The token whose secret equals `presented`, or null. Constant time in the secret's content. */
export function findToken(tokens: readonly ApiToken[], presented: string): ApiToken | null {
  const d = digestOf(presented);
  let found: ApiToken | null = null;
  for (const t of tokens) {
    // No early exit: every digest is compared whatever the outcome.
    if (timingSafeEqual(t.digest, d) && !found) found = t;
  }
  return found;
}

/** Whether a token may act in `scope`. */
export function allows(token: ApiToken, scope: Scope): boolean {
  return token.scopes.has('admin') || token.scopes.has(scope);
}

/** The bearer token of an Authorization header, or null when absent or not a bearer header. */
export function bearerOf(header: string | undefined): string | null {
  if (!header) return null;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m ? m[1]! : null;
}

/** A short, non-reversible key for rate limiting by token (never the token itself). */
export function rateKeyOf(presented: string): string {
  return `t:${digestOf(presented).subarray(0, 12).toString('hex')}`;
}

function digestOf(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}
