/**
 * `orglife leave add --org CODE --from DATE --to DATE [--reason TEXT]`, `leave list [--org] [--all]`,
 * `leave end ID`: a secretary's leave (请假). While it runs, the messages for the secretary go to the
 * branch's deputy (组织 columns 副书记 / 副书记手机 / 副书记邮箱); rows are kept.
 */
import type { Command } from 'commander';
import { shanghaiDate } from '../../domain/calendar.js';
import { actorName as who } from '../actor.js';
import { UserError } from '../errors.js';


async function deps() {
  const [{ withExistingStore }, leaves, { ExemptionError }] = await Promise.all([import('../existing-db.js'), import('../../exemptions/leaves.js'), import('../../exemptions/service.js')]);
  return { withExistingStore, leaves, ExemptionError };
}

export function registerLeave(program: Command): void {
  const leave = program
    .command('leave')
    .description('书记请假：请假期间发给书记的提醒改发副书记（组织委员）/ a secretary\'s leave: messages go to the deputy meanwhile')
    .addHelpText('after', '\n副书记的联系方式来自组织表的“副书记、副书记手机、副书记邮箱”列；没有副书记联系方式的支部仍发给书记。\nrouting.copy_deputy: true 时副书记始终同时收到。\n');
  leave
    .command('add')
    .description('登记请假 / record a leave')
    .requiredOption('--org <code>', '组织编码 / org code')
    .requiredOption('--from <date>', '开始日期 YYYY-MM-DD / first day')
    .requiredOption('--to <date>', '结束日期 YYYY-MM-DD（含当天）/ last day (inclusive)')
    .option('--reason <text>', '原因 / reason')
    .option('--by <name>', '操作人（默认当前系统用户）/ who records it')
    .action(async (f: { org: string; from: string; to: string; reason?: string; by?: string }) => {
      const { withExistingStore, leaves, ExemptionError } = await deps();
      const { leave: l, deputy } = await withExistingStore((store) => leaves.recordLeave(store, { org: f.org, from: f.from, to: f.to, reason: f.reason ?? null }, who(f.by), Date.now()), [ExemptionError]);
      process.stdout.write(`已登记请假 #${l.id}：${l.org} 书记 ${l.startsOn} 至 ${l.endsOn}${deputy ? `，期间提醒发给副书记 ${deputy}` : '；该组织没有副书记联系方式，提醒仍发给书记'} / leave recorded\n`);
    });
  leave
    .command('list')
    .description('列出请假（默认未结束的）/ list leaves')
    .option('--org <code>', '只看此组织 / only this org')
    .option('--all', '包括已结束的 / include ended ones')
    .option('--json', '每行一个 JSON 对象 / one JSON object per line')
    .action(async (f: { org?: string; all?: boolean; json?: boolean }) => {
      const { withExistingStore } = await deps();
      const list = await withExistingStore((store) => store.leaves.list({ ...(f.org ? { org: f.org } : {}), ...(f.all ? { all: true } : { since: shanghaiDate(Date.now()) }) }));
      if (f.json) return void process.stdout.write(list.map((l) => `${JSON.stringify(l)}\n`).join(''));
      if (!list.length) return void process.stdout.write('没有请假记录 / no leaves\n');
      for (const l of list) process.stdout.write(`#${l.id}  ${l.org}  ${l.startsOn} 至 ${l.endsOn}${l.endedAt ? `（已于 ${shanghaiDate(l.endedAt)} 结束）` : ''}  ${l.reason ?? ''}  登记：${l.createdBy}\n`);
    });
  leave
    .command('end')
    .argument('<id>', '请假编号 / leave id')
    .description('提前结束请假 / end a leave early')
    .option('--by <name>', '操作人 / who ends it')
    .action(async (id: string, f: { by?: string }) => {
      if (!/^\d+$/.test(id)) throw new UserError(`无效的请假编号 "${id}" / invalid leave id`);
      const { withExistingStore, leaves, ExemptionError } = await deps();
      const l = await withExistingStore((store) => leaves.endLeave(store, Number(id), who(f.by), Date.now()), [ExemptionError]);
      process.stdout.write(`已结束请假 #${l.id}（${l.org}）/ leave ended\n`);
    });
}
