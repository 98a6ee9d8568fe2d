/**
 * Actions on weak-and-lax designations (软弱涣散) and demonstration sites (示范点), shared by the CLI
 * and the API: each a load → decide (pure: validate, refuse with bilingual RatingErrors) → apply
 * transaction of the store port (rating.weakStep / rating.chooseDemoSite, named lock "rating").
 */
import { parseDate } from '../domain/calendar.js';
import type { Store } from '../store/port.js';
import type { DemoSiteRow, Measures, WeakLoad } from '../store/types/rating.js';
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

const notFound = (id: number) => new RatingError(`软弱涣散整顿记录 ${id} 不存在`, `designation ${id} not found`, 'not_found');

export async function requireWeak(store: Store, id: number): Promise<WeakDesignation> {
  const d = await store.rating.weakDesignation(id);
  if (!d) throw notFound(id);
  return d;
}

/** The loaded designation, still open (pure). */
function openIn(load: WeakLoad, id: number): WeakDesignation {
  const d = load.designation;
  if (!d) throw notFound(id);
  if (d.removedOn) throw new RatingError(`「${d.org}」已于 ${d.removedOn} 摘帽，不能再修改`, `designation ${id} was removed on ${d.removedOn}`);
  return d;
}

/** Designate a branch weak and lax (确定软弱涣散). Returns the designation id. */
export async function designateWeak(store: Store, v: { org: string; category: string; on: string; reason?: string | null; by: string }, at: number): Promise<number> {
  const { id } = await store.rating.weakStep({ org: v.org }, (load) => {
    if (!load.branch) throw new RatingError(`组织编码「${v.org}」不存在或不是党支部`, `"${v.org}" is not a known branch`, 'not_found');
    const category = parseWeakCategory(v.category);
    if (!category) {
      throw new RatingError(
        `未知的软弱涣散类别「${v.category}」，可选：${WEAK_CATEGORY_IDS.map((k) => `${WEAK_CATEGORIES[k]}（${k}）`).join('、')}`,
        `unknown category "${v.category}"; expected one of: ${WEAK_CATEGORY_IDS.join(', ')}`,
        'invalid',
      );
    }
    const on = requireDate(v.on, '确定日期');
    if (load.open.length) throw new RatingError(`「${v.org}」已被确定为软弱涣散且尚未摘帽`, `"${v.org}" already has an open designation`);
    return { write: { designate: { org: v.org, category, reason: v.reason?.trim() || null, designatedOn: on, by: v.by, at } }, result: undefined };
  });
  return id!;
}

export type MeasureInput = Partial<Measures>;

const MEASURE_FIELDS = ['cityLeader', 'townshipLeader', 'townshipLeaderPhone', 'townshipLeaderEmail', 'firstSecretary', 'pairedDepartment'] as const satisfies readonly (keyof Measures)[];

/** Record the "四个一" measures (any of them; the others stay). */
export async function setMeasures(store: Store, id: number, m: MeasureInput): Promise<WeakDesignation> {
  await store.rating.weakStep({ designation: id }, (load) => {
    const d = openIn(load, id);
    if (!Object.values(m).some((v) => v?.trim())) throw new RatingError('请至少填写一项“四个一”措施', 'give at least one measure', 'invalid');
    if (m.townshipLeaderPhone && !/^\+?[\d\s-]{5,20}$/.test(m.townshipLeaderPhone)) throw new RatingError(`电话号码「${m.townshipLeaderPhone}」无效`, 'invalid phone number', 'invalid');
    if (m.townshipLeaderEmail && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(m.townshipLeaderEmail)) throw new RatingError(`邮箱「${m.townshipLeaderEmail}」无效`, 'invalid email address', 'invalid');
    const values = Object.fromEntries(MEASURE_FIELDS.map((k) => [k, m[k] || d[k]])) as Measures;
    return { write: { measures: { id, values } }, result: undefined };
  });
  return requireWeak(store, id);
}

/** Add a problem, a reserve cadre or a progress note. Returns the item id. */
export async function addWeakItem(store: Store, id: number, kind: WeakItemKind, text: string | undefined, at: number): Promise<number> {
  const r = await store.rating.weakStep({ designation: id }, (load) => {
    openIn(load, id);
    return { write: { item: { designation: id, kind, text: requireText(text, '内容', 'text'), at } }, result: undefined };
  });
  return r.id!;
}

/** Record how a problem was resolved. */
export async function resolveProblem(store: Store, itemId: number, resolution: string | undefined, on: string | undefined): Promise<void> {
  await store.rating.weakStep({ item: itemId }, (load) => {
    const item = load.item;
    if (!item) throw new RatingError(`问题 ${itemId} 不存在`, `item ${itemId} not found`, 'not_found');
    openIn(load, item.designation);
    const text = requireText(resolution, '解决情况', 'resolution');
    const date = requireDate(on, '解决日期');
    if (item.kind !== 'problem' || item.resolution !== null) throw new RatingError(`事项 ${itemId} 不是问题清单中未解决的问题`, `item ${itemId} is not an open problem`);
    return { write: { resolve: { item: itemId, resolution: text, on: date } }, result: undefined };
  });
}

/** Remove the designation when rectified (整顿摘帽). Open problems block it. */
export async function removeDesignation(store: Store, id: number, on: string | undefined, note: string | undefined): Promise<WeakDesignation> {
  await store.rating.weakStep({ designation: id }, (load) => {
    const d = openIn(load, id);
    const date = requireDate(on, '摘帽日期');
    const text = requireText(note, '摘帽说明', 'note');
    if (date < d.designatedOn) throw new RatingError(`摘帽日期 ${date} 早于确定日期 ${d.designatedOn}`, 'removal before designation', 'invalid');
    const open = d.items.filter((i) => i.kind === 'problem' && i.resolution === null);
    if (open.length) throw new RatingError(`还有 ${open.length} 个问题未解决（编号 ${open.map((i) => i.id).join('、')}），不能摘帽`, `${open.length} problem(s) still open`);
    return { write: { remove: { id, on: date, note: text } }, result: undefined };
  });
  return requireWeak(store, id);
}

/** Choose a demonstration site (示范点) from the branches filed five stars for that year. */
export async function chooseDemoSite(store: Store, s: DemoSiteRow, at: number): Promise<'inserted' | 'updated' | 'unchanged'> {
  if (s.level !== 'city' && s.level !== 'prefecture') throw new RatingError(`示范点级别「${s.level}」无效，应为 city（市级）或 prefecture（地市级）`, 'level must be city or prefecture', 'invalid');
  return store.rating.chooseDemoSite(s, at, ({ branch, rating: r }) => {
    if (!branch) throw new RatingError(`组织编码「${s.org}」不存在或不是党支部`, `"${s.org}" is not a known branch`, 'not_found');
    if (r?.stars !== 5) {
      throw new RatingError(`「${s.org}」${s.year} 年度${r ? `评定为 ${r.stars} 星` : '尚无评定'}，示范点须从五星党支部中选树`, `"${s.org}" is not a five-star branch for ${s.year}`);
    }
  });
}
