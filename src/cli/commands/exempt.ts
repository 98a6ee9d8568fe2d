/**
 * `orglife exempt add --org CODE [--rule RULE] --from DATE --to DATE --reason TEXT --approver NAME`,
 * `exempt list [--org CODE] [--all] [--json]`, `exempt end ID [--note TEXT]`: exemptions (豁免) —
 * an org and its subtree, one rule or all, for a bounded date range. Exempted findings are shown as
 * 已豁免 and are not sent; rows are never deleted (ending one early records who and why).
 */
import type { Command } from 'commander';
import { shanghaiDate, shanghaiDateTime } from '../../domain/calendar.js';
import type { Exemption } from '../../domain/exemptions.js';
import { actorName as who } from '../actor.js';
import { UserError } from '../errors.js';


function line(e: Exemption, now: number, scopeZh: (e: Exemption) => string): string[] {
  const state = e.endedAt !== null ? `已于 ${shanghaiDate(e.endedAt)} 提前结束（${e.endedBy ?? ''}）` : shanghaiDate(now) > e.endsOn ? '已到期' : shanghaiDate(now) < e.startsOn ? '未开始' : '生效中';
  return [String(e.id), e.org, scopeZh(e), `${e.startsOn} 至 ${e.endsOn}`, state, e.reason, e.approver, `${e.createdBy} ${shanghaiDateTime(e.createdAt)}`];
}

async function services() {
  const [{ withExistingStore }, svc, { defaultConfigPath, loadConfig }] = await Promise.all([
    import('../existing-db.js'),
    import('../../exemptions/service.js'),
    import('../../config/load.js'),
  ]);
  return { withExistingStore, svc, loadConfig: () => loadConfig(defaultConfigPath()).config };
}

export function registerExempt(program: Command): void {
  const exempt = program
    .command('exempt')
    .description('豁免：某组织（含下级）在一段时间内不作检查提醒，如支部合并、党委换届、受灾地区 / exemptions')
    .addHelpText('after', '\n豁免期内到期的问题显示为“已豁免”，不发送提醒；豁免不能无限期（最长天数见配置 exemptions.max_days）。\n');
  exempt
    .command('add')
    .description('新增豁免 / grant an exemption')
    .requiredOption('--org <code>', '组织编码（党委则含其下全部支部）/ org code (a committee covers its subtree)')
    .option('--rule <rule>', '只豁免此规则（默认全部规则）/ only this rule id (default: every rule)')
    .requiredOption('--from <date>', '开始日期 YYYY-MM-DD（北京时间）/ first day')
    .requiredOption('--to <date>', '结束日期 YYYY-MM-DD（含当天）/ last day (inclusive)')
    .requiredOption('--reason <text>', '豁免原因 / reason')
    .requiredOption('--approver <name>', '批准人或批准单位 / who approved it')
    .option('--by <name>', '操作人（默认当前系统用户）/ who records it')
    .action(async (f: { org: string; rule?: string; from: string; to: string; reason: string; approver: string; by?: string }) => {
      const { withExistingStore, svc, loadConfig } = await services();
      const config = loadConfig();
      const e = await withExistingStore(
        (store) => svc.grantExemption(store, config, { org: f.org, rule: f.rule ?? null, from: f.from, to: f.to, reason: f.reason, approver: f.approver }, who(f.by), Date.now()),
        [svc.ExemptionError],
      );
      process.stdout.write(`已新增豁免 #${e.id}：${e.org}（${svc.scopeZh(e)}）${e.startsOn} 至 ${e.endsOn}，原因：${e.reason}，批准：${e.approver} / exemption granted\n`);
    });
  exempt
    .command('list')
    .description('列出豁免（默认未结束的）/ list exemptions (not ended by default)')
    .option('--org <code>', '只看此组织的豁免 / only this org')
    .option('--all', '包括已到期和提前结束的 / include expired and ended ones')
    .option('--json', '每行一个 JSON 对象 / one JSON object per line')
    .action(async (f: { org?: string; all?: boolean; json?: boolean }) => {
      const { withExistingStore, svc } = await services();
      const now = Date.now();
      const list = await withExistingStore((store) =>
        store.exemptions.list({ ...(f.org !== undefined ? { org: f.org } : {}), ...(f.all ? { all: true } : { since: shanghaiDate(now) }) }),
      );
      if (f.json) {
        process.stdout.write(list.map((e) => `${JSON.stringify(e)}\n`).join(''));
        return;
      }
      if (!list.length) {
        process.stdout.write(`${f.all ? '没有豁免记录' : '没有生效或待生效的豁免（--all 查看全部）'} / no exemptions\n`);
        return;
      }
      const { table } = await import('../../alerts/format.js');
      process.stdout.write(`${table(['编号', '组织', '范围', '期间', '状态', '原因', '批准', '登记'], list.map((e) => line(e, now, svc.scopeZh)))}\n`);
    });
  exempt
    .command('end')
    .argument('<id>', '豁免编号 / exemption id')
    .description('提前结束豁免（记录保留）/ end an exemption early (it is kept)')
    .option('--note <text>', '说明 / why')
    .option('--by <name>', '操作人（默认当前系统用户）/ who ends it')
    .action(async (id: string, f: { note?: string; by?: string }) => {
      if (!/^\d+$/.test(id)) throw new UserError(`无效的豁免编号 "${id}" / invalid exemption id`);
      const { withExistingStore, svc } = await services();
      const e = await withExistingStore((store) => svc.endExemption(store, Number(id), who(f.by), f.note ?? null, Date.now()), [svc.ExemptionError]);
      process.stdout.write(`已提前结束豁免 #${e.id}（${e.org}，原定至 ${e.endsOn}）/ exemption ended\n`);
    });
}
