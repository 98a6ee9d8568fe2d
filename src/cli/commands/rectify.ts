/**
 * `orglife rectify list [--org CODE] [--overdue] [--all] [--json] [--at T]` and
 * `orglife rectify close ID --note TEXT [--at T]`: the rectification items (限期整改) that health-check
 * reports create, one per problem, due `reports.rectification_days` after the report. An open item
 * past its deadline shows as 整改逾期 in later reports and lowers 整改落实 until it is closed here.
 */
import type { Command } from 'commander';
import { closeRectificationItem, RectificationError, rectificationTable, rectificationView } from '../../reports/rectification.js';
import type { Store } from '../../store/port.js';
import { parseAtOption, withExistingStore } from '../existing-db.js';
import { UserError } from '../errors.js';

const withStore = <T>(fn: (store: Store) => Promise<T>): Promise<T> => withExistingStore(fn, [RectificationError]);
const parseAt = parseAtOption;

export function registerRectify(program: Command): void {
  const rectify = program.command('rectify').description('体检报告的整改事项（限期整改）：查看与销号 / rectification items of the reports');
  rectify
    .command('list')
    .description('列出整改事项（默认只列未销号的，期限最早的在前）/ list rectification items, earliest deadline first')
    .option('--org <code>', '只列出此组织的整改事项 / only this org')
    .option('--overdue', '只列出已超过期限仍未销号的 / only open items past their deadline')
    .option('--all', '包括已销号的 / include closed items')
    .option('--json', '每行输出一个 JSON 对象 / one JSON object per line')
    .option('--at <time>', '按此时间判断是否逾期（测试用），默认当前时间 / judge overdue as of this time')
    .action(async (flags: { org?: string; overdue?: boolean; all?: boolean; json?: boolean; at?: string }) => {
      const now = parseAt(flags.at);
      await withStore(async (store) => {
        const rows = await store.reports.rectifications({ org: flags.org, all: flags.all, overdueAt: flags.overdue ? now : undefined });
        process.stdout.write(flags.json ? rows.map((r) => `${JSON.stringify(rectificationView(r, now))}\n`).join('') : `${rectificationTable(rows, now)}\n`);
      });
    });
  rectify
    .command('close')
    .argument('<id>', '整改事项编号（见 rectify list）/ item id')
    .description('整改完成后销号，并记录整改说明 / close an item with a note on what was done')
    .option('--note <text>', '整改说明：做了什么、何时完成 / what was done')
    .option('--at <time>', '按此时间销号（测试用），默认当前时间 / close as of this time')
    .action(async (id: string, flags: { note?: string; at?: string }) => {
      if (!flags.note?.trim()) throw new UserError('缺少整改说明：请用 --note 说明整改情况 / --note is required');
      if (!/^\d+$/.test(id)) throw new UserError(`无效的整改事项编号 "${id}"：应为数字，见 orglife rectify list / invalid item id`);
      const now = parseAt(flags.at);
      await withStore(async (store) => {
        const closed = await closeRectificationItem(store, Number(id), flags.note!, now);
        const late = closed.dueAt <= now ? '（超过期限后完成）' : '（按期完成）';
        process.stdout.write(`已销号：整改事项 ${id}${late}\n${rectificationTable([closed], now)}\n`);
      });
    });
}
