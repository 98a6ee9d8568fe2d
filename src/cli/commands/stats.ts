/**
 * `orglife stats [--period 2026-11] [--json]`: how many warnings (notifications) were sent, per
 * period and committee, by level and channel, and apart from them the report mails, from the
 * delivery records, and apart from both the reminders (the monthly weak-branch reminder).
 */
import type { Command } from 'commander';
import { statsText } from '../../alerts/format.js';
import { parsePeriod } from '../../domain/calendar.js';
import { emptyPeriodStats } from '../../store/rows/period-stats.js';
import { UserError } from '../errors.js';
import { withExistingStore } from '../existing-db.js';


export function registerStats(program: Command): void {
  program
    .command('stats')
    .description('预警消息发送统计（按期间、党委、级别、渠道），另计体检报告邮件和整顿提醒 / notifications sent per period and committee, report mails and reminders apart')
    .option('--period <label>', '期间：月 2026-11、季度 2026-Q4 或年 2026；默认按月列出全部 / a month, quarter or year')
    .option('--json', '输出 JSON（每个期间一行）/ one JSON object per period')
    .action(async (flags: { period?: string; json?: boolean }) => {
      let range: { label: string; start: number; end: number } | undefined;
      if (flags.period !== undefined) {
        const p = parsePeriod(flags.period);
        if (!p) throw new UserError(`无效的期间 --period "${flags.period}"：应为 2026-11、2026-Q4 或 2026 / invalid period`);
        range = { label: p.label, start: p.start, end: p.end };
      }
      await withExistingStore(async (store) => {
        const stats = await store.deliveries.stats(range);
        if (flags.json) {
          const list = stats.length || !range ? stats : [emptyPeriodStats(range.label)];
          process.stdout.write(list.map((s) => `${JSON.stringify(s)}\n`).join(''));
        } else process.stdout.write(`${statsText(stats)}\n`);
      });
    });
}
