/**
 * The transactions of the port on PostgreSQL: load → decide (pure) → apply, each under the named
 * advisory transaction lock that stands in for SQLite's whole-database write lock, taken before
 * the load so every daemon on every host decides on what the previous holder committed:
 * "alerts" (reconcile, amend), "sms-day" (plan, give-up, report mail: SMS counted and the deliveries
 * that count written under one lock, so the daily cap holds exactly), "reports:<period>".
 */
import type pg from 'pg';
import type { OrgContacts } from '../../domain/digest.js';
import type { AlertChanges, AlertIdentity, AlertTarget, AmendLoad, LinkAckLoad, ReconcileLoad, ReportPlanLoad } from '../port.js';
import type { AuditEntry } from '../types/accounts.js';
import { writeAudit } from './accounts.js';
import type { AlertRow } from '../types/alerts.js';
import type {
  AttemptRow,
  DeliveryClaimRow,
  FallbackPolicy,
  LoadedFallbackCandidate,
  NewAckLinkRow,
  OutboxEntry,
  OutboxPlanLoad,
  OutboxPlanWrite,
  PendingDeliveryRow,
  PlanWriteResult,
  ReportSend,
  ReportToPlan,
  StoredDelivery,
} from '../types/deliveries.js';
import type { NewRectification, StoredReportInput } from '../types/reports.js';
import { activeAlertsOf, getAlert, orgKindOf } from './alerts.js';
import { ALERT_COLUMNS } from '../rows/alert-columns.js';
import { applyAlertChanges } from './alert-writes.js';
import { LOCKS } from './db.js';
import { reminderNamed } from './rating.js';
import {
  claimDeliveryRow,
  deliveryByKey,
  insertFallback,
  markFailed,
  markSent,
  orgContacts,
  recordAttempt,
  releaseClaim,
  smsCountsOn,
  writePlan,
} from './deliveries.js';
import { missingReports } from '../rows/missing-reports.js';
import { ackLinkById, insertAckLinks } from './ack-links.js';
import { unplannedReports, writeReportPlan } from './report-mails.js';
import { one, rows, tx, type Q, type Tx } from './q.js';
import { storedDeliveryFromRow } from '../rows/stored-delivery.js';
import { warnedSql } from './alert-history.js';
import { unplannedOutboxAll, unplannedOutboxUnder } from './plan-chunks.js';

/** The lock of a report period: a key of its own per period (hashed by the server). */
const reportsLock = async (c: Tx, period: string) => {
  await c.query("SELECT pg_advisory_xact_lock(hashtextextended('orglife:reports:' || $1, 0))", [period]);
};

const keyOf = (a: { org: string; rule: string; period: string }) => `${a.org}\u0000${a.rule}\u0000${a.period}`;

const SELECT_ALERT = `SELECT ${Object.entries(ALERT_COLUMNS)
  .map(([f, c]) => `a.${c} AS "${f}"`)
  .join(', ')} FROM alerts a`;

/** What reconcile loads: inside its transaction, or (the preview) over the pool without a lock. */
export async function reconcileLoad(q: Q, input: { orgs: readonly string[] | null; identities: readonly AlertIdentity[] }): Promise<ReconcileLoad> {
  const asked = new Map<string, AlertIdentity>();
  for (const i of input.identities) asked.set(keyOf(i), i);
  const ids = [...asked.values()];
  // One round trip: every open alert of the scope (one per (org, rule, period, subject): member rules
  // have several per identity), in id order, and the resolved alerts of the asked identities (a problem
  // that came back). The scope's are read org by org (alerts_state_org; OFFSET 0 keeps the lateral
  // from being flattened): with `a.org = ANY(…)` as a filter, a planner without statistics (autovacuum
  // off, or a cycle's own inserts) read every open alert of the city for each chunk and compared it
  // with each of 500 codes — 48 ms a chunk once a 20,000-branch city has 15,812 open alerts, 3 ms so.
  // The asked identities likewise, one alerts_key probe each (joined, the planner sorted every alert
  // of the city's history for each chunk).
  // The open warnings' first delivery in the same statement (the `warnedAt` column; null elsewhere):
  // one round trip less per chunk than reading it after.
  const warned = `LEFT JOIN LATERAL (SELECT w.warned_at AS at FROM (${warnedSql('a.id', "a.state = 'open' AND a.level = 'warning'")}) w WHERE w.n > 0) w ON true`;
  const list = await rows<AlertRow & { warnedAt?: number | string | null }>(
    q,
    `(${
      input.orgs === null
        ? `${SELECT_ALERT.replace(' FROM alerts a', '')}, w.at AS "warnedAt" FROM alerts a ${warned} WHERE a.state IN ('open', 'acknowledged')`
        : `${SELECT_ALERT.replace(' FROM alerts a', '')}, w.at AS "warnedAt" FROM (SELECT DISTINCT unnest($4::text[]) AS code) o
             CROSS JOIN LATERAL (SELECT * FROM alerts x WHERE x.org = o.code AND x.state IN ('open', 'acknowledged') OFFSET 0) a ${warned}`
    })
     UNION ALL
     (${SELECT_ALERT.replace(' FROM alerts a', '')}, NULL::bigint AS "warnedAt" FROM unnest($1::text[], $2::text[], $3::text[]) AS i(org, rule, period)
       CROSS JOIN LATERAL (SELECT * FROM alerts x WHERE x.org = i.org AND x.rule = i.rule AND x.period = i.period AND x.state NOT IN ('open', 'acknowledged') OFFSET 0) a)`,
    [ids.map((i) => i.org), ids.map((i) => i.rule), ids.map((i) => i.period), ...(input.orgs === null ? [] : [input.orgs])],
  );
  const open = new Map<string, AlertRow>();
  const others: AlertRow[] = [];
  const warnedAt = new Map<number, number>();
  for (const row of list) {
    const { warnedAt: at, ...a } = row;
    if (at !== null && at !== undefined) warnedAt.set(Number(a.id), Number(at));
    if (a.state === 'open' || a.state === 'acknowledged') open.set(String(a.id), a);
    else others.push(a);
  }
  const openList = [...open.values()].sort((x, y) => x.id - y.id);
  return { open: openList, others, warnedAt };
}

/** The unplanned outbox rows plan loads for `committees` (absent = all, [] = none). */
export async function unplannedEntries(q: Q, committees?: readonly string[]): Promise<OutboxEntry[]> {
  return committees === undefined ? unplannedOutboxAll(q) : committees.length ? unplannedOutboxUnder(q, committees) : [];
}

export function reconcileTx<R>(
  pool: pg.Pool,
  input: { orgs: readonly string[] | null; identities: readonly AlertIdentity[]; now: number },
  decide: (load: ReconcileLoad) => { changes: AlertChanges; result: R },
): Promise<R> {
  return tx(
    pool,
    async (c) => {
      const { changes, result } = decide(await reconcileLoad(c, input));
      await applyAlertChanges(c, changes, input.now);
      return result;
    },
    // A chunk lost in a crash is reconciled again by the re-run (nothing outside the database acted on
    // it before a later synchronous commit flushed it): one WAL flush less per chunk (500 a day at 250,000 branches).
    { lock: LOCKS.reconcile, asyncCommit: true },
  );
}

export function amendTx<R>(pool: pg.Pool, target: AlertTarget, now: number, decide: (load: AmendLoad) => { changes: AlertChanges; result: R }): Promise<R> {
  return tx(
    pool,
    async (c) => {
      let load: AmendLoad;
      if ('id' in target) {
        const a = await getAlert(c, target.id);
        load = { alerts: a ? [a] : [], orgKind: a ? await orgKindOf(c, a.org) : undefined };
      } else {
        const kind = await orgKindOf(c, target.org);
        load = { alerts: kind ? await activeAlertsOf(c, target.org) : [], orgKind: kind };
      }
      const { changes, result } = decide(load);
      await applyAlertChanges(c, changes, now);
      return result;
    },
    { lock: LOCKS.reconcile },
  );
}

/** ackLinks.acknowledge: load → decide (pure) → alert changes, link use and audit, one transaction under the "alerts" lock. */
export function linkAckTx<R>(
  pool: pg.Pool,
  id: number,
  now: number,
  decide: (load: LinkAckLoad) => { changes: AlertChanges; audit: readonly AuditEntry[]; result: R },
): Promise<R> {
  return tx(
    pool,
    async (c) => {
      const link = await ackLinkById(c, id);
      const orgs = new Map<string, AmendLoad>();
      for (const org of link?.orgs ?? []) {
        const kind = await orgKindOf(c, org);
        orgs.set(org, { alerts: kind ? await activeAlertsOf(c, org) : [], orgKind: kind });
      }
      const { changes, audit, result } = decide({ link, orgs });
      await applyAlertChanges(c, changes, now);
      if (audit.length) {
        await c.query('UPDATE ack_links SET used_at = coalesce(used_at, $1) WHERE id = $2', [now, id]);
        await writeAudit(c, audit, now);
      }
      return result;
    },
    { lock: LOCKS.reconcile },
  );
}

/** The delivery columns with what the row carries (digest, report or reminder), for `WHERE d.id …`. */
const STORED_DELIVERY_SELECT = `SELECT d.id, d.dedup_key AS "dedupKey", d.channel, d.logical, d.recipient, d.status, d.not_before AS "notBefore",
            d.send_day AS "sendDay", d.attempts, d.claimed_until AS "claimedUntil", d.claimed_by AS "claimedBy", d.sent_at AS "sentAt",
            d.provider_message_id AS "providerMessageId", d.last_error AS "lastError", d.fallback_of AS "fallbackOf",
            d.digest_id AS "digestId", d.report_id AS "reportId", d.route AS "dRoute", d.contacts AS "dContacts",
            d.reminder_id AS "reminderId", m.kind AS "mKind", m.designation_id AS "mDesignation", m.recipient_key AS "mRecipient", m.org AS "mOrg", m.month AS "mMonth", m.subject AS "mSubject", m.text AS "mText", m.sms_params AS "mSms",
            g.recipient_key AS "recipientKey", g.contacts AS "gContacts", g.route AS "gRoute", g.model, g.level,
            CASE WHEN g.id IS NULL THEN NULL ELSE ARRAY(SELECT event_id FROM alert_digest_items WHERE digest_id = g.id ORDER BY event_id) END AS "eventIds",
            CASE WHEN g.id IS NULL THEN NULL ELSE ARRAY(SELECT DISTINCT i.alert_id FROM alert_digest_items i JOIN alerts a ON a.id = i.alert_id
                                                         WHERE i.digest_id = g.id AND a.state <> 'open' ORDER BY i.alert_id) END AS "closedAlerts",
            r.data AS "reportData"
       FROM deliveries d
       LEFT JOIN alert_digests g ON g.id = d.digest_id
       LEFT JOIN reports r ON r.id = d.report_id
       LEFT JOIN reminders m ON m.id = d.reminder_id`;

/** One delivery with what it carries, read from its row (digest_id or report_id). */
export async function storedDelivery(q: Q, id: number): Promise<StoredDelivery | undefined> {
  return (await storedDeliveries(q, [id])).get(id);
}

/** Deliveries with what they carry, by id (one query; ids not found are absent). */
export async function storedDeliveries(q: Q, ids: readonly number[]): Promise<Map<number, StoredDelivery>> {
  const out = new Map<number, StoredDelivery>();
  if (!ids.length) return out;
  const list = await rows<Record<string, unknown>>(q, `${STORED_DELIVERY_SELECT}\n      WHERE d.id = ANY($1::int[])`, [ids]);
  for (const r of list) {
    const d = storedDeliveryFromRow(r, (raw) => raw as number[]);
    if (!d) continue;
    if (d.carries.kind === 'reminder' && d.carries.reminder) d.carries.reminder.named = await reminderNamed(q, d.carries.reminderId);
    out.set(d.id, d);
  }
  return out;
}

/** Claim (see DeliveriesRepo.claim): the claim, the delivery's read and its one-tap link are one transaction. */
export function claim(pool: pg.Pool, id: number, owner: string, now: number, leaseMs: number, linkFor?: (d: StoredDelivery) => NewAckLinkRow | null): Promise<DeliveryClaimRow> {
  return tx(pool, async (q) => {
    const c = await claimDeliveryRow(q, id, owner, now, leaseMs);
    if (c.outcome !== 'send') return c;
    const delivery = await storedDelivery(q, id);
    if (!delivery) return { outcome: 'done', status: 'missing' };
    const link = linkFor?.(delivery);
    if (link) await insertAckLinks(q, [link], now);
    return { outcome: 'send', delivery };
  });
}

const attempt = (q: Q, a: AttemptRow) =>
  recordAttempt(q, {
    deliveryId: a.deliveryId,
    channel: a.channel,
    recipient: a.recipient,
    providerMessageId: a.providerMessageId,
    error: a.error,
    errorCode: a.errorCode,
    permanent: a.permanent,
    durationMs: a.durationMs,
    at: a.startedAt,
  });

export function markSentTx(pool: pg.Pool, a: AttemptRow, now: number): Promise<void> {
  return tx(pool, async (c) => {
    await attempt(c, a);
    await markSent(c, a.deliveryId, a.providerMessageId, now);
  });
}

export function recordFailureTx(pool: pg.Pool, a: AttemptRow): Promise<void> {
  return tx(pool, async (c) => {
    await attempt(c, a);
    await releaseClaim(c, a.deliveryId);
  });
}

export function giveUpTx(pool: pg.Pool, a: AttemptRow, now: number, policy: FallbackPolicy): Promise<PendingDeliveryRow | null> {
  return tx(
    pool,
    async (c) => {
      await attempt(c, a);
      await markFailed(c, a.deliveryId, a.error, now);
      const d = await storedDelivery(c, a.deliveryId);
      if (!d) return null;
      const cands = policy.candidates(d);
      const smsPhones = cands.filter((x) => x.send.logical === 'sms').map((x) => x.send.recipient);
      const counts = smsPhones.length ? await smsCountsOn(c, smsPhones, policy.sendDay) : new Map<string, number>();
      const loaded: LoadedFallbackCandidate[] = [];
      for (const x of cands) {
        loaded.push({ ...x, existing: (await deliveryByKey(c, x.dedupKey)) ?? null, smsCount: x.send.logical === 'sms' ? (counts.get(x.send.recipient) ?? 0) : 0 });
      }
      const choice = policy.pick(loaded);
      if (!choice) return null;
      if ('use' in choice) {
        const e = choice.use.existing!;
        return { id: e.id, channel: e.channel, notBefore: e.notBefore };
      }
      const x = choice.insert;
      const c0 = d.carries;
      const source =
        c0.kind === 'digest'
          ? { digestId: c0.digestId }
          : c0.kind === 'report'
            ? { reportId: c0.reportId, route: d.route, contacts: d.contacts }
            : { reminderId: c0.reminderId, route: d.route, contacts: d.contacts };
      const { id } = await insertFallback(c, { dedupKey: x.dedupKey, source, send: x.send, notBefore: policy.notBefore, sendDay: policy.sendDay, fallbackOf: d.id }, now);
      return { id, channel: x.send.channel, notBefore: policy.notBefore };
    },
    { lock: LOCKS.plan },
  );
}

export function planOutboxTx<R>(
  pool: pg.Pool,
  spec: { sendDay: string; now: number; phonesOf(contacts: ReadonlyMap<string, OrgContacts>): string[]; committees?: readonly string[] },
  decide: (load: OutboxPlanLoad) => { write: OutboxPlanWrite; result: R },
): Promise<{ result: R; written: PlanWriteResult }> {
  return tx(
    pool,
    async (c) => {
      const entries = await unplannedEntries(c, spec.committees);
      const contacts = await orgContacts(c, entries.filter((e) => e.alertState === 'open').map((e) => e.item.org));
      const phones = spec.phonesOf(contacts);
      const smsCounts = phones.length ? await smsCountsOn(c, phones, spec.sendDay) : new Map<string, number>();
      const { write, result } = decide({ entries, contacts, smsCounts });
      const written = await writePlan(c, write.plans, write.notBefore, write.sendDay, write.notes, spec.now);
      return { result, written };
    },
    { lock: LOCKS.plan },
  );
}

/** Store reports (the mail marker of an existing (org, period, kind) stays) and their rectification items; batched. */
export async function storeReportRows(q: Q, reports: readonly StoredReportInput[], items: readonly NewRectification[], now: number): Promise<number> {
  for (let i = 0; i < reports.length; i += 5000) {
    const c = reports.slice(i, i + 5000);
    await q.query(
      `INSERT INTO reports (org, period, kind, generated_at, score, grade, stars, rank, committee_rank, data)
       SELECT o, p, k, $10, s, g, st, r, cr, d FROM unnest($1::text[], $2::text[], $3::text[], $4::float8[], $5::text[], $6::int[], $7::int[], $8::int[], $9::text[])
         AS t(o, p, k, s, g, st, r, cr, d)
       ON CONFLICT (org, period, kind) DO UPDATE SET generated_at = excluded.generated_at, score = excluded.score,
         grade = excluded.grade, stars = excluded.stars, rank = excluded.rank, committee_rank = excluded.committee_rank, data = excluded.data`,
      [
        c.map((r) => r.org),
        c.map((r) => r.period),
        c.map((r) => r.kind),
        c.map((r) => r.score),
        c.map((r) => r.grade),
        c.map((r) => r.stars),
        c.map((r) => r.rank),
        c.map((r) => r.committeeRank),
        c.map((r) => JSON.stringify(r.data)),
        now,
      ],
    );
  }
  let created = 0;
  for (let i = 0; i < items.length; i += 5000) {
    const c = items.slice(i, i + 5000);
    const r = await q.query(
      `INSERT INTO rectification_items (org, rule, problem_period, report_period, title, created_at, due_at)
       SELECT o, r, pp, rp, t, $7, d FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int8[]) AS x(o, r, pp, rp, t, d)
       ON CONFLICT (org, rule, problem_period) DO NOTHING`,
      [c.map((x) => x.org), c.map((x) => x.rule), c.map((x) => x.problemPeriod), c.map((x) => x.reportPeriod), c.map((x) => x.title), c.map((x) => x.dueAt), now],
    );
    created += r.rowCount ?? 0;
  }
  return created;
}

export function storeReportsTx(pool: pg.Pool, reports: readonly StoredReportInput[], items: readonly NewRectification[], now: number): Promise<number> {
  return tx(pool, (c) => storeReportRows(c, reports, items, now));
}

export function storeAndPlanTx<R>(
  pool: pg.Pool,
  input: {
    period: string;
    built: { reports: StoredReportInput[]; rectifications: NewRectification[] } | null;
    sendDay: string;
    notBefore: number;
    now: number;
    phonesOf(todo: readonly ReportToPlan[], contacts: ReadonlyMap<string, OrgContacts>): string[];
  },
  decide: (load: ReportPlanLoad) => { sends: ReportSend[]; notes: ReadonlyMap<number, string>; result: R },
): Promise<{ result: R; stored: boolean; storedReports: { branch: number; committee: number }; rectificationItems: number; deliveries: number }> {
  return tx(pool, async (c) => {
    // Lock order everywhere: a period's lock, then the SMS-day lock (no two transactions wait on each other).
    await reportsLock(c, input.period);
    await c.query('SELECT pg_advisory_xact_lock($1)', [LOCKS.plan]);
    // Loaded after the period's lock: what another daemon (or `report --save`) committed is seen and kept.
    const existing = input.built ? await rows<{ org: string; kind: 'branch' | 'committee' }>(c, 'SELECT org, kind FROM reports WHERE period = $1', [input.period]) : [];
    const add = input.built ? missingReports(input.built, existing) : null;
    const stored = !!add && add.reports.length > 0;
    const rectificationItems = stored ? await storeReportRows(c, add.reports, add.rectifications, input.now) : 0;
    const todo = await unplannedReports(c, input.period);
    const contacts = await orgContacts(c, todo.map((r) => r.org));
    const phones = input.phonesOf(todo, contacts);
    const smsCounts = phones.length ? await smsCountsOn(c, phones, input.sendDay) : new Map<string, number>();
    const { sends, notes, result } = decide({ todo, contacts, smsCounts });
    const deliveries = await writeReportPlan(c, sends, notes, input.notBefore, input.sendDay, input.now);
    return { result, stored, storedReports: add?.counts ?? { branch: 0, committee: 0 }, rectificationItems, deliveries };
  });
}
