/**
 * planDeliveries: turn the unplanned outbox into digests and deliveries, in ONE synchronous
 * transaction with marking the outbox rows planned (a crash re-plans the same rows, and the
 * dedup keys make that harmless). Quiet hours set every delivery's not_before.
 */
import type { Config } from '../config/schema.js';
import { shanghaiDate } from '../domain/calendar.js';
import { nextAllowedTime, workCalendar } from '../domain/workdays.js';
import { physicalChannel, robotsFor } from '../notifiers/config.js';
import type { ChannelName } from '../notifiers/types.js';
import type { Db } from '../store/db.js';
import { inTransaction } from '../store/alerts.js';
import { orgContacts, smsCountsOn, unplannedOutbox, writePlan, type DigestPlan } from '../store/deliveries.js';
import { chooseSends, deliveryKey, planDigests, type PlanPolicy } from './plan.js';

/** The config sections planning reads. */
export type PlanConfig = Pick<Config, 'routing' | 'channels' | 'delivery' | 'calendar'>;

/** What a planning run did. */
export interface PlanResult {
  /** Outbox rows taken. */
  outbox: number;
  /** Rows skipped because their alert was resolved or acknowledged before planning. */
  stale: number;
  digests: number;
  deliveries: number;
  /** SMS dropped for the daily cap (the email carries the message). */
  cappedSms: number;
  /** Events nobody could be told (no contact or no usable channel). */
  unreachable: number;
  /** Earliest send time of this run's deliveries (quiet hours), epoch ms. */
  notBefore: number;
}

/** The planning policy of a config and the channels that can send. */
export function planPolicy(config: PlanConfig, available: Iterable<ChannelName>): PlanPolicy {
  return {
    routing: config.routing,
    smsChannel: physicalChannel(config.channels, 'sms'),
    available: new Set(available),
    robotsFor: (channel, committee) => robotsFor(config.channels, channel, committee),
  };
}

/** When deliveries planned at `now` may go out (quiet hours, working days). */
export function sendTime(config: Pick<Config, 'delivery' | 'calendar'>, now: number): number {
  return nextAllowedTime(now, config.delivery.quiet_hours, workCalendar(config.calendar));
}

/**
 * Plan deliveries for every unplanned outbox row as of `now`: one digest per recipient, channels
 * from routing among `available`, SMS capped per recipient and day.
 */
export function planDeliveries(db: Db, config: PlanConfig, available: Iterable<ChannelName>, now: number): PlanResult {
  const policy = planPolicy(config, available);
  const notBefore = sendTime(config, now);
  const sendDay = shanghaiDate(notBefore);
  const cap = config.delivery.sms_daily_cap;
  return inTransaction(db, () => {
    const entries = unplannedOutbox(db);
    const notes = new Map<number, string>();
    const live = [];
    for (const e of entries) {
      if (e.alertState === 'open') live.push(e.item);
      else notes.set(e.item.eventId, `skipped: alert ${e.alertState} before planning`);
    }
    const orgs = orgContacts(db, live.map((i) => i.org));
    const { digests, unreachable } = planDigests(live, orgs, policy, now);
    const phones = digests.map((d) => d.contacts.phone).filter((p): p is string => p !== null);
    const counts = smsCountsOn(db, phones, sendDay);
    let cappedSms = 0;
    const planned = new Set<number>();
    const plans: DigestPlan[] = [];
    for (const d of digests) {
      const phone = d.contacts.phone;
      const { sends, smsCapped } = chooseSends(d, policy.smsChannel, phone ? (counts.get(phone) ?? 0) : 0, cap);
      if (smsCapped) cappedSms++;
      if (phone && sends.some((s) => s.logical === 'sms')) counts.set(phone, (counts.get(phone) ?? 0) + 1);
      const ids = d.items.map((i) => i.eventId);
      plans.push({ digest: d, sends, keys: sends.map((s) => deliveryKey(d.recipientKey, s.channel, ids)) });
      for (const id of ids) if (sends.length) planned.add(id);
    }
    const nobody = new Set(unreachable);
    for (const i of live) {
      if (planned.has(i.eventId)) notes.set(i.eventId, 'planned');
      else if (nobody.has(i.eventId)) notes.set(i.eventId, 'unreachable: no contact or channel');
      else notes.set(i.eventId, 'not sent: daily SMS cap reached and no other channel');
    }
    const written = writePlan(db, plans, notBefore, sendDay, notes, now);
    return {
      outbox: entries.length,
      stale: entries.length - live.length,
      digests: written.digests,
      deliveries: written.deliveries,
      cappedSms,
      unreachable: unreachable.length,
      notBefore,
    };
  });
}
