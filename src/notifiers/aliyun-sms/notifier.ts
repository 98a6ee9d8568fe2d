/**
 * Aliyun SMS (dysmsapi 2017-05-25) through the official SDK: one template SMS per call.
 * An answer with Code 'OK' carries the BizId; any other Code is classified below.
 */
import * as dysmsapi from '@alicloud/dysmsapi20170525';
import { Config as OpenApiConfig } from '@alicloud/openapi-client';
import type { Logger } from 'pino';
import { NotifierError } from '../errors.js';
import { mainlandMobile } from '../phone.js';
import { prepareSmsParams, requireSms } from '../sms-params.js';
import type { Notifier, OutgoingMessage, SendResult } from '../types.js';
import type { AliyunSmsConfig } from './schema.js';

// The package is CommonJS compiled from TypeScript. Node's ESM loader makes `default` the whole
// module.exports object (whose own `default` is the class); bundler-style loaders (vitest) give
// the class itself. Accept both.
const loaded = dysmsapi.default as unknown as typeof dysmsapi.default | typeof dysmsapi.default.default;
const Client = typeof loaded === 'function' ? loaded : loaded.default;
type DysmsapiClient = InstanceType<typeof Client>;

/** Aliyun answer codes that retrying cannot fix (the isv.* family is about this request itself). */
const PERMANENT_CODES = new Set([
  'isp.RAM_PERMISSION_DENY',
  'InvalidAccessKeyId.NotFound',
  'InvalidAccessKeyId.Inactive',
  'SignatureDoesNotMatch',
  'IncompleteSignature',
  'MissingParameter',
  'InvalidParameter',
]);

/** Permanent: isv.* (bad number, template, signature, day limit, balance), auth; temporary: throttling, isp.SYSTEM_ERROR, 5xx. */
export function aliyunIsPermanent(code: string, httpStatus?: number): boolean {
  if (code.startsWith('Throttling') || code === 'isp.SYSTEM_ERROR' || code === 'ServiceUnavailable' || code.startsWith('InternalError')) {
    return false;
  }
  if (code.startsWith('isv.') || PERMANENT_CODES.has(code) || code.startsWith('Forbidden')) return true;
  if (httpStatus !== undefined) return httpStatus < 500 && httpStatus !== 429;
  return false;
}

/** Human hints for the codes an admin is most likely to meet. */
const HINTS: Record<string, string> = {
  'isv.MOBILE_NUMBER_ILLEGAL': '手机号码格式错误',
  'isv.BUSINESS_LIMIT_CONTROL': '触发号码发送频率或日限额',
  'isv.DAY_LIMIT_CONTROL': '触发日发送限额',
  'isv.AMOUNT_NOT_ENOUGH': '账户余额不足',
  'isv.SMS_TEMPLATE_ILLEGAL': '短信模板不合法或未审核通过',
  'isv.TEMPLATE_MISSING_PARAMETERS': '模板变量缺少参数',
  'isv.SMS_SIGNATURE_ILLEGAL': '短信签名不合法或未审核通过',
  'isv.SMS_SIGN_ILLEGAL': '短信签名不合法或未审核通过',
  'isv.PARAM_LENGTH_LIMIT': '模板变量超长',
  'InvalidAccessKeyId.NotFound': 'AccessKey 不存在',
  SignatureDoesNotMatch: 'AccessKey Secret 错误',
};

/** Sends template SMS through Aliyun. */
export class AliyunSmsNotifier implements Notifier {
  readonly channel = 'aliyun_sms' as const;
  readonly #client: DysmsapiClient;
  readonly #cfg: AliyunSmsConfig;
  readonly #secrets: string[];
  readonly #log: Logger | undefined;

  constructor(cfg: AliyunSmsConfig, keys: { accessKeyId: string; accessKeySecret: string }, log?: Logger) {
    this.#cfg = cfg;
    // The AccessKey ID is not a secret to Aliyun, but it names the account: it is masked in logs too.
    this.#secrets = [keys.accessKeySecret, keys.accessKeyId];
    this.#log = log;
    const sdkConfig = new OpenApiConfig({
      accessKeyId: keys.accessKeyId,
      accessKeySecret: keys.accessKeySecret,
      endpoint: cfg.endpoint,
      protocol: cfg.protocol,
      connectTimeout: cfg.timeout_ms,
      readTimeout: cfg.timeout_ms,
    });
    this.#client = new Client(sdkConfig as ConstructorParameters<typeof Client>[0]);
  }

  async send(msg: OutgoingMessage): Promise<SendResult> {
    const sms = requireSms('aliyun_sms', msg.sms);
    const phone = mainlandMobile('aliyun_sms', msg.to);
    const templateCode = this.#cfg.templates[sms.template];
    if (!templateCode) {
      throw new NotifierError('aliyun_sms', `未配置短信模板 / no template configured: channels.aliyun_sms.templates.${sms.template}`, {
        permanent: true,
        code: 'template_not_configured',
      });
    }
    const params = prepareSmsParams('aliyun_sms', sms, this.#cfg.param_max_chars);
    const request = new dysmsapi.SendSmsRequest({
      phoneNumbers: phone,
      signName: this.#cfg.sign_name,
      templateCode,
      templateParam: JSON.stringify(params),
    });
    let body: { code?: string; message?: string; bizId?: string } | undefined;
    try {
      body = (await this.#client.sendSms(request)).body;
    } catch (e) {
      throw this.#fromThrown(e);
    }
    const code = body?.code ?? '';
    if (code === 'OK') {
      this.#log?.debug({ channel: this.channel, to: phone, bizId: body?.bizId }, 'sms sent');
      return { providerMessageId: body?.bizId ?? null };
    }
    throw this.#fromCode(code, body?.message);
  }

  #fromCode(code: string, message: string | undefined, httpStatus?: number): NotifierError {
    const permanent = aliyunIsPermanent(code, httpStatus);
    const hint = HINTS[code] ?? (permanent ? '阿里云拒绝发送' : '阿里云暂时不可用，稍后重试');
    return new NotifierError('aliyun_sms', `${hint} / Aliyun SMS error ${code}: ${message ?? ''}`, {
      permanent,
      code,
      secrets: this.#secrets,
    });
  }

  /** The SDK throws for HTTP errors (with code and statusCode) and for network failures (no statusCode). */
  #fromThrown(e: unknown): NotifierError {
    const err = e as { code?: string; statusCode?: number; data?: { Message?: string }; message?: string };
    if (typeof err?.statusCode === 'number') {
      return this.#fromCode(err.code ?? `http_${err.statusCode}`, err.data?.Message ?? `HTTP ${err.statusCode}`, err.statusCode);
    }
    // Network errors: the SDK's message repeats the whole request URL (phone and params), so keep only the code.
    const code = typeof err?.code === 'string' ? err.code : 'network';
    return new NotifierError('aliyun_sms', `网络错误，稍后重试 / network error: ${code}`, { permanent: false, code, secrets: this.#secrets });
  }

  async close(): Promise<void> {}
}
