/**
 * `orglife grades [--period 2026-11] [--org CODE] [--json] [--at TIME]`: the month's colour grades
 * (红黄绿) per committee, with the consequences of repeated red months. Read-only.
 */
import type { Command } from 'commander';
import { parsePeriod, parseTimestamp, periodOf } from '../../domain/calendar.js';
import { UserError } from '../errors.js';

interface Flags {
  period?: string;
  org?: string;
  json?: boolean;
  at?: string;
}

export function registerGrades(program: Command): void {
  program
    .command('grades')
    .description('按月评定支部红黄绿等级，列出各党委需落实的后果（如约谈）/ monthly colour grades per committee, with consequences')
    .option('--period <month>', '评定的月份，如 2026-11；默认本月 / the month, e.g. 2026-11 (default: this month)')
    .option('--org <code>', '只看此党委下的支部（或此支部）/ only the branches under this org')
    .option('--at <time>', '按此时间评定（默认现在），ISO 8601，无时区即北京时间 / as of this time')
    .option('--json', '每个支部输出一行 JSON / one JSON object per branch')
    .addHelpText(
      'after',
      '\n连续若干个月存在预警（预警或督办）的支部为黄、为红，阈值与后果见配置 grades:。\n只读取数据，不发送任何消息。\n' +
        'A branch is yellow / red after consecutive months with a warning standing (config grades:). Read-only.',
    )
    .action(async (flags: Flags) => {
      let now = Date.now();
      if (flags.at !== undefined) {
        const t = parseTimestamp(flags.at);
        if (t === null) throw new UserError(`无效的时间 --at "${flags.at}"：请使用 ISO 8601 格式，如 2026-11-28 / invalid --at time`);
        now = t;
      }
      const month = flags.period === undefined ? periodOf('month', now) : parsePeriod(flags.period);
      if (!month || month.kind !== 'month') {
        throw new UserError(`无效的月份 --period "${flags.period}"：红黄绿按月评定，应为 2026-11 这样的月份 / --period must be a month like 2026-11`);
      }
      if (month.start > now) throw new UserError(`${month.label} 尚未开始，无法评定 / ${month.label} has not begun`);
      const [{ defaultConfigPath, loadConfig }, { openStore }, { monthGrades }, { gradesText }] = await Promise.all([
        import('../../config/load.js'),
        import('../../store/open.js'),
        import('../../grades/gather.js'),
        import('../../grades/format.js'),
      ]);
      const { config } = loadConfig(defaultConfigPath(), now);
      const store = await openStore(undefined, { mustExist: true });
      try {
        if (flags.org !== undefined && !(await store.orgs.kindOf(flags.org))) {
          throw new UserError(`未知的组织代码 --org "${flags.org}" / unknown org code`);
        }
        const g = await monthGrades(store, config, month, now, flags.org === undefined ? {} : { org: flags.org });
        if (flags.json) {
          process.stdout.write(g.branches.map((b) => `${JSON.stringify({ period: month.label, ...b })}\n`).join(''));
        } else process.stdout.write(`${gradesText(g, config.grades, now)}\n`);
      } finally {
        await store.close();
      }
    });
}
