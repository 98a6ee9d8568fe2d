/**
 * The window read as counts (facts.windowTallies), shared by both adapters: each meeting of the
 * window comes back from SQL as one small integer code, so nothing but a number crosses per
 * meeting and nothing is allocated for it. A code ≥ 0 is a counted meeting:
 * ((branch index in the chunk · slices + slice) · 4 + quorate + 2 · by secretary); a code < 0 is a
 * meeting to list one by one (a record rule could flag it): −1 − its row id, read in full after.
 */
import { MEETING_TYPES } from '../../domain/types.js';
import { TALLY_FIELDS, type TallyLayout } from '../../domain/facts.js';

/** SQL (both dialects) of whether a meeting `m` must be listed rather than counted; FALSE when nothing is. */
export function listedCondition(layout: TallyLayout): string {
  const parts: string[] = [];
  if (layout.list.minutesMissing) parts.push('m.minutes = 0');
  if (layout.list.noQuorum) parts.push(`(m.type = 'assembly' AND m.attended * 2 <= m.expected)`);
  return parts.length ? `(${parts.join(' OR ')})` : '(1 = 0)';
}

/**
 * The layout's slices grouped by meeting type (each type's slices are contiguous in time, tallyLayout):
 * per type, the index of its first slice, its range [start, end), where its slices stop being
 * secretary-only (`all`; `end` when all are), and the end of each slice.
 */
export interface TypeRange {
  type: TallyLayout['buckets'][number]['type'];
  first: number;
  start: number;
  all: number;
  end: number;
  ends: number[];
}

export function typeRanges(layout: TallyLayout): TypeRange[] {
  const out: TypeRange[] = [];
  layout.buckets.forEach((b, k) => {
    let r = out.at(-1);
    if (!r || r.type !== b.type || r.end !== b.start) {
      r = { type: b.type, first: k, start: b.start, all: b.start, end: b.end, ends: [] };
      out.push(r);
    }
    if (b.secretaryOnly) {
      // A secretary-only slice after one that reads every lecture: cannot be expressed as one range.
      if (r.all !== b.start) throw new Error(`tally layout: secretary-only slice after a full one (${b.type})`);
      r.all = b.end;
    }
    r.end = b.end;
    r.ends.push(b.end);
  });
  return out;
}

/** SQL of the layout slice index of a meeting of range `r` held at `heldAt` (the boundaries inline). */
function sliceArm(r: TypeRange, heldAt: string): string {
  if (r.ends.length === 1) return String(r.first);
  const steps = r.ends.slice(0, -1).map((e, j) => `WHEN ${heldAt} < ${e} THEN ${r.first + j}`);
  return `CASE ${steps.join(' ')} ELSE ${r.first + r.ends.length - 1} END`;
}

/**
 * SQL (both dialects) of the layout slice index of a meeting of range number `rangeCol` (the index
 * in typeRanges) held at `heldAt`: the boundaries inline (integers of the layout, not user input).
 */
export function sliceIndexSql(ranges: readonly TypeRange[], rangeCol: string, heldAt: string): string {
  return `CASE ${rangeCol} ${ranges.map((r, i) => `WHEN ${i} THEN ${sliceArm(r, heldAt)}`).join(' ')} END`;
}

/** Whether no meeting type has two ranges (then a meeting's range follows from its type: byTypeSql). */
export function oneRangePerType(ranges: readonly TypeRange[]): boolean {
  return new Set(ranges.map((r) => r.type)).size === ranges.length;
}

/**
 * SQL (both dialects) `CASE typeCol WHEN '<type>' THEN value(range) … END` over ranges of distinct
 * types (oneRangePerType): NULL for a type without a range. The types are MEETING_TYPES' names.
 */
export function byTypeSql(ranges: readonly TypeRange[], typeCol: string, value: (r: TypeRange) => string): string {
  const arms = ranges.map((r) => {
    if (!MEETING_TYPES.includes(r.type)) throw new Error(`tally layout: unknown meeting type ${r.type}`);
    return `WHEN '${r.type}' THEN ${value(r)}`;
  });
  return `CASE ${typeCol} ${arms.join(' ')} END`;
}

/** SQL of the layout slice index of a meeting of type `typeCol` held at `heldAt`, over ranges of distinct types. */
export function sliceIndexByTypeSql(ranges: readonly TypeRange[], typeCol: string, heldAt: string): string {
  return byTypeSql(ranges, typeCol, (r) => sliceArm(r, heldAt));
}

/** SQL rank of m.type in MEETING_TYPES: listed meetings are ordered as the full window read returns them. */
export const TYPE_RANK = `CASE m.type ${MEETING_TYPES.map((t, k) => `WHEN '${t}' THEN ${k}`).join(' ')} END`;

/**
 * Counts per branch from codes an adapter wrote by org id (`(orgId · slices + slice) · 4 + flags`,
 * all counted, none listed) as one comma-separated text (PostgreSQL's string_agg): read digit by
 * digit into the counts, with no array of codes or substrings in between (a chunk carries
 * thousands). The org's place in `orgIds` is looked up once per run of codes of the same org (the
 * server writes them in index order, so runs are long; any order is counted right). A code of an
 * org not in `orgIds` is an adapter error and throws.
 */
export function decodeTallyText(orgIds: readonly number[], layout: TallyLayout, text: string | null | undefined): Map<number, Uint32Array> {
  const slices = layout.buckets.length;
  const per = slices * TALLY_FIELDS;
  const all = new Uint32Array(orgIds.length * per);
  const place = new Map<number, number>();
  orgIds.forEach((id, i) => place.set(id, i));
  if (text) {
    let lastOrg = -1;
    let base = 0;
    let code = 0;
    let digits = 0;
    for (let k = 0; k <= text.length; k++) {
      const c = k < text.length ? text.charCodeAt(k) : 44;
      if (c >= 48 && c <= 57) {
        code = code * 10 + (c - 48);
        digits++;
        continue;
      }
      if (c !== 44 || digits === 0) throw new Error(`tally codes: unexpected ${JSON.stringify(text.slice(Math.max(0, k - 20), k + 1))}`);
      const flags = code % 4;
      const cell = (code - flags) / 4;
      const slice = cell % slices;
      const org = (cell - slice) / slices;
      if (org !== lastOrg) {
        const i = place.get(org);
        if (i === undefined) throw new Error(`tally codes: org ${org} is not in the chunk`);
        lastOrg = org;
        base = i * per;
      }
      const at = base + slice * TALLY_FIELDS;
      all[at] = all[at]! + 1;
      if (flags & 1) all[at + 1] = all[at + 1]! + 1;
      if (flags & 2) all[at + 2] = all[at + 2]! + 1;
      code = 0;
      digits = 0;
    }
  }
  const counts = new Map<number, Uint32Array>();
  for (let i = 0; i < orgIds.length; i++) counts.set(orgIds[i]!, all.subarray(i * per, (i + 1) * per));
  return counts;
}

/** The decoded codes of one chunk: counts per branch (a view per org id) and the row ids to list. */
export function decodeTallies(orgIds: readonly number[], layout: TallyLayout, codes: ArrayLike<number>): { counts: Map<number, Uint32Array>; listed: number[] } {
  const slices = layout.buckets.length;
  const per = slices * TALLY_FIELDS;
  const all = new Uint32Array(orgIds.length * per);
  const listed: number[] = [];
  for (let i = 0; i < codes.length; i++) {
    const code = codes[i]!;
    if (code < 0) {
      listed.push(-1 - code);
      continue;
    }
    const flags = code & 3;
    const cell = (code - flags) / 4; // branch index · slices + slice
    const at = cell * TALLY_FIELDS;
    all[at] = all[at]! + 1;
    if (flags & 1) all[at + 1] = all[at + 1]! + 1;
    if (flags & 2) all[at + 2] = all[at + 2]! + 1;
  }
  const counts = new Map<number, Uint32Array>();
  for (let i = 0; i < orgIds.length; i++) counts.set(orgIds[i]!, all.subarray(i * per, (i + 1) * per));
  return { counts, listed };
}
