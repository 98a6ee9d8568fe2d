/**
 * `orglife alerts list [--open] [--org CODE] [--json]`, `orglife alerts show ID` and
 * `orglife alerts ack ID|ORG --plan TEXT --by YYYY-MM-DD [--who NAME]`: see and acknowledge
 * alerts (认领整改). Acknowledging stops repeats and escalation until the deadline.
 */
import type { Command } from 'commander';
import { acknowledge } from '../../alerts/acknowledge.js';
import { alertJson, alertsTable, historyLines } from '../../alerts/format.js';
import { AlertError } from '../../alerts/types.js';
import type { Store } from '../../store/port.js';
import { parseAtOption, withExistingStore } from '../existing-db.js';
import { UserError } from '../errors.js';

const withStore = <T>(fn: (store: Store) => Promise<T>): Promise<T> => withExistingStore(fn, [AlertError]);
const parseAt = parseAtOption;

export function registerAlerts(program: Command): void {
  const alerts = program.command('alerts').description('预警列表与认领整改 / list and acknowledge alerts');
  alerts
    .command('list')
    .description('列出预警（最新在前）/ list alerts, newest first')
    .option('--open', '只列出未解除的预警（待处理、限期整改）/ only open and acknowledged alerts')
    .option('--org <code>', '只列出此支部的预警 / only this branch')
    .option('--json', '每行输出一个 JSON 对象 / one JSON object per line')
    .action((flags: { open?: boolean; org?: string; json?: boolean }) =>
      withStore(async (store) => {
        const rows = await store.alerts.list({ open: flags.open, org: flags.org });
        process.stdout.write(flags.json ? rows.map((r) => `${alertJson(r)}\n`).join('') : `${alertsTable(rows)}\n`);
      }),
    );
  alerts
    .command('show')
    .argument('<id>', '预警编号 / alert id')
    .description('显示一条预警及其全部变化记录 / one alert and its history')
    .action((id: string) =>
      withStore(async (store) => {
        const n = Number(id);
        const a = Number.isInteger(n) ? await store.alerts.get(n) : undefined;
        if (!a) throw new UserError(`预警编号 ${id} 不存在 / no alert with id ${id}`);
        const [row] = (await store.alerts.list({ org: a.org })).filter((r) => r.id === a.id);
        process.stdout.write(`${alertsTable([row!])}\n情况：${a.message}\n\n${historyLines(await store.alerts.history(a.id)).join('\n')}\n`);
      }),
    );
  alerts
    .command('ack')
    .argument('<target>', '预警编号，或支部编码（认领该支部全部未解除的预警）/ alert id, or a branch code for all its open alerts')
    .description('认领预警并报送整改计划和完成时限（限期整改）/ acknowledge with a rectification plan and deadline')
    .option('--plan <text>', '整改计划 / rectification plan')
    .option('--by <date>', '整改完成期限 YYYY-MM-DD（北京时间当天结束前）/ deadline date')
    .option('--who <name>', '认领人 / who acknowledges')
    .option('--at <time>', '按此时间认领（测试用），默认当前时间 / acknowledge as of this time')
    .action((target: string, flags: { plan?: string; by?: string; who?: string; at?: string }) =>
      withStore(async (store) => {
        if (!flags.plan?.trim()) throw new UserError('缺少整改计划：请用 --plan 说明整改措施 / --plan is required');
        if (!flags.by) throw new UserError('缺少整改期限：请用 --by YYYY-MM-DD 指定 / --by is required');
        const now = parseAt(flags.at);
        const t = /^\d+$/.test(target) ? { id: Number(target) } : { org: target };
        const done = await acknowledge(store, t, { plan: flags.plan, by: flags.by, who: flags.who }, now);
        const ids = new Set(done.map((d) => d.id));
        const orgs = [...new Set(done.map((d) => d.org))];
        const rows = (await Promise.all(orgs.map((org) => store.alerts.list({ org })))).flat().filter((r) => ids.has(r.id)).sort((x, y) => y.id - x.id);
        process.stdout.write(`已认领 ${done.length} 条预警，整改期限 ${flags.by}；期限前不再重复提醒或督办。\n${alertsTable(rows)}\n`);
      }),
    );
}
