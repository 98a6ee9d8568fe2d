/**
 * What a finding means for people, given the alert store: is it new, already told, escalated (督办),
 * acknowledged with a rectification plan (限期整改), or history from before go-live? Pure: `check`
 * and reports pass the stored alert and its history facts in. The rules only say reminder or
 * warning; escalation exists only where the lifecycle decided it (src/alerts/lifecycle.ts).
 */
import type { Finding, Level } from '../domain/types.js';
import { LEVEL_NAMES_ZH } from '../domain/types.js';
import { escalationDate, type LifecyclePolicy } from './lifecycle.js';
import { isHistory } from './go-live.js';
import { exemptionNoteZh, type Exemption } from '../domain/exemptions.js';
import type { AlertRow } from './types.js';

export const FINDING_STATES = ['new', 'open', 'escalated', 'acknowledged', 'history', 'exempted'] as const;
export type FindingStateName = (typeof FINDING_STATES)[number];
export const FINDING_STATE_NAMES_ZH: Record<FindingStateName, string> = {
  new: '新发现',
  open: '已提醒',
  escalated: '已督办',
  acknowledged: '限期整改',
  history: '上线前',
  exempted: '已豁免',
};

/** A finding's standing in the alert store. */
export interface FindingState {
  state: FindingStateName;
  /** The level in force: the alert's (an escalated alert is 督办) or the rule's. */
  level: Level;
  /** What the level column says: the level's name, or 限期整改 / 上线前. */
  label: string;
  /** A Chinese note for people ("将于 2026-11-13 转上级党委督办"), or null. */
  note: string | null;
  /** Shanghai date from which the warning escalates if still open and unacknowledged (null = unknown / n.a.). */
  escalatesOn: string | null;
  /** Rectification deadline of an acknowledged alert. */
  ackBy: string | null;
  alertId: number | null;
}

const UNIT_ZH = { working_days: '个工作日', calendar_days: '天' } as const;

/** The note of a warning not yet delivered, by escalation days and unit (one string per pair). */
const untoldNotes = { working_days: new Map<number, string>(), calendar_days: new Map<number, string>() };
function untoldNote(days: number, unit: keyof typeof UNIT_ZH): string {
  const notes = untoldNotes[unit];
  let note = notes.get(days);
  if (note === undefined) {
    note = `预警送达后${days}${UNIT_ZH[unit]}内仍未整改的，将转上级党委督办`;
    if (notes.size < 1000) notes.set(days, note);
  }
  return note;
}

/**
 * The state of finding `f`: `alert` is its open or acknowledged alert (if any),
 * `warnedAt` when its warning first reached the branch (null = not yet), `startFrom` the go-live
 * instant (alerts.start_from) or null.
 */
export function findingState(
  f: Finding,
  alert: AlertRow | undefined,
  warnedAt: number | null,
  policy: Pick<LifecyclePolicy, 'escalationCount' | 'calendar'>,
  startFrom: number | null,
  exemption: Exemption | null = null,
): FindingState {
  const base = { escalatesOn: null, ackBy: null, alertId: alert?.id ?? null };
  if (exemption) {
    return { ...base, state: 'exempted', level: f.level, label: FINDING_STATE_NAMES_ZH.exempted, note: `${exemptionNoteZh(exemption)}，不发送提醒` };
  }
  if (!alert && isHistory(f, startFrom)) {
    return { ...base, state: 'history', level: f.level, label: FINDING_STATE_NAMES_ZH.history, note: '上线前的历史问题，仅供查看，不发送提醒' };
  }
  if (alert?.state === 'acknowledged') {
    return {
      ...base,
      state: 'acknowledged',
      level: alert.level,
      label: FINDING_STATE_NAMES_ZH.acknowledged,
      ackBy: alert.ackBy,
      note: `已报送整改计划，限期${alert.ackBy ?? ''}前整改${alert.ackPlan ? `：${alert.ackPlan}` : ''}`,
    };
  }
  if (alert?.level === 'escalation' || (!alert && f.level === 'escalation')) {
    return { ...base, state: 'escalated', level: 'escalation', label: LEVEL_NAMES_ZH.escalation, note: '已转上级党委督办' };
  }
  const state: FindingStateName = alert ? 'open' : 'new';
  const alertId = alert?.id ?? null;
  // The common states (most findings of a check): built without spreads, the note shared by days and unit.
  if (f.level !== 'warning' || f.escalationDays === undefined) {
    return { escalatesOn: null, ackBy: null, alertId, state, level: f.level, label: LEVEL_NAMES_ZH[f.level], note: null };
  }
  if (warnedAt === null) {
    return { escalatesOn: null, ackBy: null, alertId, state, level: 'warning', label: LEVEL_NAMES_ZH.warning, note: untoldNote(f.escalationDays, policy.escalationCount) };
  }
  const on = escalationDate(warnedAt, f.escalationDays, policy);
  return { ...base, state, level: 'warning', label: LEVEL_NAMES_ZH.warning, escalatesOn: on, note: `如仍未整改，将于${on}转上级党委督办` };
}
