import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { NotifierError } from '../../src/notifiers/errors.js';
import { createNotifiers } from '../../src/notifiers/registry.js';
import type { Notifier, OutgoingMessage } from '../../src/notifiers/types.js';
import { replies, startHttpStandin, type HttpStandin } from '../helpers/http-standin.js';
import { channels, envOf, rejection } from './setup.js';

const KEYS = { TENCENTCLOUD_SECRET_ID: 'AKID-test-id', TENCENTCLOUD_SECRET_KEY: 'tencent-secret-value' };

const WARNING: OutgoingMessage = {
  to: '13912345678',
  subject: '预警',
  text: '第二党支部有 3 项工作逾期',
  sms: { template: 'warning', params: { name: '第二党支部', count: '3', level: '预警', deadline: '2026-04-10' } },
};

describe('Tencent SMS notifier (official SDK against the local stand-in)', () => {
  let standin: HttpStandin;
  let sms: Notifier;
  beforeAll(async () => {
    standin = await startHttpStandin();
    const cfg = channels({
      tencent_sms: {
        enabled: true,
        sdk_app_id: '1400000001',
        sign_name: '某市委组织部',
        templates: {
          reminder: { id: '2000001' },
          // The approved template reads "{1}前请完成，{2}有{3}项工作逾期": a custom order.
          warning: { id: '2000002', params: ['deadline', 'name', 'count'] },
          escalation: { id: '2000003' },
        },
        endpoint: standin.host,
        protocol: 'http',
      },
    });
    sms = createNotifiers(cfg, envOf(KEYS)).get('tencent_sms')!;
  });
  afterAll(async () => {
    await sms.close();
    await standin.close();
  });
  beforeEach(() => standin.reset());

  it('sends the E.164 number, app id, sign, template id and params in the configured order, and returns the SerialNo', async () => {
    const result = await sms.send(WARNING);
    const [req] = standin.requestsTo('tencent');
    expect(standin.requests).toHaveLength(1);
    expect(req!.headers['x-tc-action']).toBe('SendSms');
    expect(req!.json).toEqual({
      PhoneNumberSet: ['+8613912345678'],
      SmsSdkAppId: '1400000001',
      SignName: '某市委组织部',
      TemplateId: '2000002',
      TemplateParamSet: ['2026-04-10', '第二党支部', '3'],
    });
    expect(String(req!.headers.authorization)).toContain('Credential=AKID-test-id/');
    expect(result.providerMessageId).toBe('serial-1-0');
  });

  it('uses the contract order of the params when the template does not give one', async () => {
    await sms.send({ ...WARNING, sms: { ...WARNING.sms!, template: 'reminder' } as never });
    expect(standin.requests[0]!.json.TemplateParamSet).toEqual(['第二党支部', '3', '预警', '2026-04-10']);
  });

  it.each([
    ['InvalidParameterValue.IncorrectPhoneNumber', true],
    ['LimitExceeded.PhoneNumberDailyLimit', true],
    ['FailedOperation.TemplateIncorrectOrUnapproved', true],
    ['LimitExceeded.PhoneNumberThirtySecondLimit', false],
  ])('classifies send status %s as permanent=%s', async (code, permanent) => {
    standin.replyOnce('tencent', replies.tencentStatus(code));
    const err = await rejection(sms.send(WARNING));
    expect(err).toBeInstanceOf(NotifierError);
    expect(err.code).toBe(code);
    expect(err.permanent).toBe(permanent);
  });

  it.each([
    ['AuthFailure.SecretIdNotFound', true],
    ['InternalError.Timeout', false],
    ['RequestLimitExceeded', false],
  ])('classifies request error %s as permanent=%s', async (code, permanent) => {
    standin.replyOnce('tencent', replies.tencentError(code));
    const err = await rejection(sms.send(WARNING));
    expect(err.code).toBe(code);
    expect(err.permanent).toBe(permanent);
  });

  it('treats HTTP 502 and a dropped connection as temporary', async () => {
    standin.replyOnce('tencent', replies.status(502));
    expect((await rejection(sms.send(WARNING))).permanent).toBe(false);
    standin.replyOnce('tencent', replies.drop());
    const dropped = await rejection(sms.send(WARNING));
    expect(dropped).toBeInstanceOf(NotifierError);
    expect(dropped.permanent).toBe(false);
  });
});
