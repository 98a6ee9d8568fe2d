/**
 * Self-assessments (支部自评) of a rating campaign, one row per (org, year, indicator): the branch's
 * claimed star (the same on every row of a branch) and its self-score per indicator. Accepted only
 * while that year's campaign is at the self-assessment step. Rows are staged per branch and
 * written at the end of the command, replacing the branch's self-assessment; re-importing the
 * same file changes nothing.
 */
import type { CommandContext, FileTally, RowContext, TableSpec, TableWriter } from '../table.js';
import { text } from '../values.js';
import { checkBranch, score } from './assessments.js';
import { ratingYear, starCount } from './ratings.js';

export interface SelfAssessmentRow {
  org: string;
  year: number;
  stars: number;
  indicator: string | null;
  score: number | null;
}

interface Staged {
  year: number;
  org: string;
  stars: number;
  line: number | undefined;
  scores: Record<string, number>;
}

/** Campaign states by year, loaded once per command before the first row (validate reads them). */
const campaigns = new WeakMap<CommandContext, Map<number, string>>();

class SelfAssessmentsWriter implements TableWriter<SelfAssessmentRow> {
  private readonly staged = new Map<string, Staged>();
  /** Each accepted row, counted once the stored entries are known. */
  private readonly rows: { staged: Staged; row: SelfAssessmentRow; file: FileTally }[] = [];
  constructor(private readonly cmd: CommandContext) {}

  async beginFile(): Promise<void> {}

  async flush(): Promise<void> {}

  add(r: SelfAssessmentRow, row: RowContext): void {
    const key = `${r.year}\u0000${r.org}`;
    let s = this.staged.get(key);
    if (!s) this.staged.set(key, (s = { year: r.year, org: r.org, stars: r.stars, line: row.line ?? row.item, scores: {} }));
    else if (s.stars !== r.stars) {
      row.fail('self_stars', `「${r.org}」的自评星级与第 ${s.line ?? '?'} 行不一致`, `the claimed star of "${r.org}" differs from line ${s.line ?? '?'}`, r.stars);
      return;
    }
    if (r.indicator !== null && r.score !== null) {
      if (r.indicator in s.scores && s.scores[r.indicator] !== r.score) {
        row.fail('score', `「${r.org}」的指标「${r.indicator}」在本文件前面已出现且得分不同`, `duplicate indicator "${r.indicator}" with a different score`, r.score);
        return;
      }
      s.scores[r.indicator] = r.score;
    }
    this.rows.push({ staged: s, row: r, file: row.file });
  }

  /** Count every row against the stored entries, then replace the self step of each branch whose claim changed. */
  async finish(): Promise<void> {
    const staged = [...this.staged.values()];
    const old = await this.cmd.session.selfAssessments(staged.map((s) => ({ year: s.year, org: s.org })));
    const oldOf = new Map(staged.map((s, i) => [s, old[i]]));
    for (const { staged: s, row: r, file } of this.rows) {
      const o = oldOf.get(s);
      if (!o || o.stars === null) file.inserted++;
      else if (o.stars === r.stars && (r.indicator === null || o.scores?.[r.indicator] === r.score)) file.unchanged++;
      else file.updated++;
    }
    if (this.cmd.failed) return;
    const writes = staged.flatMap((s) => {
      const o = oldOf.get(s);
      const scores = Object.keys(s.scores).length ? s.scores : null;
      if (o && o.stars === s.stars && JSON.stringify(o.scores) === JSON.stringify(scores)) return [];
      return [{ year: s.year, org: s.org, stars: s.stars, scores, actor: '导入', reason: `自评 ${s.stars} 星（文件导入）` }];
    });
    if (writes.length) {
      await this.cmd.session.beginFile('self_assessments', '');
      await this.cmd.session.upsert('self_assessments', writes, writes.map(() => 0), this.cmd.now);
    }
  }
}

/** 支部自评: org, year, stars, indicator, score. */
export const selfAssessmentsTable: TableSpec<SelfAssessmentRow> = {
  name: 'self_assessments',
  nameZh: '支部自评',
  order: 40,
  signature: ['org', 'year', 'self_stars'],
  columns: [
    { key: 'org', zh: '组织编码', aliases: ['支部编码', '党支部编码'], required: true, parse: text },
    { key: 'year', zh: '年度', aliases: ['评定年度'], required: true, parse: ratingYear },
    { key: 'self_stars', zh: '自评星级', field: 'stars', aliases: ['申报星级'], required: true, parse: starCount(1) },
    { key: 'indicator', zh: '指标', aliases: ['指标名称', '考核指标'], parse: text },
    { key: 'score', zh: '自评得分', aliases: ['自评分'], parse: score },
  ],
  async prepare(cmd) {
    campaigns.set(cmd, await cmd.session.campaignStates());
  },
  validate(rec, row) {
    if (!checkBranch(rec.org, row)) return null;
    if (typeof rec.year === 'number') {
      const c = campaigns.get(row.cmd)?.get(rec.year);
      if (c !== 'self_assessment') {
        row.fail(
          'year',
          c ? `${rec.year} 年度评星定级已过“支部自评”阶段，不能再导入自评` : `${rec.year} 年度评星定级尚未启动（orglife rating open --year ${rec.year}）`,
          c ? `the ${rec.year} campaign is past the self-assessment step` : `no rating campaign for ${rec.year}`,
          rec.year,
        );
        return null;
      }
    }
    if ((rec.indicator === null) !== (rec.score === null) && rec.indicator !== undefined && rec.score !== undefined) {
      row.fail(rec.indicator === null ? 'indicator' : 'score', '指标和自评得分应同时填写或同时为空', 'indicator and score go together', rec.indicator ?? rec.score);
      return null;
    }
    return { org: rec.org as string, year: rec.year as number, stars: rec.stars as number, indicator: (rec.indicator as string | null) ?? null, score: (rec.score as number | null) ?? null };
  },
  openWriter(cmd) {
    return new SelfAssessmentsWriter(cmd);
  },
};
