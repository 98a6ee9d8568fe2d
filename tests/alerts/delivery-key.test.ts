/**
 * The dedup key of a digest delivery is stored with every delivery: a re-plan (after a crash, or by
 * a later release) must compute the very same string, or it would plan the message a second time.
 */
import { describe, expect, it } from 'vitest';
import { deliveryKey } from '../../src/delivery/policy.js';

describe('deliveryKey', () => {
  it('is the sha256 hex of "recipient|channel|sorted ids" (UTF-8), as stored by earlier releases', () => {
    // Pinned values: sha256 of 'person:13800000001|aliyun_sms|4,30,200' and of 'robot:wecom:县委组织部|*|1,2'.
    expect(deliveryKey('person:13800000001', 'aliyun_sms', [30, 4, 200])).toBe('dbfaecb537c1277fe57f88cdb5f82ae447306d7414a4efb52941394fb7a0ec13');
    expect(deliveryKey('robot:wecom:县委组织部', '*', [2, 1])).toBe('c44af4f12ea8e7a5829d89be1db47503859a1bb59180848bbba7dcd0123602ee');
  });
});
