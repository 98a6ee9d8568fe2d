/**
 * Filed star ratings (评星定级结果), keyed (org, year): the final star of each year after public
 * notice. Re-importing a file changes nothing; a key given twice in one file with a different
 * star is rejected. Also the rating-year value parsers shared with the star-change table.
 */
import type { RatingFact } from '../../rating/types.js';
import { SessionBatch } from '../batch.js';
import type { CommandContext, FileTally, RowContext, TableSpec, TableWriter } from '../table.js';
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

class RatingsWriter implements TableWriter<RatingFact> {
  private readonly batch: SessionBatch<'ratings'>;
  constructor(private readonly cmd: CommandContext) {
    this.batch = new SessionBatch(cmd, 'ratings', (r) => ({ key: 'stars', zh: `「${r.org}」${r.year} 年度的星级`, en: `the rating of "${r.org}" for ${r.year}`, value: r.stars }));
  }

  async beginFile(file: FileTally): Promise<void> {
    await this.batch.nextFile();
    await this.cmd.session.beginFile('ratings', file.source);
  }

  add(r: RatingFact, row: RowContext): void {
    this.batch.add(r, row);
  }

  flush(): Promise<void> {
    return this.batch.flush();
  }

  finish(): Promise<void> {
    return this.batch.flush(true);
  }
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
