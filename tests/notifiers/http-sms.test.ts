import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createNotifiers } from '../../src/notifiers/registry.js';
import type { Notifier, OutgoingMessage } from '../../src/notifiers/types.js';
import { replies, startHttpStandin, type HttpStandin } from '../helpers/http-standin.js';
import { channels, envOf, rejection } from './setup.js';

const ESCALATION: OutgoingMessage = {
  to: '8613712345678',
  subject: '督办',
  text: '【某市委组织部】第三党支部有 4 项工作被督办，请于 2026-05-01 前完成。',
  sms: { template: 'escalation', params: { name: '第三党支部', count: '4', level: '督办', deadline: '2026-05-01' } },
};

describe('HTTP SMS gateway notifier', () => {
  let standin: HttpStandin;
  let sms: Notifier;
  beforeAll(async () => {
    standin = await startHttpStandin();
    const cfg = channels({
      http_sms: { enabled: true, url: `${standin.url}/sms/send`, token_env: 'SMS_GATEWAY_TOKEN', id_field: 'data.id', templates: { escalation: 'T-ESC' } },
    });
    sms = createNotifiers(cfg, envOf({ SMS_GATEWAY_TOKEN: 'gateway-token-value' })).get('http_sms')!;
  });
  afterAll(async () => {
    await sms.close();
    await standin.close();
  });
  beforeEach(() => standin.reset());

  it('POSTs phone, template, params and text with the bearer token, and reads the id from the configured field', async () => {
    standin.replyOnce('http_sms', { json: { code: 0, data: { id: 'gw-42' } } });
    const result = await sms.send(ESCALATION);
    const [req] = standin.requestsTo('http_sms');
    expect(req!.method).toBe('POST');
    expect(req!.path).toBe('/sms/send');
    expect(req!.headers.authorization).toBe('Bearer gateway-token-value');
    expect(req!.json).toEqual({
      phone: '13712345678',
      template: 'T-ESC',
      params: { name: '第三党支部', count: '4', level: '督办', deadline: '2026-05-01' },
      text: ESCALATION.text,
    });
    expect(result.providerMessageId).toBe('gw-42');
  });

  it('sends the template key itself when the gateway has no id mapped for it', async () => {
    await sms.send({ ...ESCALATION, sms: { template: 'test', params: { name: '测试', time: '2026-01-01 08:00' } } });
    expect(standin.requests[0]!.json.template).toBe('test');
  });

  it.each([
    [400, true],
    [401, true],
    [404, true],
    [429, false],
    [500, false],
    [503, false],
  ])('classifies HTTP %i as permanent=%s', async (status, permanent) => {
    standin.replyOnce('http_sms', replies.status(status));
    const err = await rejection(sms.send(ESCALATION));
    expect(err.permanent).toBe(permanent);
    expect(err.code).toBe(`http_${status}`);
  });

  it('sends one message after another over one kept-alive connection', async () => {
    for (let i = 0; i < 5; i++) await sms.send(ESCALATION);
    const ports = new Set(standin.requestsTo('http_sms').map((r) => r.remotePort));
    expect(standin.requestsTo('http_sms')).toHaveLength(5);
    expect(ports.size).toBe(1);
  });

  it('gives up after timeout_ms on a gateway that never answers (temporary ETIMEDOUT)', async () => {
    const silent = createServer(() => undefined); // reads the request, never answers
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/sms/send`;
    const slow = createNotifiers(channels({ http_sms: { enabled: true, url, timeout_ms: 300 } }), envOf()).get('http_sms')!;
    try {
      const t0 = performance.now();
      const err = await rejection(slow.send(ESCALATION));
      expect(performance.now() - t0).toBeLessThan(5_000);
      expect(err.permanent).toBe(false);
      expect(err.code).toBe('ETIMEDOUT');
      expect(err.message).not.toContain(url);
    } finally {
      silent.closeAllConnections();
      silent.close();
    }
  });

  it('treats a refused connection as temporary, naming only the error code', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const gone = createNotifiers(channels({ http_sms: { enabled: true, url: `http://127.0.0.1:${port}/sms/send` } }), envOf()).get('http_sms')!;
    const err = await rejection(gone.send(ESCALATION));
    expect(err.permanent).toBe(false);
    expect(err.code).toBe('ECONNREFUSED');
    expect(err.message).not.toContain(String(port));
  });

  it('treats a dropped connection as temporary', async () => {
    standin.replyOnce('http_sms', replies.drop());
    const err = await rejection(sms.send(ESCALATION));
    expect(err.permanent).toBe(false);
  });
});
