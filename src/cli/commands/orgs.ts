/**
 * `orglife orgs list [--removed] [--json]` and `orgs remove CODE [--reason TEXT] [--with-children]`:
 * the org tree as imported, and removing (撤销) an org that no longer exists — kept for history, out
 * of evaluation, reports and deliveries; its open alerts resolve as 组织已撤销 (src/app/remove-orgs.ts).
 * Importing the code again re-activates it.
 */
import type { Command } from 'commander';
import { shanghaiDateTime } from '../../domain/calendar.js';
import { actorName as who } from '../actor.js';

const KIND_ZH = { committee: '党委', branch: '党支部' } as const;

async function deps() {
  const [{ withExistingStore }, removal, { defaultConfigPath, loadConfig }] = await Promise.all([
    import('../existing-db.js'),
    import('../../app/remove-orgs.js'),
    import('../../config/load.js'),
  ]);
  return { withExistingStore, removal, loadConfig: () => loadConfig(defaultConfigPath()).config };
}

export function registerOrgs(program: Command): void {
  const orgs = program
    .command('orgs')
    .description('组织：列出组织，撤销已不存在的组织 / organizations: list them, remove one that no longer exists')
    .addHelpText('after', '\n撤销的组织保留历史记录，不再检查、排名、出报告或发送提醒；其未处理的预警以“组织已撤销”关闭。\n以后再导入同一组织编码即恢复该组织。\n');
  orgs
    .command('list')
    .description('列出组织（默认未撤销的）/ list orgs (active ones by default)')
    .option('--removed', '只列出已撤销的组织 / only removed orgs')
    .option('--json', '每行一个 JSON 对象 / one JSON object per line')
    .action(async (f: { removed?: boolean; json?: boolean }) => {
      const { withExistingStore } = await deps();
      if (f.removed) {
        const list = await withExistingStore((store) => store.orgs.removed());
        if (f.json) return void process.stdout.write(list.map((o) => `${JSON.stringify(o)}\n`).join(''));
        if (!list.length) return void process.stdout.write('没有已撤销的组织 / no removed orgs\n');
        for (const o of list) process.stdout.write(`${o.code}  ${o.name}  ${KIND_ZH[o.kind]}  上级：${o.parent ?? '—'}  撤销于 ${shanghaiDateTime(o.removedAt)}${o.removedReason ? `  原因：${o.removedReason}` : ''}\n`);
        return;
      }
      const list = await withExistingStore((store) => store.orgs.list(Date.now()));
      if (f.json) return void process.stdout.write(list.map((o) => `${JSON.stringify({ code: o.code, name: o.name, kind: o.kind, parent: o.parent, domain: o.domain })}\n`).join(''));
      if (!list.length) return void process.stdout.write('没有组织，请先导入 / no orgs: import them first\n');
      for (const o of list) process.stdout.write(`${o.code}  ${o.name}  ${KIND_ZH[o.kind]}  上级：${o.parent ?? '—'}\n`);
    });
  orgs
    .command('remove')
    .argument('<code>', '组织编码 / org code')
    .description('撤销组织（保留历史，不再检查和发送）/ mark an org removed (kept for history)')
    .option('--reason <text>', '原因，如“并入某村党支部” / reason')
    .option('--with-children', '连同其下全部下级组织一并撤销 / remove its whole subtree too')
    .option('--by <name>', '操作人（默认当前系统用户）/ who removes it')
    .action(async (code: string, f: { reason?: string; withChildren?: boolean; by?: string }) => {
      const { withExistingStore, removal, loadConfig } = await deps();
      const config = loadConfig();
      const r = await withExistingStore(
        (store) => removal.removeOrg(store, config, { code, reason: f.reason ?? null, withChildren: !!f.withChildren }, who(f.by), Date.now()),
        [removal.OrgRemovalError],
      );
      const others = r.removed.filter((c) => c !== code);
      process.stdout.write(
        `已撤销组织 ${code}${others.length ? `及其下 ${others.length} 个下级组织（${others.join('、')}）` : ''}；${r.resolvedAlerts} 条未处理的预警以“组织已撤销”关闭 / org removed; ${r.resolvedAlerts} open alerts resolved\n`,
      );
    });
}
