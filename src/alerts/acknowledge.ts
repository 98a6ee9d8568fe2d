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
  const plan = ack.plan?.trim() ?? '';
  if (!plan) throw new AlertError('缺少整改计划（--plan） / a rectification plan is required (--plan)');
  const day = parseDate(ack.by ?? '');
  if (day === null) {
    throw new AlertError(`整改期限格式应为 YYYY-MM-DD，例如 2026-12-15 / deadline must be a date YYYY-MM-DD: "${ack.by ?? ''}"`);
  }
  const today = shanghaiDate(now);
  if (ack.by < today) throw new AlertError(`整改期限 ${ack.by} 已过（今天是 ${today}） / deadline ${ack.by} is in the past (today is ${today})`);
  const deadline = day + DAY_MS;
  const who = ack.who?.trim() || null;

  return inTransaction(db, () => {
    const targets = resolveTargets(db, target);
    const w = alertWriter(db);
    const out: AlertRow[] = [];
    for (const a of targets) {
      const level: Level = LEVEL_RANK[a.level] > LEVEL_RANK.warning ? 'warning' : a.level;
      const patch: Partial<AlertRow> = { state: 'acknowledged', level, ackPlan: plan, ackBy: ack.by, ackDeadline: deadline, ackWho: who, ackAt: now };
      w.update(a.id, patch, now);
      w.event(a.id, { kind: 'acknowledged', level, fromLevel: a.level, reason: 'acknowledged', detail: { who, plan, by: ack.by } }, now);
      out.push({ ...a, ...patch, updatedAt: now });
    }
    return out;
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
