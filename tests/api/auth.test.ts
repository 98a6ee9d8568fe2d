import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { allows, findToken, parseApiTokens } from '../../src/api/auth.js';
import { ConfigError } from '../../src/config/load.js';
import { auth, startTestApi, TOKENS, type TestApi } from './setup.js';

describe('bearer tokens on the API', () => {
  let t: TestApi;
  beforeEach(async () => {
    t = await startTestApi();
  });
  afterEach(async () => {
    await t.close();
  });

  it('answers 401 without a token, with WWW-Authenticate', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/alerts' });
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer');
    expect(res.json().error).toMatchObject({ code: 'unauthorized', message: expect.stringMatching(/缺少访问令牌/) });
  });

  it('answers 401 to an unknown token and to a non-bearer Authorization header', async () => {
    const wrong = await t.app.inject({ method: 'GET', url: '/api/v1/alerts', headers: { authorization: `Bearer ${TOKENS.read}x` } });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().error.message).toMatch(/令牌无效/);
    const basic = await t.app.inject({ method: 'GET', url: '/api/v1/alerts', headers: { authorization: 'Basic dXNlcjpwYXNz' } });
    expect(basic.statusCode).toBe(401);
  });

  it('answers 403 when the token lacks the scope, and lets admin do everything', async () => {
    const readOnIngest = await t.app.inject({ method: 'POST', url: '/api/v1/orgs', headers: auth('read'), payload: [] });
    expect(readOnIngest.statusCode).toBe(403);
    expect(readOnIngest.json().error).toMatchObject({ code: 'forbidden', message: expect.stringMatching(/viewer.*ingest/) });
    const ingestOnRead = await t.app.inject({ method: 'GET', url: '/api/v1/alerts', headers: auth('ingest') });
    expect(ingestOnRead.statusCode).toBe(403);
    const adminOnRead = await t.app.inject({ method: 'GET', url: '/api/v1/alerts', headers: auth('admin') });
    expect(adminOnRead.statusCode).toBe(200);
  });

  it('needs no token for health, readiness, metrics and the OpenAPI document', async () => {
    for (const url of ['/healthz', '/metrics', '/openapi.json']) {
      expect((await t.app.inject({ method: 'GET', url })).statusCode, url).toBe(200);
    }
    expect([200, 503]).toContain((await t.app.inject({ method: 'GET', url: '/readyz' })).statusCode);
  });

  it('answers an unknown path with the same JSON error shape', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/nothing?x=1' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: { code: 'not_found', message: expect.stringContaining('/api/v1/nothing') } });
  });
});

describe('the per-token rate limit', () => {
  it('answers 429 with Retry-After once a token used its requests of the minute, without slowing other tokens or probes', async () => {
    const t = await startTestApi({ rateLimitPerMinute: 3 });
    try {
      const codes: number[] = [];
      for (let i = 0; i < 4; i++) codes.push((await t.app.inject({ method: 'GET', url: '/api/v1/alerts', headers: auth('read') })).statusCode);
      expect(codes).toEqual([200, 200, 200, 429]);
      const limited = await t.app.inject({ method: 'GET', url: '/api/v1/alerts', headers: auth('read') });
      expect(limited.json().error.code).toBe('rate_limited');
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      expect((await t.app.inject({ method: 'GET', url: '/api/v1/alerts', headers: auth('admin') })).statusCode).toBe(200);
      for (let i = 0; i < 5; i++) expect((await t.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    } finally {
      await t.close();
    }
  });
});

describe('ORGLIFE_API_TOKENS parsing', () => {
  it('reads names, scopes and tokens, and matches a presented token only exactly', () => {
    const tokens = parseApiTokens('feeder:ingest:aaaaaaaaaaaaaaaa1, boss:read+admin:bbbbbbbbbbbbbbbb:with:colons');
    expect(tokens.map((t) => [t.name, [...t.scopes]])).toEqual([
      ['feeder', ['ingest']],
      ['boss', ['read', 'admin']],
    ]);
    expect(findToken(tokens, 'bbbbbbbbbbbbbbbb:with:colons')?.name).toBe('boss');
    expect(findToken(tokens, 'aaaaaaaaaaaaaaaa')).toBeNull();
    expect(allows(tokens[0]!, 'read')).toBe(false);
    expect(allows(tokens[1]!, 'ingest')).toBe(true);
  });

  it('rejects every bad entry at once, without ever printing a token', () => {
    const secret = 'short-secret';
    let err: unknown;
    try {
      parseApiTokens(`a:read:${secret},b:write:cccccccccccccccccccc,c-only,a:read:dddddddddddddddddddd`);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const issues = (err as ConfigError).issues;
    expect(issues.map((i) => i.path)).toEqual(['ORGLIFE_API_TOKENS[0]', 'ORGLIFE_API_TOKENS[1]', 'ORGLIFE_API_TOKENS[2]']);
    expect((err as Error).message).not.toContain(secret);
    expect((err as Error).message).not.toContain('cccccccccccccccccccc');
  });

  it('treats an empty variable as no tokens', () => {
    expect(parseApiTokens(undefined)).toEqual([]);
    expect(parseApiTokens('  ')).toEqual([]);
  });
});
