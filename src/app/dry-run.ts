/**
 * The preview's dry run: a Store over the real one on which the evaluate tick runs unchanged but
 * writes nothing. Its two write transactions load what the adapters would load — read only, no
 * lock (alerts.reconcileLoad, outbox.unplanned and the ordinary reads) — call the same pure
 * `decide`, and keep what they would have written in memory: alert changes (new alerts and events
 * get ids above any real one), the outbox rows those notify, and the deliveries a plan would insert
 * (dedup keys respected, SMS counted across chunks). Every other write the tick could reach throws.
 * The cost is one evaluation's reads, not a copy of the database; the daemon is never blocked.
 */
import type { AlertChanges, AlertIdentity, AlertsRepo, OutboxRepo, ReconcileLoad, Store } from '../store/port.js';
import type { AlertRow, NewEvent } from '../store/types/alerts.js';
import type { PendingSend } from '../store/types/console.js';
import type { DigestItem } from '../domain/digest.js';
import type { OutboxEntry, OutboxPlanWrite, PlanWriteResult } from '../store/types/deliveries.js';

/** Ids of what only the dry run holds start here: above any id a table of this store reaches, below 2^53. */
export const DRY_IDS_FROM = 4_000_000_000_000_000;

const keyOf = (a: { org: string; rule: string; period: string }) => `${a.org}\u0000${a.rule}\u0000${a.period}`;

/** An outbox row the dry run wrote (in memory). */
interface DryOutbox {
  eventId: number;
  alertId: number;
  event: NewEvent;
}

export interface DryRun {
  /** The store to run the tick on. */
  store: Store;
  /** The deliveries the run would have inserted, in insertion order, as console.pendingSends() would list them. */
  sends(): PendingSend[];
}

const refuse = (what: string) => () => {
  throw new Error(`the preview's dry run must not write (${what})`);
};

export function dryRunStore(real: Store): DryRun {
  let next = DRY_IDS_FROM;
  /** Alerts the run changed or created, as they would be afterwards. */
  const alerts = new Map<number, AlertRow>();
  /** Outbox rows the run wrote and has not planned yet, by event id. */
  const outbox = new Map<number, DryOutbox>();
  /** Real outbox rows the run planned (the real ones stay unplanned). */
  const plannedReal = new Set<number>();
  const keys = new Set<string>();
  const sends: PendingSend[] = [];
  /** SMS the run planned, per send day and phone. */
  const sms = new Map<string, Map<string, number>>();
  /** Parent committee code of an org ('' for none), as the outbox's chunks group it. */
  const committeeOf = new Map<string, string>();

  const noteCommittees = async (orgs: Iterable<string>) => {
    const missing = [...new Set(orgs)].filter((o) => !committeeOf.has(o));
    if (!missing.length) return;
    const h = await real.orgs.headers(missing);
    for (const o of missing) committeeOf.set(o, h.get(o)?.parent ?? '');
  };

  /** The real load with the run's own changes laid over it (a later transaction sees the earlier ones'). */
  const overlay = (load: ReconcileLoad, input: { orgs: readonly string[] | null; identities: readonly AlertIdentity[] }): ReconcileLoad => {
    if (!alerts.size) return load;
    const scope = input.orgs === null ? null : new Set(input.orgs);
    const asked = new Set(input.identities.map(keyOf));
    const open: AlertRow[] = [];
    const others: AlertRow[] = [];
    const put = (a: AlertRow) => {
      if (a.state === 'open' || a.state === 'acknowledged') {
        if (!scope || scope.has(a.org)) open.push(a);
      } else if (asked.has(keyOf(a))) others.push(a);
    };
    const seen = new Set<number>();
    for (const a of [...load.open, ...load.others]) {
      seen.add(a.id);
      put(alerts.get(a.id) ?? a);
    }
    for (const a of alerts.values()) if (!seen.has(a.id)) put(a);
    return { open, others, warnedAt: load.warnedAt };
  };

  const apply = (changes: AlertChanges, loaded: ReadonlyMap<number, AlertRow>, now: number) => {
    for (const ins of changes.inserts) {
      const id = next++;
      alerts.set(id, { ...ins.row, id });
      const eventId = next++;
      if (ins.notify) outbox.set(eventId, { eventId, alertId: id, event: ins.event });
    }
    for (const u of changes.updates) {
      const old = alerts.get(u.id) ?? loaded.get(u.id);
      if (!old) throw new Error(`the preview's dry run changed alert ${u.id}, which it did not load`);
      if (Object.keys(u.patch).length || u.event) alerts.set(u.id, { ...old, ...u.patch, updatedAt: now });
      if (!u.event) continue;
      const eventId = next++;
      if (u.notify) outbox.set(eventId, { eventId, alertId: u.id, event: u.event });
    }
  };

  const reconcile: AlertsRepo['reconcile'] = async (input, decide) => {
    const load = overlay(await real.alerts.reconcileLoad(input), input);
    const loaded = new Map([...load.open, ...load.others].map((a) => [a.id, a]));
    const { changes, result } = decide(load);
    apply(changes, loaded, input.now);
    return result;
  };

  /** An outbox row as the adapters load it: the event's kind, reason and level, the alert's identity and current state. */
  const entryOf = (o: DryOutbox): OutboxEntry => {
    const a = alerts.get(o.alertId)!;
    const repeat = o.event.detail?.repeat;
    const item: DigestItem = {
      eventId: o.eventId, alertId: a.id, kind: o.event.kind, reason: o.event.reason, level: o.event.level,
      org: a.org, rule: a.rule, period: a.period, dueAt: a.dueAt, message: a.message,
      ...(typeof repeat === 'number' && repeat ? { repeat } : {}),
    };
    return { item, alertState: a.state as OutboxEntry['alertState'] };
  };
  /** A real outbox row whose alert the run changed: the alert as it would be. */
  const fresh = (e: OutboxEntry): OutboxEntry => {
    const a = alerts.get(e.item.alertId);
    return a ? { item: { ...e.item, org: a.org, rule: a.rule, period: a.period, dueAt: a.dueAt, message: a.message }, alertState: a.state as OutboxEntry['alertState'] } : e;
  };

  const record = async (write: OutboxPlanWrite, now: number): Promise<PlanWriteResult> => {
    const out: PlanWriteResult = { digests: 0, deliveries: 0 };
    for (const p of write.plans) {
      // Keys of digests of new events cannot exist; those of real rows may (a plan interrupted before).
      const realEvents = p.digest.items.every((i) => i.eventId < DRY_IDS_FROM);
      let any = false;
      for (const [n, send] of p.sends.entries()) {
        const key = p.keys[n]!;
        if (keys.has(key) || (realEvents && (await real.deliveries.byKey(key)))) continue;
        keys.add(key);
        any = true;
        out.deliveries++;
        sends.push({
          id: next++, channel: send.channel, recipient: send.recipient, recipientName: p.digest.recipientName, level: p.digest.level,
          notBefore: write.notBefore, createdAt: now, items: p.digest.items.length,
          orgs: [...new Set(p.digest.items.map((i) => i.org))].join(','), kind: 'alert',
        });
        if (send.logical === 'sms') {
          const day = sms.get(write.sendDay) ?? new Map<string, number>();
          sms.set(write.sendDay, day.set(send.recipient, (day.get(send.recipient) ?? 0) + 1));
        }
      }
      if (any) out.digests++;
    }
    for (const eventId of write.notes.keys()) {
      if (!outbox.delete(eventId)) plannedReal.add(eventId);
    }
    return out;
  };

  const plan: OutboxRepo['plan'] = async (spec, decide) => {
    const wanted = spec.committees === undefined ? null : new Set(spec.committees);
    const own = [...outbox.values()];
    await noteCommittees(own.map((o) => alerts.get(o.alertId)!.org));
    const entries = [
      ...(await real.outbox.unplanned(spec.committees)).filter((e) => !plannedReal.has(e.item.eventId)).map(fresh),
      // Their event ids are above every real one: still oldest first.
      ...own.filter((o) => !wanted || wanted.has(committeeOf.get(alerts.get(o.alertId)!.org)!)).map(entryOf),
    ];
    const contacts = await real.orgs.contacts(entries.filter((e) => e.alertState === 'open').map((e) => e.item.org));
    const phones = spec.phonesOf(contacts);
    const smsCounts = phones.length ? await real.deliveries.smsCounts(phones, spec.sendDay) : new Map<string, number>();
    const mine = sms.get(spec.sendDay);
    if (mine) for (const p of phones) if (mine.has(p)) smsCounts.set(p, (smsCounts.get(p) ?? 0) + mine.get(p)!);
    const { write, result } = decide({ entries, contacts, smsCounts });
    return { result, written: await record(write, spec.now) };
  };

  const unplannedByCommittee: OutboxRepo['unplannedByCommittee'] = async () => {
    const counts = new Map((await real.outbox.unplannedByCommittee()).map((r) => [r.committee, r.rows]));
    const add = (c: string, n: number) => counts.set(c, (counts.get(c) ?? 0) + n);
    if (plannedReal.size) {
      const gone = (await real.outbox.unplanned()).filter((e) => plannedReal.has(e.item.eventId));
      await noteCommittees(gone.map((e) => e.item.org));
      for (const e of gone) add(committeeOf.get(e.item.org)!, -1);
    }
    const own = [...outbox.values()].map((o) => alerts.get(o.alertId)!.org);
    await noteCommittees(own);
    for (const org of own) add(committeeOf.get(org)!, 1);
    return [...counts]
      .filter(([, rows]) => rows > 0)
      .map(([committee, rows]) => ({ committee, rows }))
      .sort((a, b) => (a.committee < b.committee ? -1 : a.committee > b.committee ? 1 : 0));
  };

  const store: Store = {
    ...real,
    alerts: { ...real.alerts, reconcile, amend: refuse('alerts.amend') },
    outbox: { ...real.outbox, plan, unplannedByCommittee },
    reports: { ...real.reports, storeAndPlan: refuse('reports.storeAndPlan'), store: refuse('reports.store') },
    runs: { ...real.runs, claimTick: refuse('runs.claimTick'), startRun: refuse('runs.startRun'), finishRun: refuse('runs.finishRun') },
    // Live figures the tick computes are dropped; durable re-evaluation requests are left to the daemon.
    live: { ...real.live, write: async () => {}, prune: async () => 0 },
    reevaluations: { ...real.reevaluations, claim: async () => null, done: async () => 0, request: refuse('reevaluations.request') },
    migrate: refuse('migrate'),
    // A preview changes nothing on the server, planner statistics included.
    refreshStatistics: async () => [],
    close: async () => {},
  };
  return { store, sends: () => [...sends] };
}
