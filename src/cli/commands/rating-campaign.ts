/**
 * The campaign commands (四步走):
 *   orglife rating open --year Y                         启动
 *   orglife rating advance --year Y [--reason TEXT]      进入下一阶段（自评 → 考评 → 复核 → 公示 → 备案）
 *   orglife rating status --year Y [--json] [--xlsx F]   each branch's steps beside the engine's estimate
 * All take --by NAME (who acts; default the login name) and --at TIME (testing).
 */
import type { Command } from 'commander';
import { shanghaiDate, shanghaiDateTime } from '../../domain/calendar.js';
import { CAMPAIGN_STATE_NAMES_ZH, type CampaignState } from '../../rating/campaign.js';
import { advanceCampaign, estimateStars, openCampaign, starLimits } from '../../rating/campaign-service.js';
import { campaignRows, campaignSheet, campaignText } from '../../rating/campaign-view.js';
import { RatingError } from '../../rating/errors.js';
import { saveSheets } from '../../rating/xlsx.js';
import { parseAtOption } from '../existing-db.js';
import { actorOf, parseYearFlag, withRatingStore } from './rating-options.js';

interface Flags {
  year?: string;
  by?: string;
  at?: string;
  reason?: string;
  json?: boolean;
  xlsx?: string;
}

const stateName = (s: string) => CAMPAIGN_STATE_NAMES_ZH[s as CampaignState] ?? s;

export function registerRatingCampaign(rating: Command): void {
  rating
    .command('open')
    .description('启动年度评星定级（进入“支部自评”阶段）/ open the year’s rating campaign')
    .option('--year <year>', '年度 / the year rated')
    .option('--by <name>', '操作人（默认当前登录用户）/ who acts')
    .option('--at <time>', '操作时间（测试用）/ time of the action')
    .action(async (f: Flags) => {
      const year = parseYearFlag(f.year);
      const a = { by: actorOf(f.by), at: parseAtOption(f.at) };
      await withRatingStore(async (store) => {
        await openCampaign(store, year, a);
        process.stdout.write(`已启动 ${year} 年度评星定级，当前阶段：支部自评 / campaign opened\n`);
      });
    });

  rating
    .command('advance')
    .description('进入下一阶段：支部自评 → 党委考评 → 市级复核 → 公示 → 备案 / move to the next step')
    .option('--year <year>', '年度 / the year')
    .option('--reason <text>', '说明 / why')
    .option('--by <name>', '操作人 / who acts')
    .option('--at <time>', '操作时间（测试用）/ time of the action')
    .action(async (f: Flags) => {
      const year = parseYearFlag(f.year);
      const a = { by: actorOf(f.by), at: parseAtOption(f.at) };
      await withRatingStore(async (store, config) => {
        const c = await advanceCampaign(store, config, year, f.reason ?? null, a);
        let msg = `${year} 年度评星定级已进入「${stateName(c.state)}」阶段`;
        if (c.state === 'public_notice') msg += `，公示期 ${c.noticeFrom} 至 ${c.noticeTo}（${config.rating.notice_working_days} 个工作日）`;
        if (c.state === 'filed') msg += `，最终星级已于 ${shanghaiDate(a.at)} 备案`;
        process.stdout.write(`${msg} / now at ${c.state}\n`);
      });
    });

  rating
    .command('status')
    .description('查看年度评星定级：各阶段结果与系统测算、流转记录、公示异议 / the campaign, step by step')
    .option('--year <year>', '年度 / the year')
    .option('--json', '输出 JSON / JSON output')
    .option('--xlsx <file>', '导出 XLSX / export to XLSX')
    .option('--at <time>', '测算时间（测试用）/ estimate as of this time')
    .action(async (f: Flags) => {
      const year = parseYearFlag(f.year);
      const now = parseAtOption(f.at);
      await withRatingStore(async (store, config) => {
        const c = await store.rating.campaign(year);
        if (!c) throw new RatingError(`${year} 年度评星定级尚未启动`, `no rating campaign for ${year}`, 'not_found');
        const branches = new Map((await store.rating.branches()).map((b) => [b.code, b]));
        const entries = await store.rating.campaignEntries(year);
        const rows = campaignRows(entries, branches, await estimateStars(store, config, year, now), await starLimits(store, year, shanghaiDate(now)), config.rating);
        const transitions = await store.rating.transitions(year);
        const objections = await store.rating.objections(year);
        if (f.json) {
          process.stdout.write(`${JSON.stringify({ campaign: c, entries: rows, transitions, objections })}\n`);
        } else {
          const lines = [campaignText(c, rows), '', '流转记录：'];
          for (const t of transitions) {
            // A step's action is recorded as 'state:subject'; a transition as the state reached.
            const [to, subject] = t.toState.split(':');
            const what = subject !== undefined ? `${stateName(t.fromState ?? to!)}（${subject}）` : `${t.fromState ? `${stateName(t.fromState)} → ` : ''}${stateName(to!)}`;
            lines.push(`  ${shanghaiDateTime(t.at)}  ${t.actor}  ${what}${t.reason ? `：${t.reason}` : ''}`);
          }
          if (objections.length) {
            lines.push('', '公示异议：');
            for (const o of objections) lines.push(`  [${o.id}] ${o.org}：${o.text}（${o.raisedBy}）${o.answer ? ` → 答复：${o.answer}（${o.answeredBy}）` : ' → 未答复'}`);
          }
          process.stdout.write(`${lines.join('\n')}\n`);
        }
        if (f.xlsx) {
          await saveSheets(f.xlsx, [campaignSheet(c, rows)]);
          process.stderr.write(`已导出 / written: ${f.xlsx}\n`);
        }
      });
    });
}
