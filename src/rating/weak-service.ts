/**
 * Actions on weak-and-lax designations (软弱涣散) and demonstration sites (示范点), shared by the CLI
 * and the API: validate, write through the store, refuse with bilingual RatingErrors.
 */
import { parseDate } from '../domain/calendar.js';
import type { Db } from '../store/sqlite/db.js';
import { loadRatings } from '../store/sqlite/ratings.js';
import {
  getWeak,
  insertWeak,
  insertWeakItem,
  listWeak,
  removeWeak,
  resolveWeakItem,
  saveDemoSite,
  updateMeasures,
  weakItemDesignation,
  type DemoSiteRow,
} from '../store/sqlite/weak-branches.js';
import { requireBranch } from './campaign-service.js';
import { RatingError } from './errors.js';
import { parseWeakCategory, WEAK_CATEGORIES, WEAK_CATEGORY_IDS, type WeakDesignation, type WeakItemKind } from './weak.js';

function requireDate(s: string | undefined, what: string): string {
  if (!s || parseDate(s) === null) throw new RatingError(`${what}「${s ?? ''}」无效，应为 YYYY-MM-DD`, `invalid date "${s ?? ''}" (expected YYYY-MM-DD)`, 'invalid');
  return s;
}

function requireText(s: string | undefined, zh: string, en: string): string {
  if (!s?.trim()) throw new RatingError(`${zh}不能为空`, `${en} is required`, 'invalid');
  return s.trim();
}

export function requireWeak(db: Db, id: number): WeakDesignation {
  const d = getWeak(db, id);
  if (!d) throw new RatingError(`软弱涣散整顿记录 ${id} 不存在`, `designation ${id} not found`, 'not_found');
  return d;
}

function requireOpen(db: Db, id: number): WeakDesignation {
  const d = requireWeak(db, id);
  if (d.removedOn) throw new RatingError(`「${d.org}」已于 ${d.removedOn} 摘帽，不能再修改`, `designation ${id} was removed on ${d.removedOn}`);
  return d;
}

/** Designate a branch weak and lax (确定软弱涣散). Returns the designation id. */
export function designateWeak(db: Db, v: { org: string; category: string; on: string; reason?: string | null; by: string }, at: number): number {
  requireBranch(db, v.org);
  const category = parseWeakCategory(v.category);
  if (!category) {
    throw new RatingError(
      `未知的软弱涣散类别「${v.category}」，可选：${WEAK_CATEGORY_IDS.map((k) => `${WEAK_CATEGORIES[k]}（${k}）`).join('、')}`,
      `unknown category "${v.category}"; expected one of: ${WEAK_CATEGORY_IDS.join(', ')}`,
      'invalid',
    );
  }
  const on = requireDate(v.on, '确定日期');
  if (listWeak(db, { org: v.org }).length) throw new RatingError(`「${v.org}」已被确定为软弱涣散且尚未摘帽`, `"${v.org}" already has an open designation`);
  return insertWeak(db, { org: v.org, category, reason: v.reason?.trim() || null, designatedOn: on, by: v.by }, at);
}

export type MeasureInput = Partial<Pick<WeakDesignation, 'cityLeader' | 'townshipLeader' | 'townshipLeaderPhone' | 'townshipLeaderEmail' | 'firstSecretary' | 'pairedDepartment'>>;

/** Record the "四个一" measures (any of them). */
export function setMeasures(db: Db, id: number, m: MeasureInput): WeakDesignation {
  requireOpen(db, id);
  if (!Object.values(m).some((v) => v?.trim())) throw new RatingError('请至少填写一项“四个一”措施', 'give at least one measure', 'invalid');
  if (m.townshipLeaderPhone && !/^\+?[\d\s-]{5,20}$/.test(m.townshipLeaderPhone)) throw new RatingError(`电话号码「${m.townshipLeaderPhone}」无效`, 'invalid phone number', 'invalid');
  if (m.townshipLeaderEmail && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(m.townshipLeaderEmail)) throw new RatingError(`邮箱「${m.townshipLeaderEmail}」无效`, 'invalid email address', 'invalid');
  updateMeasures(db, id, m);
  return requireWeak(db, id);
}

/** Add a problem, a reserve cadre or a progress note. Returns the item id. */
export function addWeakItem(db: Db, id: number, kind: WeakItemKind, text: string | undefined, at: number): number {
  requireOpen(db, id);
  return insertWeakItem(db, id, kind, requireText(text, '内容', 'text'), at);
}

/** Record how a problem was resolved. */
export function resolveProblem(db: Db, itemId: number, resolution: string | undefined, on: string | undefined): void {
  const d = weakItemDesignation(db, itemId);
  if (d === undefined) throw new RatingError(`问题 ${itemId} 不存在`, `item ${itemId} not found`, 'not_found');
  requireOpen(db, d);
  if (!resolveWeakItem(db, itemId, requireText(resolution, '解决情况', 'resolution'), requireDate(on, '解决日期'))) {
    throw new RatingError(`事项 ${itemId} 不是问题清单中未解决的问题`, `item ${itemId} is not an open problem`);
  }
}

/** Remove the designation when rectified (整顿摘帽). Open problems block it. */
export function removeDesignation(db: Db, id: number, on: string | undefined, note: string | undefined): WeakDesignation {
  const d = requireOpen(db, id);
  const date = requireDate(on, '摘帽日期');
  const text = requireText(note, '摘帽说明', 'note');
  if (date < d.designatedOn) throw new RatingError(`摘帽日期 ${date} 早于确定日期 ${d.designatedOn}`, 'removal before designation', 'invalid');
  const open = d.items.filter((i) => i.kind === 'problem' && i.resolution === null);
  if (open.length) throw new RatingError(`还有 ${open.length} 个问题未解决（编号 ${open.map((i) => i.id).join('、')}），不能摘帽`, `${open.length} problem(s) still open`);
  removeWeak(db, id, date, text);
  return requireWeak(db, id);
}

/** Choose a demonstration site (示范点) from the branches filed five stars for that year. */
export function chooseDemoSite(db: Db, s: DemoSiteRow, at: number): 'inserted' | 'updated' | 'unchanged' {
  requireBranch(db, s.org);
  if (s.level !== 'city' && s.level !== 'prefecture') throw new RatingError(`示范点级别「${s.level}」无效，应为 city（市级）或 prefecture（地市级）`, 'level must be city or prefecture', 'invalid');
  const r = loadRatings(db, s.org).get(s.org)?.find((x) => x.year === s.year);
  if (r?.stars !== 5) {
    throw new RatingError(`「${s.org}」${s.year} 年度${r ? `评定为 ${r.stars} 星` : '尚无评定'}，示范点须从五星党支部中选树`, `"${s.org}" is not a five-star branch for ${s.year}`);
  }
  return saveDemoSite(db, s, at);
}
