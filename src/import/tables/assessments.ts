/**
 * Imported assessment scores (考核得分): the indicators the meeting records cannot show (工作成效,
 * 班子考核 …), one row per (org, indicator, period). Which category an indicator counts in is
 * config `reports.imported_indicators`; an indicator not listed there is kept and shown as not
 * scored in the report. Keyed upsert: re-importing a file changes nothing.
 */
import type { AssessmentFact } from '../../reports/types.js';
import { SessionBatch } from '../batch.js';
import { earlierRow, type CommandContext, type FileTally, type RowContext, type TableSpec, type TableWriter } from '../table.js';
import { cellText, code, Invalid, showValue, text, type ValueParser } from '../values.js';
import { parsePeriod } from '../../domain/calendar.js';

/** A period label: 2026-10 (month), 2026-Q3 (quarter) or 2026 (year). */
export const periodLabel: ValueParser<string> = (raw) => {
  const s = cellText(raw)?.toUpperCase().replace(/\s+/g, '') ?? null;
  if (s === null) return null;
  const p = parsePeriod(s);
  return p
    ? p.label
    : new Invalid(`期间「${showValue(raw)}」无效，应为 2026-10（月）、2026-Q3（季度）或 2026（年度）`, `invalid period "${showValue(raw)}" (expected YYYY-MM, YYYY-Qn or YYYY)`);
};

/** A score from 0 to 100. */
export const score: ValueParser<number> = (raw) => {
  const s = typeof raw === 'number' ? String(raw) : cellText(raw);
  if (s === null) return null;
  const n = Number(s);
  if (!/^[+-]?(\d+\.?\d*|\.\d+)$/.test(s) || !Number.isFinite(n)) return new Invalid(`得分「${showValue(raw)}」不是数字`, `score "${showValue(raw)}" is not a number`);
  if (n < 0 || n > 100) return new Invalid(`得分 ${n} 超出 0–100`, `score ${n} is outside 0–100`);
  return n;
};

/** Report a row whose org is unknown or not a branch; true when the org is fine. */
export function checkBranch(code: unknown, row: RowContext): boolean {
  if (typeof code !== 'string') return false;
  const org = row.cmd.orgs.get(code);
  if (!org) {
    row.fail('org', `组织编码「${code}」不存在（数据库和本次导入的组织文件中都没有）`, `org "${code}" is unknown`, code);
    return false;
  }
  if (org.kind !== 'branch' && !org.invalid) {
    row.fail('org', `「${code}」是党委，评星定级针对党支部`, `"${code}" is a committee; ratings are of branches`, code);
    return false;
  }
  return true;
}

class AssessmentsWriter implements TableWriter<AssessmentFact> {
  /** Every row of the command (all its files), to refuse a key repeated with another score. */
  private readonly seen = new Map<string, { score: number; at: number | undefined; source: string }>();
  private readonly batch: SessionBatch<'assessments'>;
  constructor(private readonly cmd: CommandContext) {
    // Repeats never reach the session (refused or counted here): no conflict can come back.
    this.batch = new SessionBatch(cmd, 'assessments', (a) => ({ key: 'score', zh: `「${a.org}」的指标「${a.indicator}」`, en: `the score of "${a.org}" for "${a.indicator}"`, value: a.score }));
  }

  async beginFile(file: FileTally): Promise<void> {
    await this.batch.nextFile();
    await this.cmd.session.beginFile('assessments', file.source);
  }

  add(a: AssessmentFact, row: RowContext): void {
    const key = `${a.org}\u0000${a.indicator}\u0000${a.period}`;
    const before = this.seen.get(key);
    if (before) {
      if (before.score !== a.score) {
        const at = earlierRow(row, before.source, before.at);
        row.fail('score', `「${a.org}」的指标「${a.indicator}」在 ${a.period} ${at.zh}已出现且得分不同`, `duplicate (org, indicator, period) with a different score (first ${at.en})`, a.score);
      } else row.file.unchanged++;
      return;
    }
    this.seen.set(key, { score: a.score, at: row.line ?? row.item, source: row.source });
    if (this.cmd.failed) return;
    this.batch.add(a, row);
  }

  flush(): Promise<void> {
    return this.batch.flush();
  }

  finish(): Promise<void> {
    return this.batch.flush(true);
  }
}

/** 考核得分: org, indicator, period, score. */
export const assessmentsTable: TableSpec<AssessmentFact> = {
  name: 'assessments',
  nameZh: '考核得分',
  order: 30,
  signature: ['org', 'indicator', 'period', 'score'],
  columns: [
    { key: 'org', zh: '组织编码', aliases: ['支部编码', '党支部编码'], required: true, parse: code },
    { key: 'indicator', zh: '指标', aliases: ['指标名称', '考核指标'], required: true, parse: text },
    { key: 'period', zh: '期间', aliases: ['考核期间', '周期'], required: true, parse: periodLabel },
    { key: 'score', zh: '得分', aliases: ['分数', '考核得分'], required: true, parse: score },
  ],
  validate(rec, row) {
    if (!checkBranch(rec.org, row)) return null;
    return rec as unknown as AssessmentFact;
  },
  openWriter(cmd) {
    return new AssessmentsWriter(cmd);
  },
};
