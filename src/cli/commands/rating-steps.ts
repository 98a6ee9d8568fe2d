/**
 * The data of each step, entered by hand (a self-assessment file goes through orglife import):
 *   orglife rating self   --year Y --org CODE --stars N [--score 指标=分 …]       支部自评
 *   orglife rating score  --year Y --org CODE --stars N [--score 指标=分 …]       党委考评
 *   orglife rating review --year Y --org CODE (--cancel-five-star | --stars N) --reason TEXT   市级复核
 *   orglife rating object --year Y --org CODE --text TEXT                          公示异议
 *   orglife rating answer ID --text TEXT                                           答复异议
 * All take --by NAME and --at TIME.
 */
import type { Command } from 'commander';
import { answerObjection, raiseObjection, recordCityReview, recordCommitteeReview, recordSelfAssessment } from '../../rating/campaign-service.js';
import { UserError } from '../errors.js';
import { parseAtOption } from '../existing-db.js';
import { actorOf, parseYearFlag, withRatingStore } from './rating-options.js';

interface Flags {
  year?: string;
  org?: string;
  stars?: string;
  score?: string[];
  reason?: string;
  cancelFiveStar?: boolean;
  text?: string;
  by?: string;
  at?: string;
}

const collect = (v: string, prev: string[] = []) => [...prev, v];

function starsFlag(v: string | undefined): number {
  if (v === undefined || !/^[1-5]$/.test(v.trim())) throw new UserError(`无效的星级 --stars "${v ?? ''}"：应为 1–5 / --stars must be 1–5`);
  return Number(v);
}

function orgFlag(v: string | undefined): string {
  if (!v?.trim()) throw new UserError('请用 --org 指定党支部编码 / --org is required');
  return v.trim();
}

/** --score 指标=分, repeatable: indicator → score 0–100. */
export function scoresFlag(list: string[] | undefined): Record<string, number> | null {
  if (!list?.length) return null;
  const out: Record<string, number> = {};
  for (const item of list) {
    const m = /^(.+?)[=＝:：]\s*([\d.]+)$/.exec(item.trim());
    const n = m ? Number(m[2]) : NaN;
    if (!m || !(n >= 0 && n <= 100)) throw new UserError(`无效的 --score "${item}"：应为 指标=得分（0–100），如 --score 班子建设=18 / expected indicator=score`);
    out[m[1]!.trim()] = n;
  }
  return out;
}

const common = (c: Command) =>
  c.option('--year <year>', '年度 / the year').option('--by <name>', '操作人 / who acts').option('--at <time>', '操作时间（测试用）/ time of the action');

export function registerRatingSteps(rating: Command): void {
  common(rating.command('self').description('录入支部自评：自评星级和各指标自评分 / record a branch’s self-assessment'))
    .option('--org <code>', '党支部编码 / branch code')
    .option('--stars <n>', '自评星级 1–5 / claimed star')
    .option('--score <indicator=score>', '指标自评分，可重复 / per-indicator self-score (repeatable)', collect)
    .action(async (f: Flags) => {
      const year = parseYearFlag(f.year);
      const a = { by: actorOf(f.by), at: parseAtOption(f.at) };
      await withRatingStore((store, config) => recordSelfAssessment(store, config, year, orgFlag(f.org), starsFlag(f.stars), scoresFlag(f.score), a));
      process.stdout.write(`已记录「${f.org}」${year} 年度支部自评 ${f.stars} 星 / self-assessment recorded\n`);
    });

  common(rating.command('score').description('录入党委考评：评分和拟定星级（负面清单、软弱涣散受限）/ record the committee’s scores and proposed star'))
    .option('--org <code>', '党支部编码 / branch code')
    .option('--stars <n>', '拟定星级 1–5 / proposed star')
    .option('--score <indicator=score>', '指标评分，可重复 / per-indicator score (repeatable)', collect)
    .action(async (f: Flags) => {
      const year = parseYearFlag(f.year);
      const a = { by: actorOf(f.by), at: parseAtOption(f.at) };
      await withRatingStore((store, config) => recordCommitteeReview(store, config, year, orgFlag(f.org), starsFlag(f.stars), scoresFlag(f.score), a));
      process.stdout.write(`已记录「${f.org}」${year} 年度党委考评，拟定 ${f.stars} 星 / committee review recorded\n`);
    });

  common(rating.command('review').description('市级复核：取消五星候选资格或调整星级，须说明理由 / city review of a candidate'))
    .option('--org <code>', '党支部编码 / branch code')
    .option('--cancel-five-star', '取消五星资格 / cancel five-star eligibility')
    .option('--stars <n>', '调整后的星级 / adjusted star')
    .option('--reason <text>', '理由（必填）/ reason (required)')
    .action(async (f: Flags) => {
      const year = parseYearFlag(f.year);
      const a = { by: actorOf(f.by), at: parseAtOption(f.at) };
      if (!f.reason?.trim()) throw new UserError('请用 --reason 说明复核理由 / --reason is required');
      if (!!f.cancelFiveStar === (f.stars !== undefined)) throw new UserError('请二选一：--cancel-five-star 或 --stars N / give exactly one of --cancel-five-star, --stars');
      const v = f.cancelFiveStar ? { cancelFiveStar: true as const, reason: f.reason } : { stars: starsFlag(f.stars), reason: f.reason };
      await withRatingStore((store, config) => recordCityReview(store, config, year, orgFlag(f.org), v, a));
      process.stdout.write(`已记录「${f.org}」市级复核：${f.cancelFiveStar ? '取消五星资格' : `调整为 ${f.stars} 星`} / city review recorded\n`);
    });

  common(rating.command('object').description('登记公示期间的异议 / record an objection during the public notice'))
    .option('--org <code>', '党支部编码 / branch code')
    .option('--text <text>', '异议内容 / the objection')
    .action(async (f: Flags) => {
      const year = parseYearFlag(f.year);
      const a = { by: actorOf(f.by), at: parseAtOption(f.at) };
      const id = await withRatingStore((store) => raiseObjection(store, year, orgFlag(f.org), f.text ?? '', a));
      process.stdout.write(`已登记异议，编号 ${id} / objection ${id} recorded\n`);
    });

  rating
    .command('answer')
    .argument('<id>', '异议编号 / objection id')
    .description('答复公示异议 / answer an objection')
    .option('--text <text>', '答复内容 / the answer')
    .option('--by <name>', '操作人 / who acts')
    .option('--at <time>', '操作时间（测试用）/ time of the action')
    .action(async (id: string, f: Flags) => {
      if (!/^\d+$/.test(id)) throw new UserError(`无效的异议编号 "${id}" / invalid objection id`);
      const a = { by: actorOf(f.by), at: parseAtOption(f.at) };
      await withRatingStore((store) => answerObjection(store, Number(id), f.text ?? '', a));
      process.stdout.write(`已答复异议 ${id} / objection ${id} answered\n`);
    });
}
