/**
 * Acknowledging alerts (认领整改): the branch reports a rectification plan and a deadline
 * (限期整改). Until the deadline the alert stays at most a warning, with no repeats and no
 * escalation; after it, reconcile reopens the alert if the problem is still there.
 */
import { DAY_MS, parseDate, shanghaiDate } from '../domain/calendar.js';
import { LEVEL_RANK, type Level } from '../domain/types.js';
import type { AlertChanges, AmendLoad, Store } from '../store/port.js';
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

/** A validated acknowledgement: what is written to each alert. */
export interface CheckedAck {
  plan: string;
  by: string;
  /** End of the `by` day (Shanghai), epoch ms. */
  deadline: number;
  who: string | null;
}

/** Check an acknowledgement as of `now` (pure); throws AlertError (bilingual) for a missing plan or a bad or past deadline. */
export function checkAck(ack: Acknowledgement, now: number): CheckedAck {
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

/**
 * The decision of acknowledging `target` over what the store loaded (pure): the alerts as they are
 * afterwards and the changes (columns and an 'acknowledged' event each, no notification).
 * Throws AlertError for an unknown id or org, a resolved alert, or a branch without open alerts.
 */
export function decideAck(
  target: AckTarget,
  load: AmendLoad,
  ack: CheckedAck,
  now: number,
  only?: (a: AlertRow) => boolean,
): { changes: AlertChanges; result: AlertRow[] } {
  const targets = resolveTargets(target, load, only);
  const changes: AlertChanges = { inserts: [], updates: [] };
  const out: AlertRow[] = [];
  for (const a of targets) {
    const level: Level = LEVEL_RANK[a.level] > LEVEL_RANK.warning ? 'warning' : a.level;
    const patch: Partial<AlertRow> = { state: 'acknowledged', level, ackPlan: ack.plan, ackBy: ack.by, ackDeadline: ack.deadline, ackWho: ack.who, ackAt: now };
    changes.updates.push({
      id: a.id,
      patch,
      event: { kind: 'acknowledged', level, fromLevel: a.level, reason: 'acknowledged', detail: { who: ack.who, plan: ack.plan, by: ack.by } },
      notify: false,
    });
    out.push({ ...a, ...patch, updatedAt: now });
  }
  return { changes, result: out };
}

/**
 * Acknowledge alerts as of `now`, in one store transaction (alerts.amend). Re-acknowledging an
 * acknowledged alert replaces its plan and deadline. Returns the alerts as they are afterwards.
 * Throws AlertError (bilingual) for a missing plan, a bad or past deadline, an unknown id or org,
 * a resolved alert, or a branch without open alerts; nothing is written then.
 */
export async function acknowledge(store: Store, target: AckTarget, ack: Acknowledgement, now: number): Promise<AlertRow[]> {
  return acknowledgeIn(store, target, ack, now);
}

/**
 * acknowledge() with a pick: with `only`, an org target acknowledges just the alerts it picks and
 * an empty pick is no error (a one-tap link's items).
 */
export async function acknowledgeIn(store: Store, target: AckTarget, ack: Acknowledgement, now: number, only?: (a: AlertRow) => boolean): Promise<AlertRow[]> {
  const checked = checkAck(ack, now);
  return store.alerts.amend(target, now, (load) => decideAck(target, load, checked, now, only));
}

function resolveTargets(target: AckTarget, load: AmendLoad, only?: (a: AlertRow) => boolean): AlertRow[] {
  if ('id' in target) {
    const a = load.alerts[0];
    if (!a) throw new AlertError(`预警编号 ${target.id} 不存在 / no alert with id ${target.id}`);
    if (a.state === 'resolved') throw new AlertError(`预警 ${target.id} 已解除，无需整改 / alert ${target.id} is already resolved`);
    return [a];
  }
  if (!load.orgKind) throw new AlertError(`未找到组织编码 ${target.org} / unknown organization code: ${target.org}`);
  const picked = only ? load.alerts.filter(only) : load.alerts;
  if (!picked.length && !only) throw new AlertError(`${target.org} 没有未处理的预警 / ${target.org} has no open alerts`);
  return picked;
}
