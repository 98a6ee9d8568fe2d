/**
 * Tencent Cloud SMS (API 2021-01-11) through the official SDK. The per-number result is in
 * SendStatusSet[0]: Code 'Ok' carries the SerialNo; request-level errors are thrown by the SDK.
 */
import { sms as tencentSms } from 'tencentcloud-sdk-nodejs-sms';
import type { Logger } from 'pino';
import { keepAliveAgent } from '../agent.js';
import { NotifierError } from '../errors.js';
import { mainlandMobile } from '../phone.js';
import { prepareSmsParams, requireSms } from '../sms-params.js';
import type { Notifier, OutgoingMessage, SendResult } from '../types.js';
import type { TencentSmsConfig } from './schema.js';

const Client = tencentSms.v20210111.Client;

/** Tencent codes that a retry (minutes later, under BullMQ backoff) could fix. */
const TEMPORARY_CODES = new Set(['RequestLimitExceeded', 'LimitExceeded.PhoneNumberThirtySecondLimit', 'InternalError', 'ResourceUnavailable']);

/**
 * Permanent: AuthFailure.*, InvalidParameter*, FailedOperation.* (template, signature, balance),
 * UnauthorizedOperation.*, per-number hourly/daily limits (the backoff window is too short for them).
 * Temporary: InternalError.*, RequestLimitExceeded, the 30-second per-number limit, network.
 */
export function tencentIsPermanent(code: string): boolean {
  if (TEMPORARY_CODES.has(code) || code.startsWith('InternalError') || code.startsWith('RequestLimitExceeded')) return false;
  return true;
}

const HINTS: Record<string, string> = {
  'InvalidParameterValue.IncorrectPhoneNumber': '手机号码格式错误',
  'LimitExceeded.PhoneNumberDailyLimit': '该号码已达当日发送上限',
  'LimitExceeded.PhoneNumberOneHourLimit': '该号码已达每小时发送上限',
  'LimitExceeded.PhoneNumberThirtySecondLimit': '该号码 30 秒内发送过于频繁',
  'FailedOperation.TemplateIncorrectOrUnapproved': '短信模板不存在或未审核通过',
  'FailedOperation.SignatureIncorrectOrUnapproved': '短信签名不存在或未审核通过',
  'FailedOperation.InsufficientBalanceInSmsPackage': '短信套餐包余量不足',
  'AuthFailure.SecretIdNotFound': 'SecretId 不存在',
  'AuthFailure.SignatureFailure': 'SecretKey 错误',
};

/** Sends template SMS through Tencent Cloud. */
export class TencentSmsNotifier implements Notifier {
  readonly channel = 'tencent_sms' as const;
  readonly #client: InstanceType<typeof Client>;
  readonly #cfg: TencentSmsConfig;
  readonly #secrets: string[];
  readonly #log: Logger | undefined;

  constructor(cfg: TencentSmsConfig, keys: { secretId: string; secretKey: string }, log?: Logger) {
    this.#cfg = cfg;
    this.#secrets = [keys.secretKey, keys.secretId];
    this.#log = log;
    this.#client = new Client({
      credential: { secretId: keys.secretId, secretKey: keys.secretKey },
      region: cfg.region,
      profile: {
        httpProfile: {
          endpoint: cfg.endpoint,
          protocol: `${cfg.protocol}://`,
          reqTimeout: Math.max(1, Math.ceil(cfg.timeout_ms / 1000)),
          // The SDK's node-fetch would otherwise use Node's global agent; the shared one keeps
          // connections alive with an idle timeout below the server's (see ../agent.ts).
          agent: keepAliveAgent(cfg.protocol),
        },
      },
    });
  }

  async send(msg: OutgoingMessage): Promise<SendResult> {
    const sms = requireSms('tencent_sms', msg.sms);
    const phone = mainlandMobile('tencent_sms', msg.to);
    const template = this.#cfg.templates[sms.template];
    if (!template) {
      throw new NotifierError('tencent_sms', `未配置短信模板 / no template configured: channels.tencent_sms.templates.${sms.template}`, {
        permanent: true,
        code: 'template_not_configured',
      });
    }
    const params = prepareSmsParams('tencent_sms', sms, this.#cfg.param_max_chars);
    let status: { Code?: string; Message?: string; SerialNo?: string } | undefined;
    try {
      const res = await this.#client.SendSms({
        PhoneNumberSet: [`+86${phone}`],
        SmsSdkAppId: this.#cfg.sdk_app_id!,
        SignName: this.#cfg.sign_name!,
        TemplateId: template.id,
        TemplateParamSet: template.params.map((p) => params[p] ?? ''),
      });
      status = res.SendStatusSet?.[0];
    } catch (e) {
      throw this.#fromThrown(e);
    }
    if (status?.Code === 'Ok') {
      this.#log?.debug({ channel: this.channel, to: phone, serialNo: status.SerialNo }, 'sms sent');
      return { providerMessageId: status.SerialNo ?? null };
    }
    throw this.#fromCode(status?.Code ?? 'missing_status', status?.Message ?? '腾讯云未返回发送状态 / no SendStatusSet in the answer');
  }

  #fromCode(code: string, message: string): NotifierError {
    const permanent = tencentIsPermanent(code);
    const hint = HINTS[code] ?? (permanent ? '腾讯云拒绝发送' : '腾讯云暂时不可用，稍后重试');
    return new NotifierError('tencent_sms', `${hint} / Tencent SMS error ${code}: ${message}`, { permanent, code, secrets: this.#secrets });
  }

  /** The SDK throws with `code` for API errors, `httpCode` for HTTP errors, neither for network failures. */
  #fromThrown(e: unknown): NotifierError {
    const err = e as { code?: string; httpCode?: number; message?: string };
    if (err?.code) return this.#fromCode(err.code, err.message ?? '');
    if (typeof err?.httpCode === 'number') {
      const permanent = err.httpCode < 500 && err.httpCode !== 429;
      return new NotifierError('tencent_sms', `腾讯云返回 HTTP ${err.httpCode} / Tencent SMS HTTP ${err.httpCode}`, {
        permanent,
        code: `http_${err.httpCode}`,
        secrets: this.#secrets,
      });
    }
    // The SDK's network message names the endpoint and errno; keep only the errno.
    const errno = /\b(E[A-Z]{3,}|ETIMEDOUT)\b/.exec(err?.message ?? '')?.[1] ?? 'network';
    return new NotifierError('tencent_sms', `网络错误，稍后重试 / network error: ${errno}`, { permanent: false, code: errno, secrets: this.#secrets });
  }

  async close(): Promise<void> {}
}
