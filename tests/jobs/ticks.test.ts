import { describe, expect, it } from 'vitest';
import { latestTickAtOrBefore, tickJobId, tickStamp } from '../../src/jobs/ticks.js';
import { at } from './setup.js';

describe('schedule tick arithmetic (Asia/Shanghai)', () => {
  it('finds the latest daily tick at or before an instant', () => {
    expect(latestTickAtOrBefore('30 8 * * *', at('2026-11-02T10:00'))).toBe(at('2026-11-02T08:30'));
    expect(latestTickAtOrBefore('30 8 * * *', at('2026-11-02T08:30'))).toBe(at('2026-11-02T08:30'));
    expect(latestTickAtOrBefore('30 8 * * *', at('2026-11-02T08:29:59'))).toBe(at('2026-11-01T08:30'));
  });

  it('treats a Shanghai morning as the same Shanghai day even though it is the previous day in UTC', () => {
    // 2026-11-02T07:00+08 is 2026-11-01T23:00Z: the 06:00 tick of 2 November (Shanghai) is the latest.
    expect(latestTickAtOrBefore('0 6 * * *', at('2026-11-02T07:00'))).toBe(at('2026-11-02T06:00'));
  });

  it('finds the latest quarterly and yearly report ticks, months back', () => {
    expect(latestTickAtOrBefore('0 9 2 1,4,7,10 *', at('2026-11-02T10:00'))).toBe(at('2026-10-02T09:00'));
    expect(latestTickAtOrBefore('0 9 2 1 *', at('2026-11-02T10:00'))).toBe(at('2026-01-02T09:00'));
    expect(latestTickAtOrBefore('0 9 2 * *', at('2026-11-02T08:59'))).toBe(at('2026-10-02T09:00'));
  });

  it('respects weekdays as node-cron does (Monday to Friday only)', () => {
    // 2026-11-01 is a Sunday, 2026-10-31 a Saturday.
    expect(latestTickAtOrBefore('30 8 * * 1-5', at('2026-11-01T12:00'))).toBe(at('2026-10-30T08:30'));
  });

  it('derives a deterministic job id without ":" that is not all digits', () => {
    const t = at('2026-11-02T08:30');
    expect(tickStamp(t)).toBe('20261102T083000');
    expect(tickJobId('evaluate', t)).toBe('tick-evaluate-20261102T083000');
    expect(tickJobId('evaluate', t)).toBe(tickJobId('evaluate', t));
    expect(tickJobId('report_monthly', t)).not.toMatch(/:|^\d+$/);
  });
});
