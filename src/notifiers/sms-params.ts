/**
 * The SMS template contract: which template keys exist and which variables each one takes.
 * Providers only send pre-approved templates whose variables are short (Aliyun: 35 characters
 * each by default), so every parameter passes through here before any SMS provider sees it.
 * The full item list never goes by SMS; the planner sends it by email.
 */
import { LEVEL_NAMES_ZH, type Level } from '../domain/types.js';
import { NotifierError } from './errors.js';
import type { ChannelName } from './types.js';

/** Template keys; config maps each to a provider template code/id. */
export const SMS_TEMPLATE_KEYS = ['reminder', 'warning', 'escalation', 'report', 'test'] as const;
export type SmsTemplateKey = (typeof SMS_TEMPLATE_KEYS)[number];

/** The variables of each template, in their canonical order (Tencent's default parameter order). */
export const SMS_TEMPLATE_PARAMS = {
  reminder: ['name', 'count', 'level', 'deadline'],
  warning: ['name', 'count', 'level', 'deadline'],
  escalation: ['name', 'count', 'level', 'deadline'],
  report: ['name', 'period', 'score', 'grade'],
  test: ['name', 'time'],
} as const satisfies Record<SmsTemplateKey, readonly string[]>;

/**
 * Variables a template MAY take: `link` is the path of the one-tap acknowledgement link after
 * http.public_url (e.g. `a/Xy12…`, 26 characters), present only when public_url is set. An approved
 * template that shows it reads like `…一键认领：https://dj.example.gov.cn/${link}`.
 */
export const SMS_OPTIONAL_PARAMS: Partial<Record<SmsTemplateKey, readonly string[]>> = {
  reminder: ['link'],
  warning: ['link'],
  escalation: ['link'],
};

/** The params object of one template: exactly its variables, all strings (plus `link` for alerts). */
export type SmsParams<K extends SmsTemplateKey> = { [P in (typeof SMS_TEMPLATE_PARAMS)[K][number]]: string } & { link?: string };

/** Template SMS content: a template key with its typed params (a missing param is a compile error). */
export type SmsContent = { [K in SmsTemplateKey]: { template: K; params: SmsParams<K> } }[SmsTemplateKey];

/** Aliyun's default per-variable limit; the other providers get the same unless configured. */
export const SMS_PARAM_MAX_CHARS = 35;

/** The SMS content of an alert digest for one recipient (level name in Chinese, deadline YYYY-MM-DD). */
export function alertSms(level: Level, name: string, count: number, deadline: string): SmsContent {
  return { template: level, params: { name, count: String(count), level: LEVEL_NAMES_ZH[level], deadline } };
}

/**
 * Shorten one variable to at most `max` characters (Unicode code points, so a surrogate pair is
 * never split), ending with "…" when cut. Line breaks and runs of whitespace become one space,
 * because providers reject multi-line variables.
 */
export function truncateSmsParam(value: string, max: number = SMS_PARAM_MAX_CHARS): string {
  const flat = value.replace(/\s+/g, ' ').trim();
  const chars = Array.from(flat);
  if (chars.length <= max) return flat;
  return chars.slice(0, Math.max(0, max - 1)).join('') + '…';
}

/**
 * Check that `sms` carries exactly its template's variables (the content may come from a stored
 * outbox row, so the type alone does not guarantee it) and truncate each one.
 * Throws a permanent NotifierError naming the template and the wrong keys.
 */
export function prepareSmsParams(channel: ChannelName, sms: SmsContent, max: number = SMS_PARAM_MAX_CHARS): Record<string, string> {
  const expected: readonly string[] | undefined = (SMS_TEMPLATE_PARAMS as Record<string, readonly string[]>)[sms.template];
  if (!expected) {
    throw new NotifierError(channel, `未知短信模板 / unknown SMS template "${sms.template}"`, { permanent: true, code: 'bad_template_key' });
  }
  const given = (sms.params ?? {}) as Record<string, unknown>;
  const missing = expected.filter((k) => typeof given[k] !== 'string');
  const optional = SMS_OPTIONAL_PARAMS[sms.template as SmsTemplateKey] ?? [];
  const extra = Object.keys(given).filter((k) => !expected.includes(k) && !optional.includes(k));
  if (missing.length || extra.length) {
    throw new NotifierError(
      channel,
      `短信模板 ${sms.template} 的参数不符 / SMS params do not match template "${sms.template}"` +
        `${missing.length ? `; missing: ${missing.join(', ')}` : ''}${extra.length ? `; unexpected: ${extra.join(', ')}` : ''}` +
        ` (expected: ${expected.join(', ')})`,
      { permanent: true, code: 'bad_sms_params' },
    );
  }
  const out: Record<string, string> = {};
  for (const k of expected) out[k] = truncateSmsParam(given[k] as string, max);
  // A cut link would not open: an optional variable too long for the provider is left out.
  for (const k of optional) {
    const v = given[k];
    if (typeof v === 'string' && Array.from(v).length <= max) out[k] = v;
  }
  return out;
}

/** The SMS content of a message, or a permanent error: template providers cannot send free text. */
export function requireSms(channel: ChannelName, sms: SmsContent | undefined): SmsContent {
  if (!sms) {
    throw new NotifierError(channel, '短信需要模板内容（msg.sms） / template SMS needs msg.sms', { permanent: true, code: 'missing_sms' });
  }
  return sms;
}
