/**
 * Rectification items (限期整改) as people see and close them: listing with an "overdue" view as of
 * a time (store.reports.rectifications), closing with a note (销号) with bilingual
 * errors, and their Chinese table / JSON form. Shared by `orglife rectify` and, when it exposes
 * them, the HTTP API.
 */
import { table } from '../alerts/format.js';
import { parsePeriod, periodNameZh, shanghaiDate, shanghaiDateTime } from '../domain/calendar.js';
import type { Store } from '../store/port.js';
import type { RectificationRow } from '../store/types/reports.js';

/** Why an item cannot be closed; `code` lets an API pick its status (404 / 409 / 422). */
export class RectificationError extends Error {
  constructor(
    readonly code: 'not_found' | 'already_closed' | 'note_required',
    message: string,
  ) {
    super(message);
    this.name = 'RectificationError';
  }
}

/**
 * Close item `id` (整改完成，销号) with a note on what was done, as of `now`. Throws
 * RectificationError (bilingual) for an unknown id, an item already closed, or an empty note.
 * Returns the closed item.
 */
export async function closeRectificationItem(store: Store, id: number, note: string, now: number): Promise<RectificationRow> {
  const text = note.trim();
  if (!text) throw new RectificationError('note_required', '缺少整改说明：请说明整改情况 / a note on what was done is required');
  const item = await store.reports.rectification(id);
  if (!item) throw new RectificationError('not_found', `整改事项 ${id} 不存在 / no rectification item with id ${id}`);
  if (item.status === 'closed' || !(await store.reports.closeRectification(id, text, now))) {
    const at = (await store.reports.rectification(id))?.closedAt;
    throw new RectificationError(
      'already_closed',
      `整改事项 ${id} 已于 ${at ? shanghaiDateTime(at) : '此前'} 销号，无需重复销号 / item ${id} is already closed`,
    );
  }
  return (await store.reports.rectification(id))!;
}

/** The deadline date people read: the last day of the item (due_at is the midnight ending it). */
export function rectificationDeadline(r: Pick<RectificationRow, 'dueAt'>): string {
  return shanghaiDate(r.dueAt - 1);
}

/** 整改中 / 已逾期 (open past its deadline as of `now`) / 已销号. */
export function rectificationStatusZh(r: RectificationRow, now: number): string {
  if (r.status === 'closed') return '已销号';
  return r.dueAt <= now ? '已逾期' : '整改中';
}

/** '2026-10' → '2026年10月' (a label that does not parse is shown as it is). */
function periodZh(label: string): string {
  const p = parsePeriod(label);
  return p ? periodNameZh(p) : label;
}

/** The items as a Chinese table. */
export function rectificationTable(rows: RectificationRow[], now: number): string {
  if (!rows.length) return '没有符合条件的整改事项。';
  return table(
    ['编号', '组织', '问题', '问题期间', '报告期间', '整改期限', '状态', '销号时间', '整改说明'],
    rows.map((r) => [
      String(r.id),
      r.orgName ? `${r.orgName}（${r.org}）` : r.org,
      r.title,
      periodZh(r.problemPeriod),
      periodZh(r.reportPeriod),
      rectificationDeadline(r),
      rectificationStatusZh(r, now),
      r.closedAt === null ? '-' : shanghaiDateTime(r.closedAt),
      r.note ?? '-',
    ]),
  );
}

/** One item as a plain object for JSON (times ISO, deadline as the Shanghai date, overdue as of `now`). */
export function rectificationView(r: RectificationRow, now: number) {
  return {
    id: r.id,
    org: r.org,
    orgName: r.orgName,
    rule: r.rule,
    title: r.title,
    problemPeriod: r.problemPeriod,
    reportPeriod: r.reportPeriod,
    deadline: rectificationDeadline(r),
    dueAt: new Date(r.dueAt).toISOString(),
    status: r.status,
    overdue: r.status === 'open' && r.dueAt <= now,
    createdAt: new Date(r.createdAt).toISOString(),
    closedAt: r.closedAt === null ? null : new Date(r.closedAt).toISOString(),
    note: r.note,
  };
}
