/**
 * planDeliveries: turn the unplanned outbox into digests and deliveries, chunk by chunk: the rows of
 * the branches under a group of committees (about PLAN_CHUNK_ROWS rows) in ONE store transaction
 * (`outbox.plan`: load → decide (pure) → apply, marking them planned; a crash re-plans the chunk's
 * rows, and the dedup keys make that harmless; finished chunks stay planned). A province's 200,000
 * alerts planned at once held over a GiB; a chunk holds a few tens of MiB. A committee's branches
 * never straddle chunks, so its secretary and robots get one digest as before; only a person reached
 * through branches of two committees in different chunks gets two digests (each event still exactly
 * once). Quiet hours set every delivery's not_before.
 */
import { paceHeap } from '../heap-pace.js';
import { onLeave as onLeaveAt } from '../domain/exemptions.js';
import type { Config } from '../config/schema.js';
import { shanghaiDate } from '../domain/calendar.js';
import { sendTime } from '../delivery/schedule.js';
import { physicalChannel, robotsFor } from '../notifiers/config.js';
import type { ChannelName } from '../notifiers/types.js';
import type { Store } from '../store/port.js';
import type { DigestPlan, OutboxPlanLoad, OutboxPlanWrite } from '../store/types/deliveries.js';
import { committeeChunks } from '../store/plan-chunks.js';
import { chooseSends, deliveryKey, normalizePhone, planDigests, type OrgContacts, type PlanPolicy } from './plan.js';
import { keyIds } from '../delivery/policy.js';
import { backlogDue, backlogPhones, planBacklog, type BacklogCounter } from './backlog.js';

/** The config sections planning reads. */
export type PlanConfig = Pick<Config, 'routing' | 'channels' | 'delivery' | 'calendar'>;

/**
 * Plan the go-live backlog summary to the admins when due (see backlog.ts); returns the deliveries
 * written — 0 on every later cycle, since the summary's keys exist by then.
 */
export async function planBacklogSummary(
  store: Store,
  config: PlanConfig & Pick<Config, 'alerts'>,
  available: Iterable<ChannelName>,
  counter: BacklogCounter,
  now: number,
  sendFrom = now,
): Promise<number> {
  if (!backlogDue(config, counter, now)) return 0;
  const committees = counter.model(config.alerts.start_from!, () => null).byCommittee.flatMap((c) => (c.code === null ? [] : [c.code]));
  const headers = await store.orgs.headers(committees);
  const nameOf = (code: string | null) => (code === null ? null : (headers.get(code)?.name ?? null));
  const model = counter.model(config.alerts.start_from!, nameOf);
  const policy = planPolicy(config, available);
  const notBefore = sendTime(config, now, sendFrom);
  const sendDay = shanghaiDate(notBefore);
  // Its own plan transaction, loading no outbox rows (committees: []): only the summary is written,
  // with the admins' SMS of the send day read in it, so the daily cap holds.
  const { written } = await store.outbox.plan({ sendDay, now, committees: [], phonesOf: () => backlogPhones(config) }, ({ smsCounts }) => ({
    write: { plans: planBacklog(config, model, policy, now, { cap: config.delivery.sms_daily_cap, today: smsCounts }), notes: new Map(), notBefore, sendDay },
    result: null,
  }));
  return written.deliveries;
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
    copyDeputy: config.routing.copy_deputy,
  };
}

export { sendTime };

/** Outbox rows planned per transaction (rounded to whole committees). */
export const PLAN_CHUNK_ROWS = 20_000;

/**
 * Heap growth between planning's paced full collections (../heap-pace.ts). Each chunk's loads, plans
 * and statement parameters (tens of MiB at 20,000 rows) are garbage once written, but V8 let them pile
 * up to ~700 MiB before collecting on a 250,000-branch later day (1,036 MiB peak RSS, the live helper
 * beside it); the live set is ~160 MiB.
 */
export const PLAN_PACE_STEP = 256 * 2 ** 20;

/** How planDeliveries runs: rows per transaction, when the run really happens (see sendTime). */
export interface PlanRunOptions {
  chunkRows?: number;
  sendFrom?: number;
  /** Called after each chunk is written (default: paceHeap(PLAN_PACE_STEP)). */
  afterChunk?: () => void;
}

const paceAfterChunk = () => paceHeap(PLAN_PACE_STEP);

/**
 * Plan deliveries for every unplanned outbox row as of `now`: one digest per recipient, channels
 * from routing among `available`, SMS capped per recipient and day (counted across chunks: each
 * chunk's transaction sees the deliveries the earlier ones planned).
 */
export async function planDeliveries(store: Store, config: PlanConfig, available: Iterable<ChannelName>, now: number, opts: PlanRunOptions = {}): Promise<PlanResult> {
  const chunkRows = opts.chunkRows ?? PLAN_CHUNK_ROWS;
  // Secretaries on leave now: their messages go to the deputy (read once per run; leaves change rarely).
  const onLeave = new Set((await store.leaves.list({ since: shanghaiDate(now) })).filter((l) => onLeaveAt(l, now)).map((l) => l.org));
  const policy = { ...planPolicy(config, available), onLeave };
  const notBefore = sendTime(config, now, opts.sendFrom);
  const sendDay = shanghaiDate(notBefore);
  const total: PlanResult = { outbox: 0, stale: 0, digests: 0, deliveries: 0, cappedSms: 0, unreachable: 0, notBefore };
  for (const committees of committeeChunks(await store.outbox.unplannedByCommittee(), chunkRows)) {
    const { result: r, written } = await store.outbox.plan({ sendDay, now, committees, phonesOf: phonesOfContacts }, (load) =>
      decidePlan(load, policy, config.delivery.sms_daily_cap, notBefore, sendDay, now),
    );
    for (const k of ['outbox', 'stale', 'cappedSms', 'unreachable'] as const) total[k] += r[k];
    total.digests += written.digests;
    total.deliveries += written.deliveries;
    (opts.afterChunk ?? paceAfterChunk)();
  }
  return total;
}

/** Every phone a digest of these orgs may be sent to (normalised as planning does): whose SMS count the plan loads. */
export function phonesOfContacts(contacts: ReadonlyMap<string, OrgContacts>): string[] {
  const out = new Set<string>();
  for (const o of contacts.values()) {
    for (const p of [o.secretaryPhone, o.clerkPhone, o.deputyPhone]) if (p?.trim()) out.add(normalizePhone(p));
  }
  return [...out];
}

/** What one chunk's plan decided (the digests and deliveries written are counted by the store). */
type ChunkCounts = Pick<PlanResult, 'outbox' | 'stale' | 'cappedSms' | 'unreachable'>;

/** Plan one chunk's outbox rows over what the store loaded (pure). */
export function decidePlan(
  load: OutboxPlanLoad,
  policy: PlanPolicy,
  cap: number,
  notBefore: number,
  sendDay: string,
  now: number,
): { write: OutboxPlanWrite; result: ChunkCounts } {
  const { entries } = load;
  const notes = new Map<number, string>();
  const live = [];
  for (const e of entries) {
    if (e.alertState === 'open') live.push(e.item);
    else notes.set(e.item.eventId, `skipped: alert ${e.alertState} before planning`);
  }
  const { digests, unreachable } = planDigests(live, load.contacts, policy, now);
  const counts = new Map(load.smsCounts);
  let cappedSms = 0;
  const planned = new Set<number>();
  const plans: DigestPlan[] = [];
  for (const d of digests) {
    const phone = d.contacts.phone;
    const { sends, smsCapped } = chooseSends(d, policy.smsChannel, phone ? (counts.get(phone) ?? 0) : 0, cap);
    if (smsCapped) cappedSms++;
    if (phone && sends.some((s) => s.logical === 'sms')) counts.set(phone, (counts.get(phone) ?? 0) + 1);
    const ids = keyIds(d.items.map((i) => i.eventId));
    plans.push({ digest: d, sends, keys: sends.map((s) => deliveryKey(d.recipientKey, s.channel, ids)) });
    if (sends.length) for (const i of d.items) planned.add(i.eventId);
  }
  const nobody = new Set(unreachable);
  for (const i of live) {
    if (planned.has(i.eventId)) notes.set(i.eventId, 'planned');
    else if (nobody.has(i.eventId)) notes.set(i.eventId, 'unreachable: no contact or channel');
    else notes.set(i.eventId, 'not sent: daily SMS cap reached and no other channel');
  }
  return {
    write: { plans, notes, notBefore, sendDay },
    result: { outbox: entries.length, stale: entries.length - live.length, cappedSms, unreachable: unreachable.length },
  };
}
