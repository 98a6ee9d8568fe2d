import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createNotifiers } from '../../src/notifiers/registry.js';
import type { Notifier } from '../../src/notifiers/types.js';
import { replies, startHttpStandin, type HttpStandin } from '../helpers/http-standin.js';
import { channels, envOf, rejection } from './setup.js';

const NOW = Date.parse('2026-03-02T01:30:00Z');
const SECRET = 'SEC0123456789abcdef+/=';

describe('DingTalk robot notifier', () => {
  let standin: HttpStandin;
  let robot: Notifier;
  beforeAll(async () => {
    standin = await startHttpStandin();
    const cfg = channels({
      dingtalk: {
        enabled: true,
        base_url: `${standin.url}/robot/send`,
        robots: { county: { access_token_env: 'DT_TOKEN', secret_env: 'DT_SECRET', committees: ['*'] } },
      },
    });
    robot = createNotifiers(cfg, envOf({ DT_TOKEN: 'dingtalk-token', DT_SECRET: SECRET }), { now: () => NOW }).get('dingtalk')!;
  });
  afterAll(async () => {
    await standin.close();
  });
  beforeEach(() => standin.reset());

  it('signs the webhook with HMAC-SHA256 over "timestamp\\nsecret" that the receiver can verify', async () => {
    await robot.send({ to: 'county', subject: '【督办】第一党支部', text: '本季度党课尚未开展' });
    const [req] = standin.requestsTo('dingtalk');
    expect(req!.query.access_token).toBe('dingtalk-token');
    expect(req!.query.timestamp).toBe(String(NOW));
    // URLSearchParams already URL-decoded the sign: compare with the raw base64 HMAC.
    const expected = createHmac('sha256', SECRET).update(`${req!.query.timestamp}\n${SECRET}`).digest('base64');
    expect(req!.query.sign).toBe(expected);
    expect(req!.json).toEqual({ msgtype: 'markdown', markdown: { title: '【督办】第一党支部', text: '### 【督办】第一党支部\n\n本季度党课尚未开展' } });
  });

  it('treats a failed signature check (310000) as permanent and "sending too fast" (130101) as temporary', async () => {
    standin.replyOnce('dingtalk', replies.robotError(310000, 'sign not match'));
    expect((await rejection(robot.send({ to: 'county', subject: 's', text: 't' }))).permanent).toBe(true);
    standin.replyOnce('dingtalk', replies.robotError(130101, 'send too fast'));
    expect((await rejection(robot.send({ to: 'county', subject: 's', text: 't' }))).permanent).toBe(false);
  });

  it('treats HTTP 500 as temporary', async () => {
    standin.replyOnce('dingtalk', replies.status(500));
    const err = await rejection(robot.send({ to: 'county', subject: 's', text: 't' }));
    expect(err.permanent).toBe(false);
    expect(err.code).toBe('http_500');
  });
});
