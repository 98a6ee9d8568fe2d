/**
 * planDeliveries: turn the unplanned outbox into digests and deliveries, chunk by chunk: the rows of
 * the branches under a group of committees (about PLAN_CHUNK_ROWS rows) in ONE synchronous
 * transaction with marking them planned (a crash re-plans the chunk's rows, and the dedup keys make
 * that harmless; finished chunks stay planned). A province's 200,000 alerts planned at once held
 * over a GiB; a chunk holds a few tens of MiB. A committee's branches never straddle chunks, so its
 * secretary and robots get one digest as before; only a person reached through branches of two
 * committees in different chunks gets two digests (each event still exactly once). Quiet hours set
 * every delivery's not_before.
 */
import type { Config } from '../config/schema.js';
import { shanghaiDate } from '../domain/calendar.js';
import { nextAllowedTime, workCalendar } from '../domain/workdays.js';
import { physicalChannel, robotsFor } from '../notifiers/config.js';
import type { ChannelName } from '../notifiers/types.js';
import type { Db } from '../store/sqlite/db.js';
import { inTransaction } from '../store/sqlite/alerts.js';
import { orgContacts, smsCountsOn, writePlan, type DigestPlan, type OutboxEntry } from '../store/sqlite/deliveries.js';
import { committeeChunks, unplannedByCommittee, unplannedOutboxUnder } from '../store/plan-chunks.js';
import { chooseSends, deliveryKey, planDigests, type PlanPolicy } from './plan.js';
import { backlogDue, planBacklog, type BacklogCounter } from './backlog.js';
import { orgHeadersByCode } from '../store/sqlite/facts.js';

/** The config sections planning reads. */
export type PlanConfig = Pick<Config, 'routing' | 'channels' | 'delivery' | 'calendar'>;

/**
 * Plan the go-live backlog summary to the admins when due (see backlog.ts); returns the deliveries
 * written — 0 on every later cycle, since the summary's keys exist by then.
 */
export function planBacklogSummary(
  db: Db,
  config: PlanConfig & Pick<Config, 'alerts'>,
  available: Iterable<ChannelName>,
  counter: BacklogCounter,
  now: number,
): number {
  if (!backlogDue(config, counter, now)) return 0;
  const names = new Map<string | null, string | null>();
  const nameOf = (code: string | null) => {
    if (code === null) return null;
    if (!names.has(code)) names.set(code, orgHeadersByCode(db, [code]).get(code)?.name ?? null);
    return names.get(code)!;
  };
  const plans = planBacklog(config, counter.model(config.alerts.start_from!, nameOf), planPolicy(config, available), now);
  const notBefore = sendTime(config, now);
  return inTransaction(db, () => writePlan(db, plans, notBefore, shanghaiDate(notBefore), new Map(), now).deliveries);
}

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

/** Outbox rows planned per transaction (rounded to whole committees). */
export const PLAN_CHUNK_ROWS = 20_000;

/**
 * Plan deliveries for every unplanned outbox row as of `now`: one digest per recipient, channels
 * from routing among `available`, SMS capped per recipient and day (counted across chunks: each
 * chunk sees the deliveries the earlier ones planned).
 */
export function planDeliveries(db: Db, config: PlanConfig, available: Iterable<ChannelName>, now: number, chunkRows = PLAN_CHUNK_ROWS): PlanResult {
  const policy = planPolicy(config, available);
  const notBefore = sendTime(config, now);
  const total: PlanResult = { outbox: 0, stale: 0, digests: 0, deliveries: 0, cappedSms: 0, unreachable: 0, notBefore };
  for (const committees of committeeChunks(unplannedByCommittee(db), chunkRows)) {
    const r = inTransaction(db, () => planChunk(db, unplannedOutboxUnder(db, committees), policy, config.delivery.sms_daily_cap, notBefore, now));
    for (const k of ['outbox', 'stale', 'digests', 'deliveries', 'cappedSms', 'unreachable'] as const) total[k] += r[k];
  }
  return total;
}

/** Plan one chunk's outbox rows (inside the caller's transaction). */
function planChunk(db: Db, entries: readonly OutboxEntry[], policy: PlanPolicy, cap: number, notBefore: number, now: number): Omit<PlanResult, 'notBefore'> {
  const sendDay = shanghaiDate(notBefore);
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
  };
}
