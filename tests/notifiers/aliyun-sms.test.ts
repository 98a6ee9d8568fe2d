import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { NotifierError } from '../../src/notifiers/errors.js';
import { createNotifiers } from '../../src/notifiers/registry.js';
import type { Notifier, OutgoingMessage } from '../../src/notifiers/types.js';
import { replies, startHttpStandin, type HttpStandin } from '../helpers/http-standin.js';
import { channels, envOf, rejection } from './setup.js';

const KEYS = { ALIBABA_CLOUD_ACCESS_KEY_ID: 'LTAI-test-id', ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'aliyun-secret-value' };

const REMINDER: OutgoingMessage = {
  to: '+86 138-1234-5678',
  subject: '提醒',
  text: '第一党支部有 2 项工作待完成',
  sms: { template: 'reminder', params: { name: '第一党支部', count: '2', level: '提醒', deadline: '2026-03-31' } },
};

describe('Aliyun SMS notifier (official SDK against the local stand-in)', () => {
  let standin: HttpStandin;
  let sms: Notifier;
  beforeAll(async () => {
    standin = await startHttpStandin();
    const cfg = channels({
      aliyun_sms: {
        enabled: true,
        sign_name: '某市委组织部',
        templates: { reminder: 'SMS_100001', warning: 'SMS_100002', escalation: 'SMS_100003' },
        endpoint: standin.host,
        protocol: 'http',
      },
    });
    sms = createNotifiers(cfg, envOf(KEYS)).get('aliyun_sms')!;
  });
  afterAll(async () => {
    await sms.close();
    await standin.close();
  });
  beforeEach(() => standin.reset());

  it('sends phone, sign name, template code and params JSON, and returns the BizId', async () => {
    const result = await sms.send(REMINDER);
    const [req] = standin.requestsTo('aliyun');
    expect(standin.requests).toHaveLength(1);
    expect(req!.headers['x-acs-action']).toBe('SendSms');
    expect(req!.query.PhoneNumbers).toBe('13812345678');
    expect(req!.query.SignName).toBe('某市委组织部');
    expect(req!.query.TemplateCode).toBe('SMS_100001');
    expect(JSON.parse(req!.query.TemplateParam!)).toEqual({ name: '第一党支部', count: '2', level: '提醒', deadline: '2026-03-31' });
    expect(String(req!.headers.authorization)).toContain('Credential=LTAI-test-id');
    expect(result.providerMessageId).toBe('biz-1');
  });

  it('cuts every template variable to 35 characters', async () => {
    const longName = '某某县某某镇某某村第一党支部'.repeat(4);
    await sms.send({ ...REMINDER, sms: { template: 'reminder', params: { ...REMINDER.sms!.params, name: longName } as never } });
    const params = JSON.parse(standin.requests[0]!.query.TemplateParam!) as Record<string, string>;
    expect(Array.from(params.name!)).toHaveLength(35);
    expect(params.name!.endsWith('…')).toBe(true);
  });

  it.each([
    ['isv.MOBILE_NUMBER_ILLEGAL', true],
    ['isv.BUSINESS_LIMIT_CONTROL', true],
    ['isv.SMS_TEMPLATE_ILLEGAL', true],
    ['isv.TEMPLATE_MISSING_PARAMETERS', true],
    ['isv.SMS_SIGNATURE_ILLEGAL', true],
    ['isp.SYSTEM_ERROR', false],
  ])('classifies answer code %s as permanent=%s', async (code, permanent) => {
    standin.replyOnce('aliyun', replies.aliyunCode(code));
    const err = await rejection(sms.send(REMINDER));
    expect(err).toBeInstanceOf(NotifierError);
    expect(err.code).toBe(code);
    expect(err.permanent).toBe(permanent);
    expect(err.message).not.toContain('13812345678');
  });

  it.each([
    [400, 'Throttling.User', false],
    [503, 'ServiceUnavailable', false],
    [404, 'InvalidAccessKeyId.NotFound', true],
    [400, 'SignatureDoesNotMatch', true],
  ])('classifies HTTP %i %s as permanent=%s', async (status, code, permanent) => {
    standin.replyOnce('aliyun', replies.aliyunHttp(status, code));
    const err = await rejection(sms.send(REMINDER));
    expect(err.code).toBe(code);
    expect(err.permanent).toBe(permanent);
  });

  it('treats a dropped connection as temporary without repeating the phone number', async () => {
    standin.replyOnce('aliyun', replies.drop());
    const err = await rejection(sms.send(REMINDER));
    expect(err.permanent).toBe(false);
    expect(err.message).not.toMatch(/1381234|TemplateParam/);
  });

  it('refuses, without calling Aliyun, a message without SMS content, an impossible number, or an unmapped template', async () => {
    expect((await rejection(sms.send({ ...REMINDER, sms: undefined as never }))).code).toBe('missing_sms');
    expect((await rejection(sms.send({ ...REMINDER, to: '12345' }))).code).toBe('invalid_phone');
    const test = await rejection(sms.send({ ...REMINDER, sms: { template: 'test', params: { name: '测试', time: '2026-01-01 08:00' } } }));
    expect(test.permanent).toBe(true);
    expect(test.message).toContain('channels.aliyun_sms.templates.test');
    expect(standin.requests).toHaveLength(0);
  });
});
