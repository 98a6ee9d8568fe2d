/**
 * The alert transactions of the port on SQLite: reconcile and amend as load → decide (pure) →
 * apply, in one IMMEDIATE transaction (the database write lock is the "alerts" lock). Writes go
 * through the prepared statements of ./alerts.ts (tens of thousands of rows per transaction).
 */
import type { AlertChanges, AlertIdentity, AlertTarget, AmendLoad, ReconcileLoad } from '../port.js';
import type { AlertRow } from '../types/alerts.js';
import { activeAlertsOf, alertWriter, getAlert, inTransaction, loadOpenAlerts, orgKindOf, prepared, SELECT_ALERT, warningsDeliveredAt } from './alerts.js';
import type { Db } from './db.js';

const keyOf = (a: { org: string; rule: string; period: string }) => `${a.org}\u0000${a.rule}\u0000${a.period}`;

/** Alerts of the given identities (every subject) that are not open or acknowledged, in one statement. */
function alertsByIdentity(db: Db, ids: readonly AlertIdentity[]): AlertRow[] {
  if (!ids.length) return [];
  const sql = `${SELECT_ALERT} JOIN json_each(?) j
      ON a.org = json_extract(j.value, '$[0]') AND a.rule = json_extract(j.value, '$[1]') AND a.period = json_extract(j.value, '$[2]')
    WHERE a.state NOT IN ('open', 'acknowledged')`;
  return prepared(db, sql).all(JSON.stringify(ids.map((i) => [i.org, i.rule, i.period]))) as AlertRow[];
}

/** Write decided alert changes: inserts (ids assigned here), updates, their events and outbox rows. */
export function applyAlertChanges(db: Db, c: AlertChanges, now: number): void {
  const w = alertWriter(db);
  for (const ins of c.inserts) {
    const id = w.insert(ins.row);
    if (id === null) throw new Error(`alert (${ins.row.org}, ${ins.row.rule}, ${ins.row.period}) exists already; reconcile must see it`);
    const eventId = w.event(id, ins.event, now);
    if (ins.notify) w.outbox(eventId, id, now);
  }
  for (const u of c.updates) {
    if (Object.keys(u.patch).length || u.event) w.update(u.id, u.patch, now);
    if (!u.event) continue;
    const eventId = w.event(u.id, u.event, now);
    if (u.notify) w.outbox(eventId, u.id, now);
  }
}

export function reconcileTx<R>(
  db: Db,
  input: { orgs: readonly string[] | null; identities: readonly AlertIdentity[]; now: number },
  decide: (load: ReconcileLoad) => { changes: AlertChanges; result: R },
): R {
  return inTransaction(db, () => {
    const { changes, result } = decide(reconcileLoad(db, input));
    applyAlertChanges(db, changes, input.now);
    return result;
  });
}

/** What reconcile loads (inside its transaction, or in a read transaction of its own: one snapshot). */
export function reconcileLoad(db: Db, input: { orgs: readonly string[] | null; identities: readonly AlertIdentity[] }): ReconcileLoad {
  const read = () => {
    // Every open alert of the scope, one per (org, rule, period, subject): member rules have several per identity.
    const open = [...loadOpenAlerts(db, (a) => String(a.id), input.orgs).values()];
    const asked = new Map<string, AlertIdentity>();
    for (const i of input.identities) asked.set(keyOf(i), i);
    const others = alertsByIdentity(db, [...asked.values()]).filter((a) => a.state !== 'open' && a.state !== 'acknowledged');
    const warnedAt = warningsDeliveredAt(db, open.filter((a) => a.state === 'open' && a.level === 'warning').map((a) => a.id));
    return { open, others, warnedAt };
  };
  return db.$client.inTransaction ? read() : db.$client.transaction(read).deferred();
}

export function amendTx<R>(db: Db, target: AlertTarget, now: number, decide: (load: AmendLoad) => { changes: AlertChanges; result: R }): R {
  return inTransaction(db, () => {
    let load: AmendLoad;
    if ('id' in target) {
      const a = getAlert(db, target.id);
      load = { alerts: a ? [a] : [], orgKind: a ? orgKindOf(db, a.org) : undefined };
    } else {
      const kind = orgKindOf(db, target.org);
      load = { alerts: kind ? activeAlertsOf(db, target.org) : [], orgKind: kind };
    }
    const { changes, result } = decide(load);
    applyAlertChanges(db, changes, now);
    return result;
  });
}
