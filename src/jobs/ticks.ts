/**
 * Schedule tick arithmetic: the latest scheduled time of a cron expression at or before an instant
 * (Asia/Shanghai), and the deterministic BullMQ job id of a tick. Every daemon derives the same id
 * from (kind, tick time), so two daemons on one Redis enqueue a tick once.
 */
import cron from 'node-cron';
import { DAY_MS, SHANGHAI_OFFSET_MS } from '../domain/calendar.js';

/** The schedules' time zone (fixed: China has no DST, so ticks are plain UTC+8 arithmetic). */
export const SCHEDULE_TZ = 'Asia/Shanghai';

/** How far back the search for a previous tick goes (a yearly schedule needs a little over a year). */
const MAX_LOOKBACK_DAYS = 400;

/**
 * The latest instant ≤ `t` that `expr` fires at (Shanghai time), or null if none within ~400 days.
 * Day matching is delegated to node-cron's own matcher so "L", "1#2" and the day-of-month AND
 * day-of-week rule mean exactly what they mean when node-cron fires.
 */
export function latestTickAtOrBefore(expr: string, t: number): number | null {
  const f = cron.parse(expr);
  const times: number[] = [];
  for (const h of f.hour) for (const m of f.minute) for (const s of f.second) times.push((h * 3600 + m * 60 + s) * 1000);
  times.sort((a, b) => a - b);
  if (times.length === 0) return null;
  const task = cron.createTask(expr, () => undefined, { timezone: SCHEDULE_TZ });
  try {
    const todayStart = Math.floor((t + SHANGHAI_OFFSET_MS) / DAY_MS) * DAY_MS - SHANGHAI_OFFSET_MS;
    for (let d = 0; d <= MAX_LOOKBACK_DAYS; d++) {
      const day = todayStart - d * DAY_MS;
      if (!task.match(new Date(day + times[0]!))) continue;
      for (let i = times.length - 1; i >= 0; i--) {
        if (day + times[i]! <= t) return day + times[i]!;
      }
    }
    return null;
  } finally {
    void task.destroy();
  }
}

/** Floor an instant to the whole second (node-cron's context dates carry milliseconds of lateness). */
export function floorSecond(t: number): number {
  return Math.floor(t / 1000) * 1000;
}

/** 'YYYYMMDDTHHmmss' in Shanghai time: readable, sortable, no ':' (BullMQ forbids it in ids). */
export function tickStamp(tickAt: number): string {
  const iso = new Date(tickAt + SHANGHAI_OFFSET_MS).toISOString(); // 2026-11-02T08:30:00.000Z (Shanghai wall time)
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}T${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}`;
}

/** The BullMQ job id of a schedule tick: 'tick-evaluate-20261102T083000' (never all digits, no ':'). */
export function tickJobId(kind: string, tickAt: number): string {
  return `tick-${kind}-${tickStamp(tickAt)}`;
}

/** The BullMQ job id of a delivery. */
export function deliveryJobId(deliveryId: number): string {
  return `delivery-${deliveryId}`;
}

/**
 * The BullMQ job id of a batch of deliveries: its first id, its size and a hash of every id
 * ('deliveries-1201-100-5f1c09ab'), so the same batch added twice (two drainers, a forced drain of an
 * unchanged outbox) is one job, and two different batches practically never share one (if they did,
 * the second's deliveries would wait for the sweeper, drainer.ts sweepStuck).
 */
export function batchJobId(ids: readonly number[]): string {
  let h = 0x811c9dc5; // FNV-1a over the ids' 32-bit values
  for (const id of ids) {
    for (let k = 0; k < 32; k += 8) {
      h ^= (id >>> k) & 0xff;
      h = Math.imul(h, 0x01000193);
    }
  }
  return `deliveries-${ids[0]}-${ids.length}-${(h >>> 0).toString(16).padStart(8, '0')}`;
}

/** Whether node-cron accepts the expression (config validation already checked the 5-field shape). */
export function isValidCron(expr: string): boolean {
  return cron.validate(expr);
}
