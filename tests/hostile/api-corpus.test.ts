/**
 * Adversarial corpus, HTTP side: malformed and hostile requests against the real server over a real
 * SQLite file. Each must get a 4xx in the documented error body ({"error": {"code", "message"}}, the
 * message bilingual), never a stack trace or an internal message, and leave the database unchanged.
 * Also: failed authentication is rate-limited, parser-level errors (414, 431, malformed requests)
 * use the same body, and report pages carry security headers and are not recomputed per request.
 */
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auth, startTestApi, TOKENS, type TestApi } from '../api/setup.js';
import { snapshot } from '../import/helpers.js';

interface Req {
  name: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';
  url: string;
  headers?: Record<string, string>;
  payload?: string | Buffer;
  status: number | number[];
}

const J = { 'content-type': 'application/json' };
const ING = { ...auth('ingest'), ...J };
const nest = (d: number) => '['.repeat(d) + ']'.repeat(d);
const meeting = (over: Record<string, unknown> = {}) => ({ id: 'H1', org: 'B001', type: 'committee', held_at: '2026-11-05T09:00', expected: 7, attended: 6, ...over });
const cases: Req[] = [];
const add = (r: Req) => cases.push(r);

// Authentication and scopes.
for (const h of [{} as Record<string, string>, { authorization: 'Bearer' }, { authorization: 'Bearer ' }, { authorization: 'Basic YWRtaW46YWRtaW4=' }, { authorization: `Bearer ${TOKENS.admin}x` },
  { authorization: `Bearer ${TOKENS.admin.slice(0, -1)}` }, { authorization: `bearer  ${'x'.repeat(5000)}` }, { authorization: 'Bearer \u0000\u0001' }]) {
  add({ name: `alerts with ${JSON.stringify(h).slice(0, 40)}`, method: 'GET', url: '/api/v1/alerts', headers: h, status: 401 });
}
add({ name: 'ingest with a read token', method: 'POST', url: '/api/v1/meetings', headers: { ...auth('read'), ...J }, payload: JSON.stringify([meeting()]), status: 403 });
add({ name: 'reload with an ingest token', method: 'POST', url: '/api/v1/admin/reload', headers: { ...auth('ingest'), ...J }, payload: '{}', status: 403 });
add({ name: 'acknowledge with a read token', method: 'POST', url: '/api/v1/alerts/1/acknowledge', headers: { ...auth('read'), ...J }, payload: '{"plan":"x","by":"2026-12-01"}', status: 403 });

// Bodies.
for (const [name, payload] of [
  ['empty JSON body', ''], ['not JSON', '{"id": '], ['trailing garbage', '[{}] x'], ['a bare string', '"hello"'], ['a number', '42'], ['null', 'null'],
  ['nested 40 deep', nest(40)], ['nested 5,000 deep', nest(5_000)], ['object nested 5,000 deep', `{"records":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}`],
  ['a field nested 1,000 deep', JSON.stringify([meeting()]).replace('"committee"', nest(1_000))], ['__proto__ pollution', '[{"__proto__":{"admin":true},"id":"H1"}]'],
  ['constructor pollution', '{"constructor":{"prototype":{"x":1}}}'], ['an empty array', '[]'], ['records not an array', '{"records":"x"}'],
  ['an array of numbers', '[1,2,3]'], ['an id of 1 MiB', JSON.stringify([meeting({ id: 'x'.repeat(1 << 20) })])], ['a NUL in the id', JSON.stringify([meeting({ id: 'H\u00001' })])],
  ['year 0000', JSON.stringify([meeting({ held_at: '0000-01-01T09:00' })])], ['year 9999', JSON.stringify([meeting({ held_at: '9999-01-01T09:00' })])],
  ['impossible date', JSON.stringify([meeting({ held_at: '2026-02-30T09:00' })])], ['negative attendance', JSON.stringify([meeting({ attended: -1 })])],
  ['attended above expected', JSON.stringify([meeting({ attended: 70 })])], ['unknown org', JSON.stringify([meeting({ org: 'NOPE' })])],
  ['a committee as the org', JSON.stringify([meeting({ org: 'C01' })])], ['unknown type', JSON.stringify([meeting({ type: 'party' })])],
  ['type an object', JSON.stringify([meeting({ type: { a: 1 } })])], ['the same id twice with other content', JSON.stringify([meeting(), meeting({ attended: 5 })])],
  ['a formula as the topic, plus a bad row', JSON.stringify([meeting({ topic: "=cmd|' /C calc'!A0", id: 'H2' }), meeting({ id: 'H3', expected: 'many' })])],
  ['invalid UTF-8 bytes', Buffer.concat([Buffer.from('[{"id":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}]')])],
] as const) {
  add({ name: `meetings: ${name}`, method: 'POST', url: '/api/v1/meetings', headers: ING, payload, status: [400, 413, 422] });
}
for (const [name, payload] of [
  ['term_years 99', JSON.stringify([{ code: 'B9', name: '九', kind: 'branch', parent: 'C01', domain: 'rural', members: 3, established_on: '2010-01-01', term_years: 99 }])],
  ['a name of 10,000 characters', JSON.stringify([{ code: 'B9', name: '九'.repeat(10_000), kind: 'branch', parent: 'C01', domain: 'rural', members: 3, established_on: '2010-01-01' }])],
  ['a code with a line break', JSON.stringify([{ code: 'B\n9', name: '九', kind: 'branch', parent: 'C01', domain: 'rural', members: 3, established_on: '2010-01-01' }])],
  ['a parent cycle', JSON.stringify([{ code: 'C01', name: '城关镇党委', kind: 'committee', parent: 'C01' }])],
] as const) {
  add({ name: `orgs: ${name}`, method: 'POST', url: '/api/v1/orgs', headers: ING, payload, status: [400, 422] });
}

// Content types and methods.
for (const ct of ['text/plain', 'text/plain; charset=utf-8', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', 'application/octet-stream', 'image/png']) {
  add({ name: `meetings as ${ct}`, method: 'POST', url: '/api/v1/meetings', headers: { ...auth('ingest'), 'content-type': ct }, payload: JSON.stringify([meeting()]), status: 415 });
}
add({ name: 'DELETE an alert', method: 'DELETE', url: '/api/v1/alerts', headers: auth('admin'), status: 404 });
add({ name: 'PUT meetings', method: 'PUT', url: '/api/v1/meetings', headers: ING, payload: '[]', status: 404 });

// Query strings and paths.
for (const [url, status] of [
  ['/api/v1/alerts?org=%00', [400, 404]], ['/api/v1/alerts?level=boom', 400], ['/api/v1/alerts?unknown=1', 400], ['/api/v1/alerts?org=' + 'x'.repeat(3000), [400, 404]],
  ['/api/v1/reports/B001?period=2026-13', 400], ['/api/v1/reports/B001?period=99999', 400], ['/api/v1/reports/B001?format=exe', 400],
  ['/api/v1/reports/NOPE?period=2026-10', 404], ['/api/v1/reports/%E0%A4%A', 400], ['/api/v1/reports/B001?period=2026-10&period=2026-11', 400],
  ['/api/v1/reports/' + 'B'.repeat(500), 414], ['/api/v1/../../etc/passwd', 404], ['/api/v1/alerts/abc/acknowledge', [400, 404]],
] as [string, number | number[]][]) {
  add({ name: `GET ${url.slice(0, 60)}`, method: url.includes('acknowledge') ? 'POST' : 'GET', url, headers: url.includes('acknowledge') ? { ...auth('admin'), ...J } : auth('admin'), payload: url.includes('acknowledge') ? '{}' : undefined, status });
}
for (const [name, payload] of [['no plan', '{"by":"2026-12-15"}'], ['plan of 100,000 characters', JSON.stringify({ plan: 'x'.repeat(100_000), by: '2026-12-15' })], ['by not a date', '{"plan":"x","by":"soon"}'], ['extra property', '{"plan":"x","by":"2026-12-15","admin":true}']] as const) {
  add({ name: `acknowledge an unknown alert: ${name}`, method: 'POST', url: '/api/v1/alerts/999999/acknowledge', headers: { ...auth('admin'), ...J }, payload, status: [400, 404, 413, 422] });
}

let api: TestApi;
let before: unknown;
beforeAll(async () => {
  api = await startTestApi({ rateLimitPerMinute: 100_000 });
  before = await snapshot(api.tmp);
});
afterAll(async () => api.close());

function expectErrorBody(res: { statusCode: number; body: string }): void {
  expect(res.statusCode).toBeGreaterThanOrEqual(400);
  expect(res.statusCode).toBeLessThan(500);
  const body = JSON.parse(res.body) as { error: { code: string; message: string } };
  expect(body.error.code).toMatch(/^[a-z_]+$/);
  expect(body.error.message).toMatch(/[\u4e00-\u9fff]/);
  expect(body.error.message).toMatch(/[a-z]/i);
  expect(res.body).not.toMatch(/\bat .*\.(ts|js):\d+|RangeError|SqliteError|enableOfflineQueue|FST_/);
  expect(res.body.length).toBeLessThan(20_000);
}

describe(`the HTTP corpus (${cases.length} hostile requests)`, () => {
  it.each(cases.map((c, i) => [i, c.name, c] as const))('#%i %s', async (_i, _name, c) => {
    const res = await api.app.inject({ method: c.method, url: c.url, headers: c.headers ?? {}, ...(c.payload !== undefined ? { payload: c.payload } : {}) });
    expect([c.status].flat(), res.body.slice(0, 300)).toContain(res.statusCode);
    expectErrorBody(res);
    expect(await snapshot(api.tmp)).toEqual(before);
  });
});

describe('failed authentication', () => {
  it('is rate-limited: 1,000 wrong tokens from one address get 429s, not 1,000 × 401', async () => {
    const t = await startTestApi({ rateLimitPerMinute: 60 });
    try {
      const counts = new Map<number, number>();
      for (let i = 0; i < 1000; i++) {
        const res = await t.app.inject({ method: 'GET', url: '/api/v1/alerts', headers: { authorization: `Bearer wrong-token-${i}-0123456789` } });
        counts.set(res.statusCode, (counts.get(res.statusCode) ?? 0) + 1);
        if (res.statusCode === 429) expectErrorBody(res);
      }
      expect(counts.get(401)).toBe(60);
      expect(counts.get(429)).toBe(940);
      // A valid token has its own budget, untouched by the guessing.
      expect((await t.app.inject({ method: 'GET', url: '/api/v1/alerts', headers: auth('read') })).statusCode).toBe(200);
    } finally {
      await t.close();
    }
  });
});

describe('errors raised before routing, on a real socket', () => {
  let port: number;
  beforeAll(async () => {
    await api.app.listen({ host: '127.0.0.1', port: 0 });
    port = (api.app.server.address() as AddressInfo).port;
  });

  const raw = (text: string) =>
    new Promise<string>((resolve, reject) => {
      const s = connect(port, '127.0.0.1', () => s.end(text));
      let out = '';
      s.setEncoding('utf8');
      s.on('data', (d: string) => (out += d));
      s.on('close', () => resolve(out));
      s.on('error', reject);
    });
  const bodyOf = (response: string) => response.slice(response.indexOf('\r\n\r\n') + 4);

  it('answers headers too large with 431 in the error body', async () => {
    const res = await raw(`GET /api/v1/alerts HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(res).toMatch(/^HTTP\/1\.1 431/);
    expectErrorBody({ statusCode: 431, body: bodyOf(res) });
  });

  it('answers a malformed request line and a bad header with 400 in the error body', async () => {
    for (const text of ['GARBAGE\r\n\r\n', 'GET / HTTP/1.1\r\nHost x\r\n\r\n', 'GET / HTTP/9.9\r\n\r\n', 'GET /\u0000 HTTP/1.1\r\n\r\n']) {
      const res = await raw(text);
      expect(res).toMatch(/^HTTP\/1\.1 400/);
      expectErrorBody({ statusCode: 400, body: bodyOf(res) });
    }
  });

  it('answers a path parameter over the length limit with 414 in the error body', async () => {
    const res = await new Promise<{ statusCode: number; body: string }>((resolve, reject) => {
      const r = httpRequest({ host: '127.0.0.1', port, path: `/api/v1/reports/${'B'.repeat(500)}`, headers: auth('read') }, (m) => {
        let b = '';
        m.setEncoding('utf8');
        m.on('data', (d: string) => (b += d));
        m.on('end', () => resolve({ statusCode: m.statusCode ?? 0, body: b }));
      });
      r.on('error', reject);
      r.end();
    });
    expect(res.statusCode).toBe(414);
    expectErrorBody(res);
  });
});

describe('report pages', () => {
  it('carry security headers, and a burst of requests for one period computes the city once', async () => {
    const metric = async () => {
      const m = (await api.app.inject({ method: 'GET', url: '/metrics' })).body;
      return Number(/orglife_report_builds_total\{period="2026-10"\} (\d+)/.exec(m)?.[1] ?? 0);
    };
    const start = await metric();
    for (const org of ['B001', 'B002', 'C01', 'B001', 'B002']) {
      const res = await api.app.inject({ method: 'GET', url: `/api/v1/reports/${org}?period=2026-10&format=html`, headers: auth('read') });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-security-policy']).toContain("default-src 'none'");
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
    }
    expect((await metric()) - start).toBe(1);
  });
});
