import { describe, expect, it } from 'vitest';
import { NotifierError } from '../../src/notifiers/errors.js';
import { mainlandMobile } from '../../src/notifiers/phone.js';
import { alertSms, prepareSmsParams, SMS_PARAM_MAX_CHARS, truncateSmsParam, type SmsContent } from '../../src/notifiers/sms-params.js';
import { truncateUtf8 } from '../../src/notifiers/text.js';

describe('SMS template params', () => {
  it('keeps values of at most 35 characters unchanged', () => {
    const exact = '党'.repeat(35);
    expect(truncateSmsParam(exact)).toBe(exact);
  });

  it('cuts longer values to 35 characters ending in "…"', () => {
    const cut = truncateSmsParam('某某县某某镇'.repeat(10));
    expect(Array.from(cut)).toHaveLength(SMS_PARAM_MAX_CHARS);
    expect(cut.endsWith('…')).toBe(true);
  });

  it('never splits a surrogate pair when cutting', () => {
    const cut = truncateSmsParam('😀'.repeat(50), 10);
    expect(Array.from(cut)).toEqual([...Array(9).fill('😀'), '…']);
    expect(cut.length).toBe(19); // 9 pairs of UTF-16 units + the ellipsis
  });

  it('flattens line breaks, which providers reject inside variables', () => {
    expect(truncateSmsParam('第一\n第二\r\n 第三')).toBe('第一 第二 第三');
  });

  it('builds alert SMS content with the Chinese level name', () => {
    expect(alertSms('escalation', '第一党支部', 3, '2026-04-30')).toEqual({
      template: 'escalation',
      params: { name: '第一党支部', count: '3', level: '督办', deadline: '2026-04-30' },
    });
  });

  it('rejects params that do not match the template contract, naming the missing and unexpected keys', () => {
    const bad = { template: 'reminder', params: { name: 'x', count: '1', when: '2026' } } as unknown as SmsContent;
    let err: unknown;
    try {
      prepareSmsParams('aliyun_sms', bad);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(NotifierError);
    expect((err as NotifierError).permanent).toBe(true);
    expect((err as NotifierError).message).toContain('missing: level, deadline');
    expect((err as NotifierError).message).toContain('unexpected: when');
  });

  it('normalises mainland mobile numbers and refuses anything else as permanent', () => {
    expect(mainlandMobile('aliyun_sms', '+86 138-1234-5678')).toBe('13812345678');
    expect(mainlandMobile('aliyun_sms', '008613812345678')).toBe('13812345678');
    expect(() => mainlandMobile('aliyun_sms', '010-12345678')).toThrow(NotifierError);
    expect(() => mainlandMobile('aliyun_sms', '12812345678')).toThrow(/invalid mobile number/);
  });
});

describe('UTF-8 truncation for robots', () => {
  it('leaves text within the limit alone', () => {
    expect(truncateUtf8('短消息', 2048)).toBe('短消息');
  });

  it('cuts on a character boundary and appends the note within the byte budget', () => {
    const out = truncateUtf8('a党😀'.repeat(100), 100, '…');
    expect(Buffer.byteLength(out)).toBeLessThanOrEqual(100);
    expect(out.endsWith('…')).toBe(true);
    expect(Buffer.from(out).toString()).toBe(out);
  });
});
