/**
 * Acknowledging alerts (认领整改): the branch reports a rectification plan and a deadline
 * (限期整改). Until the deadline the alert stays at most a warning, with no repeats and no
 * escalation; after it, reconcile reopens the alert if the problem is still there.
 */
import { DAY_MS, parseDate, shanghaiDate } from '../domain/calendar.js';
import { LEVEL_RANK, type Level } from '../domain/types.js';
import type { Db } from '../store/sqlite/db.js';
import { activeAlertsOf, alertWriter, getAlert, inTransaction, orgKindOf } from '../store/sqlite/alerts.js';
import { AlertError, type AlertRow } from './types.js';
import type { Store } from '../store/port.js';
import type { NewEvent } from '../store/types/alerts.js';

/** What the branch commits to. */
export interface Acknowledgement {
  /** The rectification plan (整改计划). */
  plan: string;
  /** Deadline date 'YYYY-MM-DD' (Shanghai); the alert may stay open until the end of that day. */
  by: string;
  /** Who acknowledged (name), if known. */
  who?: string;
}

/** Which alerts: one by id, or every open alert of a branch. */
export type AckTarget = { id: number } | { org: string };

/**
 * Acknowledge alerts as of `now`, in one transaction. Re-acknowledging an acknowledged alert
 * replaces its plan and deadline. Returns the alerts as they are afterwards.
 * Throws AlertError (bilingual) for a missing plan, a bad or past deadline, an unknown id or org,
 * a resolved alert, or a branch without open alerts.
 */
export function acknowledge(db: Db, target: AckTarget, ack: Acknowledgement, now: number): AlertRow[] {
  const checked = checkAcknowledgement(ack, now);
  return inTransaction(db, () => {
    const targets = resolveTargets(db, target);
    const w = alertWriter(db);
    const out: AlertRow[] = [];
    for (const a of targets) {
      const { patch, event } = acknowledgedChange(a, checked, now);
      w.update(a.id, patch, now);
      w.event(a.id, event, now);
      out.push({ ...a, ...patch, updatedAt: now });
    }
    return out;
  });
}

interface CheckedAck {
  plan: string;
  by: string;
  deadline: number;
  who: string | null;
}

/** Validate an acknowledgement as of `now` (AlertError, bilingual, for a missing plan or a bad or past deadline). */
function checkAcknowledgement(ack: Acknowledgement, now: number): CheckedAck {
  const plan = ack.plan?.trim() ?? '';
  if (!plan) throw new AlertError('缺少整改计划（--plan） / a rectification plan is required (--plan)');
  const day = parseDate(ack.by ?? '');
  if (day === null) {
    throw new AlertError(`整改期限格式应为 YYYY-MM-DD，例如 2026-12-15 / deadline must be a date YYYY-MM-DD: "${ack.by ?? ''}"`);
  }
  const today = shanghaiDate(now);
  if (ack.by < today) throw new AlertError(`整改期限 ${ack.by} 已过（今天是 ${today}） / deadline ${ack.by} is in the past (today is ${today})`);
  return { plan, by: ack.by, deadline: day + DAY_MS, who: ack.who?.trim() || null };
}

/** What acknowledging one alert changes (pure): at most a warning until the deadline. */
function acknowledgedChange(a: AlertRow, c: CheckedAck, now: number): { patch: Partial<AlertRow>; event: NewEvent } {
  const level: Level = LEVEL_RANK[a.level] > LEVEL_RANK.warning ? 'warning' : a.level;
  return {
    patch: { state: 'acknowledged', level, ackPlan: c.plan, ackBy: c.by, ackDeadline: c.deadline, ackWho: c.who, ackAt: now },
    event: { kind: 'acknowledged', level, fromLevel: a.level, reason: 'acknowledged', detail: { who: c.who, plan: c.plan, by: c.by } },
  };
}

/**
 * acknowledge() through the store port (alerts.amend: load → decide → apply under the "alerts"
 * lock, so a reconcile meanwhile is seen, never overwritten). With `only`, an org target
 * acknowledges just the alerts it picks and an empty pick is no error (a link's items).
 */
export async function acknowledgeIn(store: Store, target: AckTarget, ack: Acknowledgement, now: number, only?: (a: AlertRow) => boolean): Promise<AlertRow[]> {
  const checked = checkAcknowledgement(ack, now);
  return store.alerts.amend(target, now, (load) => {
    let targets: AlertRow[];
    if ('id' in target) {
      const a = load.alerts[0];
      if (!a) throw new AlertError(`预警编号 ${target.id} 不存在 / no alert with id ${target.id}`);
      if (a.state === 'resolved') throw new AlertError(`预警 ${target.id} 已解除，无需整改 / alert ${target.id} is already resolved`);
      targets = [a];
    } else {
      if (!load.orgKind) throw new AlertError(`未找到组织编码 ${target.org} / unknown organization code: ${target.org}`);
      targets = only ? load.alerts.filter(only) : load.alerts;
      if (!targets.length && !only) throw new AlertError(`${target.org} 没有未处理的预警 / ${target.org} has no open alerts`);
    }
    const updates = targets.map((a) => ({ a, ...acknowledgedChange(a, checked, now) }));
    return {
      changes: { inserts: [], updates: updates.map((u) => ({ id: u.a.id, patch: u.patch, event: u.event, notify: false })) },
      result: updates.map((u) => ({ ...u.a, ...u.patch, updatedAt: now })),
    };
  });
}

function resolveTargets(db: Db, target: AckTarget): AlertRow[] {
  if ('id' in target) {
    const a = getAlert(db, target.id);
    if (!a) throw new AlertError(`预警编号 ${target.id} 不存在 / no alert with id ${target.id}`);
    if (a.state === 'resolved') throw new AlertError(`预警 ${target.id} 已解除，无需整改 / alert ${target.id} is already resolved`);
    return [a];
  }
  const kind = orgKindOf(db, target.org);
  if (!kind) throw new AlertError(`未找到组织编码 ${target.org} / unknown organization code: ${target.org}`);
  const list = activeAlertsOf(db, target.org);
  if (!list.length) throw new AlertError(`${target.org} 没有未处理的预警 / ${target.org} has no open alerts`);
  return list;
}
