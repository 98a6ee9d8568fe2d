/**
 * The 大比武 ranking board from stored branch reports: per domain (the city-wide rank), per
 * committee, sortable by total score, a category or an indicator, with the rank change since
 * the previous period. Stored reports are parsed once per (period, version) and kept in memory:
 * a 20,000-branch city is a few MB of numbers, and every page after the first is a sort.
 * The period `live` (实时) is the running month from the live figures the evaluate tick and
 * re-evaluation keep (src/reports/live.ts): ranked here the way a report ranks (city-wide per
 * domain, per committee; ties share a rank), with the change since the previous month's stored reports.
 */
import type { Config } from '../config/schema.js';
import { periodNameZh, previousPeriod } from '../domain/calendar.js';
import type { Store } from '../store/port.js';
import type { LiveBoardRow } from '../store/types/live.js';
import { CATEGORY_IDS, CATEGORY_NAMES_ZH, RECORD_INDICATORS } from '../reports/config.js';
import { rankWithin } from '../reports/compute-rank.js';
import { round } from '../reports/compute-facts.js';
import { livePeriod } from '../reports/live.js';
import type { BranchReport } from '../reports/types.js';
import { byCode } from './org-tree.js';

export interface BoardRow {
  org: string;
  name: string;
  parent: string | null;
  parentName: string | null;
  domain: string | null;
  score: number | null;
  grade: string | null;
  /** 红黄绿 of the period's last month (reports stored before colour grades have none). */
  colour: 'red' | 'yellow' | 'green' | null;
  stars: number | null;
  vetoed: boolean;
  rank: number | null;
  rankOf: number;
  committeeRank: number | null;
  rankChange: number | null;
  scoreChange: number | null;
  /** Category id → score. */
  categories: Record<string, number | null>;
  /** Indicator id → score. */
  indicators: Record<string, number | null>;
}

export interface Board {
  period: string;
  periodName: string;
  rows: BoardRow[];
  categories: { id: string; name: string }[];
  indicators: { id: string; name: string; category: string }[];
}

const cache = new WeakMap<Store, Map<string, { version: string; board: Board }>>();

/**
 * The version queries read every stored report row of the period (20,000 rows with large JSON
 * beside them): re-checked at most every VERSION_TTL_MS, so a page is a sort, and the board is at
 * most that much behind a recomputation (the event stream polls on its own).
 */
const VERSION_TTL_MS = 5000;
const checked = new WeakMap<Store, Map<string, { at: number; value: Promise<string | string[]> }>>();
function cachedCheck<T extends string | string[]>(store: Store, key: string, read: () => Promise<T>): Promise<T> {
  let byStore = checked.get(store);
  if (!byStore) checked.set(store, (byStore = new Map()));
  const hit = byStore.get(key);
  const now = Date.now();
  if (hit && now - hit.at < VERSION_TTL_MS) return hit.value as Promise<T>;
  const value = read();
  byStore.set(key, { at: now, value });
  // A failed read is not remembered.
  value.catch(() => byStore.get(key)?.value === value && byStore.delete(key));
  return value;
}

/** Forget the cached version checks (the event stream saw a change: the next page must see it too). */
export function forgetBoardChecks(store: Store): void {
  checked.delete(store);
}

export function boardPeriods(store: Store): Promise<string[]> {
  return cachedCheck(store, 'periods', () => store.console.reportPeriods());
}

/** The board period of the live figures (实时: the running month). */
export const LIVE_PERIOD = 'live';

/** Whether live figures are stored (the 实时 option is offered). */
export async function hasLiveBoard(store: Store): Promise<boolean> {
  return !(await cachedCheck(store, 'version:live', () => store.live.version())).startsWith('0:');
}

/** The version a board's cache and the event stream compare. */
export function boardVersion(store: Store, period: string): Promise<string> {
  return period === LIVE_PERIOD ? store.live.version() : store.console.reportsVersion(period);
}

/** Boards being built, so concurrent first requests parse the reports once. */
const building = new WeakMap<Store, Map<string, Promise<Board>>>();

/** The board of a period (null when no report of it is stored); `live` needs the config (indicator categories). */
export async function rankingBoard(store: Store, period: string, config?: Config): Promise<Board | null> {
  const version = await cachedCheck(store, `version:${period}`, () => boardVersion(store, period));
  if (version.startsWith('0:')) return null;
  let byStore = cache.get(store);
  if (!byStore) cache.set(store, (byStore = new Map()));
  const hit = byStore.get(period);
  if (hit && hit.version === version) return hit.board;
  let inFlight = building.get(store);
  if (!inFlight) building.set(store, (inFlight = new Map()));
  const key = `${period}|${version}`;
  let pending = inFlight.get(key);
  if (!pending) {
    pending =
      period === LIVE_PERIOD
        ? (async () => {
            if (!config) throw new Error('the live board needs the config');
            const rows = await store.live.list();
            const prev = rows[0] ? previousPeriod(livePeriodOf(rows)).label : '';
            return buildLiveBoard(rows, prev ? await store.reports.history([prev]) : new Map(), config);
          })()
        : store.console.branchReportsData(period).then((data) => buildBoard(period, data));
    inFlight.set(key, pending);
    void pending.finally(() => inFlight.delete(key)).catch(() => undefined);
  }
  const board = await pending;
  byStore.set(period, { version, board });
  if (byStore.size > 8) byStore.delete(byStore.keys().next().value!);
  return board;
}

/** The period of the newest live rows (a month rolling over leaves older rows until the next full pass). */
function livePeriodOf(rows: readonly LiveBoardRow[]) {
  let latest = rows[0]!;
  for (const r of rows) if (r.period > latest.period || (r.period === latest.period && r.computedAt > latest.computedAt)) latest = r;
  return livePeriod(latest.computedAt);
}

/** The live board (pure): rows of the newest period ranked as a report ranks them, change since `history`'s previous month. */
export function buildLiveBoard(all: readonly LiveBoardRow[], history: ReadonlyMap<string, readonly { period: string; score: number | null; rank: number | null }[]>, config: Config): Board {
  const p = all.length ? livePeriodOf(all) : null;
  const rows = p ? all.filter((r) => r.period === p.label) : [];
  const prev = p ? previousPeriod(p).label : '';
  const byDomain = rankWithin(rows, (r) => r.score, (r) => r.domain ?? '');
  const byParent = rankWithin(rows, (r) => r.score, (r) => r.parent);
  const imported = config.reports.imported_indicators;
  const indicatorIds = new Set<string>();
  for (const r of rows) for (const id of Object.keys(r.indicators)) indicatorIds.add(id);
  const categoryOf = (id: string) => (RECORD_INDICATORS as Record<string, { category: string } | undefined>)[id]?.category ?? imported[id]?.category ?? '';
  const nameOf = (id: string) => (RECORD_INDICATORS as Record<string, { name: string } | undefined>)[id]?.name ?? id;
  const order = new Map<string, number>(CATEGORY_IDS.map((c, i) => [c, i]));
  return {
    period: LIVE_PERIOD,
    periodName: p ? `${periodNameZh(p)}（实时）` : '实时',
    rows: rows.map((r) => {
      const d = byDomain.get(r)!;
      const c = byParent.get(r)!;
      const before = history.get(r.org)?.find((h) => h.period === prev);
      return {
        org: r.org,
        name: r.name,
        parent: r.parent,
        parentName: r.parentName,
        domain: r.domain,
        score: r.score,
        grade: r.grade,
        colour: r.colour,
        stars: r.stars,
        vetoed: r.vetoed,
        rank: d.rank,
        rankOf: d.of,
        committeeRank: c.rank,
        rankChange: before?.rank != null && d.rank !== null ? before.rank - d.rank : null,
        scoreChange: before?.score != null && r.score !== null ? round(r.score - before.score, 1) : null,
        categories: r.categories,
        indicators: r.indicators,
      };
    }),
    categories: CATEGORY_IDS.map((id) => ({ id, name: CATEGORY_NAMES_ZH[id] })),
    indicators: [...indicatorIds]
      .map((id) => ({ id, name: nameOf(id), category: categoryOf(id) }))
      .sort((a, b) => (order.get(a.category) ?? 9) - (order.get(b.category) ?? 9)),
  };
}

function buildBoard(period: string, data: string[]): Board {
  const categories = new Map<string, string>();
  const indicators = new Map<string, { name: string; category: string }>();
  let periodName = period;
  const rows: BoardRow[] = data.map((json) => {
    const r = JSON.parse(json) as BranchReport;
    periodName = r.periodName;
    const cats: Record<string, number | null> = {};
    const inds: Record<string, number | null> = {};
    for (const c of r.categories) {
      categories.set(c.id, c.name);
      cats[c.id] = c.score;
      for (const i of c.indicators) {
        indicators.set(i.id, { name: i.name, category: c.id });
        inds[i.id] = i.score;
      }
    }
    return {
      org: r.org,
      name: r.name,
      parent: r.parent,
      parentName: r.parentName,
      domain: r.domain,
      score: r.score,
      grade: r.grade,
      colour: r.colour?.colour ?? null,
      stars: r.stars,
      vetoed: r.vetoed,
      rank: r.rank,
      rankOf: r.rankOf,
      committeeRank: r.committeeRank,
      rankChange: r.change.rank,
      scoreChange: r.change.score,
      categories: cats,
      indicators: inds,
    };
  });
  return {
    period,
    periodName,
    rows,
    categories: [...categories].map(([id, name]) => ({ id, name })),
    indicators: [...indicators].map(([id, v]) => ({ id, ...v })),
  };
}

export interface BoardQuery {
  domain?: string;
  committee?: string;
  /** 'score' (default), 'category:<id>' or 'indicator:<id>'. */
  sort?: string;
  /** Only these branch codes (the user's scope), or null. */
  orgs: ReadonlySet<string> | null;
}

export type RankedRow = BoardRow & { position: number | null; value: number | null };

/** A filtered, sorted view of a board: row indexes in order, with each one's value and position. */
interface Ordering {
  order: number[];
  values: (number | null)[];
  positions: (number | null)[];
}

function orderingOf(board: Board, q: BoardQuery): Ordering {
  const [kind, id] = (q.sort ?? 'score').split(':') as [string, string | undefined];
  const rows = board.rows;
  const order: number[] = [];
  const all: (number | null)[] = new Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    if ((q.domain && r.domain !== q.domain) || (q.committee && r.parent !== q.committee) || (q.orgs && !q.orgs.has(r.org))) continue;
    all[i] = kind === 'category' && id ? (r.categories[id] ?? null) : kind === 'indicator' && id ? (r.indicators[id] ?? null) : r.score;
    order.push(i);
  }
  // Sorting indexes over a plain array of numbers: sorting 20,000 row objects copied per request took a second.
  order.sort((a, b) => (all[b] ?? -1) - (all[a] ?? -1) || byCode(rows[a]!.org, rows[b]!.org));
  const values = order.map((i) => all[i] ?? null);
  const positions: (number | null)[] = new Array(order.length).fill(null);
  let pos = 0;
  let last: number | null = null;
  values.forEach((v, k) => {
    if (v === null) return;
    if (v !== last) (pos = k + 1), (last = v);
    positions[k] = pos;
  });
  return { order, values, positions };
}

/** Orderings per board, by query (a board is replaced when its reports change, so they go with it). */
const orderings = new WeakMap<Board, Map<string, Ordering>>();
const MAX_ORDERINGS = 64;

/**
 * One page of the board filtered and sorted (ties share a position), with the total. With a
 * `scopeKey` naming `q.orgs` (the user's org), the ordering is kept with the board, so a page
 * after the first for the same view is a slice.
 */
export function boardPage(board: Board, q: BoardQuery & { scopeKey?: string }, offset: number, size: number): { total: number; rows: RankedRow[] } {
  const cacheable = !q.orgs || q.scopeKey !== undefined;
  const key = `${q.sort ?? 'score'}|${q.domain ?? ''}|${q.committee ?? ''}|${q.orgs ? `${q.scopeKey}:${q.orgs.size}` : '*'}`;
  let byBoard = orderings.get(board);
  let o = cacheable ? byBoard?.get(key) : undefined;
  if (!o) {
    o = orderingOf(board, q);
    if (cacheable) {
      if (!byBoard) orderings.set(board, (byBoard = new Map()));
      byBoard.set(key, o);
      if (byBoard.size > MAX_ORDERINGS) byBoard.delete(byBoard.keys().next().value!);
    }
  }
  const rows: RankedRow[] = [];
  for (let k = offset; k < Math.min(offset + size, o.order.length); k++) rows.push({ ...board.rows[o.order[k]!]!, value: o.values[k]!, position: o.positions[k]! });
  return { total: o.order.length, rows };
}

/** Every row of the board filtered and sorted, with each row's position in that order (ties share it). */
export function boardRows(board: Board, q: BoardQuery): RankedRow[] {
  return boardPage(board, q, 0, board.rows.length).rows;
}

/** Per committee: branches, average score and grade counts (the committee board). */
export type CommitteeLine = { code: string; name: string; branches: number; rated: number; average: number | null; grades: Record<string, number> };

const committeeBoards = new WeakMap<Board, Map<string, CommitteeLine[]>>();

/** committeeBoard(), kept with the board per (domain, scope) when `scopeKey` names `q.orgs` (callers must not change the result). */
export function committeeBoardOf(board: Board, q: Pick<BoardQuery, 'domain' | 'orgs'> & { scopeKey?: string }): CommitteeLine[] {
  if (q.orgs && q.scopeKey === undefined) return committeeBoard(board, q);
  const key = `${q.domain ?? ''}|${q.orgs ? `${q.scopeKey}:${q.orgs.size}` : '*'}`;
  let byBoard = committeeBoards.get(board);
  if (!byBoard) committeeBoards.set(board, (byBoard = new Map()));
  let out = byBoard.get(key);
  if (!out) {
    byBoard.set(key, (out = committeeBoard(board, q)));
    if (byBoard.size > MAX_ORDERINGS) byBoard.delete(byBoard.keys().next().value!);
  }
  return out;
}

export function committeeBoard(board: Board, q: Pick<BoardQuery, 'domain' | 'orgs'>): CommitteeLine[] {
  const by = new Map<string, { code: string; name: string; branches: number; rated: number; sum: number; grades: Record<string, number> }>();
  for (const r of board.rows) {
    if ((q.domain && r.domain !== q.domain) || (q.orgs && !q.orgs.has(r.org))) continue;
    const code = r.parent ?? '—';
    let c = by.get(code);
    if (!c) by.set(code, (c = { code, name: r.parentName ?? code, branches: 0, rated: 0, sum: 0, grades: {} }));
    c.branches++;
    if (r.score !== null) (c.rated++, (c.sum += r.score));
    if (r.grade) c.grades[r.grade] = (c.grades[r.grade] ?? 0) + 1;
  }
  return [...by.values()]
    .map((c) => ({ code: c.code, name: c.name, branches: c.branches, rated: c.rated, average: c.rated ? Math.round((c.sum / c.rated) * 10) / 10 : null, grades: c.grades }))
    .sort((a, b) => (b.average ?? -1) - (a.average ?? -1) || byCode(a.code, b.code));
}
