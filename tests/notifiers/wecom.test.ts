import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createNotifiers } from '../../src/notifiers/registry.js';
import { TRUNCATION_NOTE } from '../../src/notifiers/text.js';
import type { Notifier } from '../../src/notifiers/types.js';
import { replies, startHttpStandin, type HttpStandin } from '../helpers/http-standin.js';
import { channels, envOf, rejection } from './setup.js';

describe('WeCom robot notifier', () => {
  let standin: HttpStandin;
  let text: Notifier;
  let markdown: Notifier;
  beforeAll(async () => {
    standin = await startHttpStandin();
    const env = envOf({ WECOM_KEY_CITY: 'wecom-key-city' });
    const block = (msgtype: string) => ({
      wecom: { enabled: true, msgtype, base_url: `${standin.url}/cgi-bin/webhook/send`, robots: { city: { key_env: 'WECOM_KEY_CITY', committees: ['C01'] } } },
    });
    text = createNotifiers(channels(block('text')), env).get('wecom')!;
    markdown = createNotifiers(channels(block('markdown')), env).get('wecom')!;
  });
  afterAll(async () => {
    await standin.close();
  });
  beforeEach(() => standin.reset());

  it('posts a text message with the robot key from the environment', async () => {
    const result = await text.send({ to: 'city', subject: '【督办】第一党支部', text: '本月支委会尚未召开' });
    const [req] = standin.requestsTo('wecom');
    expect(req!.query.key).toBe('wecom-key-city');
    expect(req!.json).toEqual({ msgtype: 'text', text: { content: '【督办】第一党支部\n本月支委会尚未召开' } });
    expect(result.providerMessageId).toBeNull();
  });

  it('cuts a long text to 2048 UTF-8 bytes on a character boundary, with a note pointing to the email', async () => {
    // 3-byte Chinese characters and 4-byte emoji (surrogate pairs) so a byte cut would land mid-character.
    const body = '第一党支部未召开支委会😀'.repeat(200);
    await text.send({ to: 'city', subject: '【督办】汇总', text: body });
    const content: string = standin.requests[0]!.json.text.content;
    const bytes = Buffer.byteLength(content, 'utf8');
    expect(bytes).toBeLessThanOrEqual(2048);
    expect(bytes).toBeGreaterThan(2048 - 8);
    expect(content.endsWith(TRUNCATION_NOTE)).toBe(true);
    expect(content).not.toContain('\uFFFD');
    expect(Buffer.from(content, 'utf8').toString('utf8')).toBe(content);
    expect(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/.test(content)).toBe(false);
  });

  it('allows markdown messages up to 4096 bytes', async () => {
    await markdown.send({ to: 'city', subject: '汇总', text: '党支部'.repeat(1000) });
    const content: string = standin.requests[0]!.json.markdown.content;
    expect(content.startsWith('**汇总**\n')).toBe(true);
    expect(Buffer.byteLength(content, 'utf8')).toBeLessThanOrEqual(4096);
    expect(Buffer.byteLength(content, 'utf8')).toBeGreaterThan(2048);
  });

  it('treats the rate limit (45009) as temporary and an invalid key (93000) as permanent', async () => {
    standin.replyOnce('wecom', replies.robotError(45009, 'api freq out of limit'));
    const limited = await rejection(text.send({ to: 'city', subject: 's', text: 't' }));
    expect(limited.permanent).toBe(false);
    expect(limited.code).toBe('45009');
    standin.replyOnce('wecom', replies.robotError(93000, 'invalid webhook url'));
    const badKey = await rejection(text.send({ to: 'city', subject: 's', text: 't' }));
    expect(badKey.permanent).toBe(true);
  });

  it('refuses an unknown robot name without calling WeCom', async () => {
    const err = await rejection(text.send({ to: 'nobody', subject: 's', text: 't' }));
    expect(err.permanent).toBe(true);
    expect(err.code).toBe('unknown_robot');
    expect(standin.requests).toHaveLength(0);
  });
});
