/**
 * Filed star ratings (评星定级结果), keyed (org, year): the final star of each year after public
 * notice. Re-importing a file changes nothing; a key given twice in one file with a different
 * star is rejected. Also the rating-year value parsers shared with the star-change table.
 */
import { KeyedUpserter } from '../../store/sqlite/imports.js';
import { RATING_UPSERT, ratingUpsertParams } from '../../store/sqlite/ratings.js';
import type { RatingFact } from '../../rating/types.js';
import type { CommandContext, RowContext, TableSpec, TableWriter } from '../table.js';
import { cellText, date, Invalid, showValue, text, type ValueParser } from '../values.js';
import { checkBranch } from './assessments.js';

/** A year such as 2025 (also 2025年). */
export const ratingYear: ValueParser<number> = (raw) => {
  const s = cellText(raw)?.replace(/年(度)?$/, '') ?? null;
  if (s === null) return null;
  if (!/^\d{4}$/.test(s) || Number(s) < 1990 || Number(s) > 2100) {
    return new Invalid(`年度「${showValue(raw)}」无效，应为四位年份，如 2025`, `invalid year "${showValue(raw)}" (expected e.g. 2025)`);
  }
  return Number(s);
};

/** A star count within [min, 5]; also 五星/5星/★★★★★. */
export function starCount(min: 0 | 1): ValueParser<number> {
  const zh = ['零', '一', '二', '三', '四', '五'];
  return (raw) => {
    let s = cellText(raw);
    if (s === null) return null;
    if (/^★+$/.test(s)) s = String(s.length);
    s = s.replace(/星(级)?$/, '');
    const k = zh.indexOf(s);
    if (k >= 0) s = String(k);
    if (s === '两') s = '2';
    const n = /^\d+(\.0*)?$/.test(s) ? Number(s) : NaN;
    if (!Number.isInteger(n) || n < min || n > 5) {
      return new Invalid(
        `星级「${showValue(raw)}」无效，应为 ${min}–5 的整数${min === 0 ? '（0 表示摘星）' : ''}`,
        `invalid stars "${showValue(raw)}" (expected a whole number ${min}–5${min === 0 ? '; 0 = star removed' : ''})`,
      );
    }
    return n;
  };
}

/** Report a duplicate key found by the upserter. */
export function reportConflict(row: RowContext, upserter: KeyedUpserter, key: string, what: string, whatEn: string, value: unknown): void {
  const at = upserter.conflictLine;
  const unit = row.line !== undefined ? '行' : '项';
  row.fail(
    key,
    `${what}${at !== undefined ? `在第 ${at} ${unit}` : '在本文件前面'}已出现且内容不同`,
    `${whatEn} already appears ${at !== undefined ? `at ${row.line !== undefined ? 'line' : 'item'} ${at}` : 'earlier in this file'} with different content`,
    value,
  );
}

class RatingsWriter implements TableWriter<RatingFact> {
  private readonly upserter: KeyedUpserter;
  constructor(private readonly cmd: CommandContext) {
    this.upserter = new KeyedUpserter(cmd.db.$client, RATING_UPSERT);
  }

  beginFile(): void {
    this.upserter.beginFile();
  }

  add(r: RatingFact, row: RowContext): void {
    const outcome = this.upserter.upsert(ratingUpsertParams(r, this.cmd.now), row.line ?? row.item ?? 0);
    if (outcome === 'conflict') {
      reportConflict(row, this.upserter, 'stars', `「${r.org}」${r.year} 年度的星级`, `the rating of "${r.org}" for ${r.year}`, r.stars);
      return;
    }
    row.file[outcome]++;
  }

  finish(): void {}
}

/** 评星定级: org, year, stars, rated_on. */
export const ratingsTable: TableSpec<RatingFact> = {
  name: 'ratings',
  nameZh: '评星定级',
  order: 30,
  signature: ['org', 'year', 'stars'],
  columns: [
    { key: 'org', zh: '组织编码', aliases: ['支部编码', '党支部编码'], required: true, parse: text },
    { key: 'year', zh: '年度', aliases: ['评定年度', '年份'], required: true, parse: ratingYear },
    { key: 'stars', zh: '星级', aliases: ['评定星级', '最终星级'], required: true, parse: starCount(1) },
    { key: 'rated_on', zh: '评定日期', field: 'ratedOn', aliases: ['备案日期', '定级日期'], parse: date },
  ],
  validate(rec, row) {
    if (!checkBranch(rec.org, row)) return null;
    const r = rec as { year?: number; ratedOn?: string | null };
    if (typeof r.year === 'number' && typeof r.ratedOn === 'string' && Number(r.ratedOn.slice(0, 4)) < r.year) {
      row.fail('rated_on', `评定日期 ${r.ratedOn} 早于所评年度 ${r.year}`, `rated_on ${r.ratedOn} is before the year rated (${r.year})`, r.ratedOn);
      return null;
    }
    return { org: rec.org as string, year: rec.year as number, stars: rec.stars as number, ratedOn: (rec.ratedOn as string | null) ?? null };
  },
  openWriter(cmd) {
    return new RatingsWriter(cmd);
  },
};
