/** Mainland mobile numbers as the SMS providers want them. */
import { maskPhones } from '../log.js';
import { NotifierError } from './errors.js';
import type { ChannelName } from './types.js';

const MAINLAND_MOBILE = /^(?:\+86|0086|86)?(1[3-9]\d{9})$/;

/**
 * '+86 138-1234-5678' → '13812345678'. Anything that is not a mainland mobile number is a
 * permanent error: retrying an impossible number only burns quota.
 */
export function mainlandMobile(channel: ChannelName, raw: string): string {
  const compact = raw.replace(/[\s()-]/g, '');
  const m = MAINLAND_MOBILE.exec(compact);
  if (!m) {
    throw new NotifierError(channel, `手机号码无效 / invalid mobile number: "${maskPhones(raw).slice(0, 40)}"`, {
      permanent: true,
      code: 'invalid_phone',
    });
  }
  return m[1]!;
}
