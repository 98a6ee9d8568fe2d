/**
 * Secretaries' leave (请假) through the store: validation with bilingual messages naming the field,
 * then the write. While a leave runs, the branch's messages for its secretary go to its deputy
 * (org columns deputy, deputy_phone, deputy_email). Used by `orglife leave`.
 */
import { DAY_MS, parseDate, shanghaiDate } from '../domain/calendar.js';
import type { SecretaryLeave } from '../domain/exemptions.js';
import type { Store } from '../store/port.js';
import { ExemptionError } from './service.js';

/** The longest leave recorded at once (a longer absence is a change of secretary: re-import the org). */
export const MAX_LEAVE_DAYS = 366;

export interface LeaveRequest {
  org: string;
  from: string;
  to: string;
  reason?: string | null;
}

export async function recordLeave(store: Store, r: LeaveRequest, by: string, now: number): Promise<{ leave: SecretaryLeave; deputy: string | null }> {
  const org = (r.org ?? '').trim();
  const found = org ? await store.orgs.get(org, now) : undefined;
  if (!found) throw new ExemptionError(`org：未知的组织编码 "${org}" / unknown org code`, 'org', 404);
  const from = /^\d{4}-\d{2}-\d{2}$/.test(r.from) ? parseDate(r.from) : null;
  if (from === null) throw new ExemptionError(`from：无效的日期 "${r.from}"，应为 YYYY-MM-DD / from must be a date YYYY-MM-DD`, 'from');
  const to = /^\d{4}-\d{2}-\d{2}$/.test(r.to) ? parseDate(r.to) : null;
  if (to === null) throw new ExemptionError(`to：无效的日期 "${r.to}"，应为 YYYY-MM-DD / to must be a date YYYY-MM-DD`, 'to');
  if (to < from) throw new ExemptionError(`to：结束日期 ${r.to} 早于开始日期 ${r.from} / to is before from`, 'to');
  const days = Math.round((to - from) / DAY_MS) + 1;
  if (days > MAX_LEAVE_DAYS) throw new ExemptionError(`to：请假 ${days} 天，超过 ${MAX_LEAVE_DAYS} 天；长期离岗请更换书记后重新导入组织 / a leave of ${days} days is longer than ${MAX_LEAVE_DAYS}`, 'to');
  const reason = r.reason?.trim() || null;
  if (reason && reason.length > 200) throw new ExemptionError('reason：原因最多 200 个字 / reason is longer than 200 characters', 'reason');
  if (reason && /[\u0000-\u001f\u007f]/.test(reason)) throw new ExemptionError('reason：原因含有控制字符 / reason contains control characters', 'reason');
  const leave = await store.leaves.add({ org, startsOn: shanghaiDate(from), endsOn: shanghaiDate(to), reason, createdBy: by }, now);
  return { leave, deputy: found.deputy ?? null };
}

export async function endLeave(store: Store, id: number, by: string, now: number): Promise<SecretaryLeave> {
  const r = await store.leaves.end(id, by, now);
  if (r === 'unknown') throw new ExemptionError(`id：没有编号为 ${id} 的请假记录 / no leave ${id}`, 'id', 404);
  if (r === 'ended') throw new ExemptionError(`id：请假 ${id} 已提前结束 / leave ${id} was ended already`, 'id', 409);
  return r;
}
