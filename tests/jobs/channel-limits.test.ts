import { describe, expect, it } from 'vitest';
import { CHANNEL_LIMITS, channelLimits } from '../../src/jobs/queues.js';
import { shippedConfig } from '../helpers/config.js';

describe('delivery queue limits from config', () => {
  it('sends email with as many in flight as channels.email.max_connections, the rest unchanged', () => {
    const c = shippedConfig();
    expect(channelLimits(c).email.concurrency).toBe(2);
    c.channels.email.max_connections = 7;
    const limits = channelLimits(c);
    expect(limits.email.concurrency).toBe(7);
    expect(limits.wecom).toEqual(CHANNEL_LIMITS.wecom);
    expect(limits.http_sms).toEqual(CHANNEL_LIMITS.http_sms);
  });
});
