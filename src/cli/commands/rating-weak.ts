/**
 * Weak and lax organizations (软弱涣散基层党组织) and their rectification:
 *   orglife rating weak designate --org CODE --category C --on DATE [--reason T]
 *   orglife rating weak measures ID [--city-leader N] [--township-leader N --township-leader-phone P --township-leader-email E]
 *                                   [--first-secretary N] [--paired-department D]          四个一
 *   orglife rating weak problem|cadre|note ID --text T       问题清单 / 后备干部 / 整顿进展
 *   orglife rating weak resolve ITEM --resolution T --on DATE
 *   orglife rating weak remove ID --on DATE --note T         整顿摘帽
 *   orglife rating weak list [--all] [--json] [--xlsx F]     with counts per committee
 *   orglife rating weak show ID
 *   orglife rating weak reminders --month 2026-12 [--json]   the month's reminders, each with its state (sent / pending / failed)
 */
import type { Command } from 'commander';
import { maskPhones as maskPhone } from '../../log.js';
import { MEASURES, MEASURE_KEYS, missingMeasures, WEAK_CATEGORIES, WEAK_ITEM_KINDS, weakCountsByCommittee, weakProgress, type WeakDesignation, type WeakItemKind } from '../../rating/weak.js';
import { REMINDER_STATE_ZH, reminderSendState, weakReminders } from '../../rating/weak-reminders.js';
import { shanghaiDateTime } from '../../domain/calendar.js';
import { addWeakItem, designateWeak, removeDesignation, requireWeak, resolveProblem, setMeasures } from '../../rating/weak-service.js';
import { saveSheets, type Sheet } from '../../rating/xlsx.js';
import { UserError } from '../errors.js';
import { parseAtOption } from '../existing-db.js';
import { actorOf, withRatingStore } from './rating-options.js';

function idArg(id: string): number {
  if (!/^\d+$/.test(id)) throw new UserError(`无效的编号 "${id}"：应为数字 / invalid id`);
  return Number(id);
}

/** One designation as lines of text. */
export function weakText(d: WeakDesignation, name: string): string {
  const p = weakProgress(d);
  const lines = [
    `[${d.id}] ${name}（${d.org}）软弱涣散：${WEAK_CATEGORIES[d.category]}${d.reason ? `（${d.reason}）` : ''}，${d.designatedOn} 确定（${d.designatedBy}）` +
      (d.removedOn ? `，${d.removedOn} 摘帽：${d.removalNote ?? ''}` : '，整顿中'),
    `  四个一：` + MEASURE_KEYS.map((k) => `${MEASURES[k]} ${d[k] ?? '未落实'}`).join('；') + (d.townshipLeaderPhone ? `（包抓领导手机 ${maskPhone(d.townshipLeaderPhone)}）` : ''),
    `  问题清单 ${p.problems} 项，已解决 ${p.resolved} 项；后备干部 ${p.cadres} 名；整顿进展 ${p.notes} 条`,
  ];
  for (const i of d.items) {
    lines.push(`    {${i.id}} ${WEAK_ITEM_KINDS[i.kind]}：${i.text}` + (i.kind === 'problem' ? (i.resolution ? ` → 已解决（${i.resolvedOn}）：${i.resolution}` : ' → 未解决') : ''));
  }
  return lines.join('\n');
}

function weakSheets(list: WeakDesignation[], names: Map<string, string>, parentOf: (o: string) => string | null): Sheet[] {
  return [
    {
      name: '软弱涣散',
      title: '软弱涣散基层党组织整顿台账',
      headers: ['编号', '组织编码', '支部名称', '上级党组织', '类别', '原因', '确定日期', ...MEASURE_KEYS.map((k) => MEASURES[k]), '问题数', '已解决', '后备干部', '摘帽日期', '摘帽说明'],
      widths: [6, 14, 28, 22, 24, 24, 12],
      rows: list.map((d) => {
        const p = weakProgress(d);
        return [d.id, d.org, names.get(d.org) ?? '', names.get(parentOf(d.org) ?? '') ?? '', WEAK_CATEGORIES[d.category], d.reason ?? '', d.designatedOn, ...MEASURE_KEYS.map((k) => d[k] ?? ''), p.problems, p.resolved, p.cadres, d.removedOn ?? '', d.removalNote ?? ''];
      }),
    },
    {
      name: '按党委统计',
      title: '软弱涣散整顿情况（按上级党组织）',
      headers: ['上级党组织', '整顿中', '已摘帽', '问题数', '已解决', '后备干部'],
      rows: weakCountsByCommittee(list, parentOf).map((c) => [names.get(c.committee ?? '') ?? c.committee ?? '', c.open, c.removed, c.problems, c.resolved, c.cadres]),
    },
  ];
}

export function registerRatingWeak(rating: Command): void {
  const weak = rating.command('weak').description('软弱涣散基层党组织整顿：确定、四个一、问题清单、后备干部、进展、摘帽 / weak and lax branches');

  weak
    .command('designate')
    .description('确定软弱涣散基层党组织 / designate a branch')
    .option('--org <code>', '党支部编码 / branch code')
    .option('--category <c>', `类别：${Object.entries(WEAK_CATEGORIES).map(([k, v]) => `${k}（${v}）`).join('、')} / category`)
    .option('--on <date>', '确定日期 YYYY-MM-DD / date')
    .option('--reason <text>', '具体原因 / details')
    .option('--by <name>', '操作人 / who acts')
    .option('--at <time>', '操作时间（测试用）/ time of the action')
    .action(async (f: { org?: string; category?: string; on?: string; reason?: string; by?: string; at?: string }) => {
      if (!f.org || !f.category) throw new UserError('请用 --org 和 --category 指定党支部和类别 / --org and --category are required');
      const by = actorOf(f.by);
      const id = await withRatingStore((store) => designateWeak(store, { org: f.org!, category: f.category!, on: f.on ?? '', reason: f.reason, by }, parseAtOption(f.at)));
      process.stdout.write(`已确定「${f.org}」为软弱涣散基层党组织，整顿编号 ${id} / designation ${id} recorded\n`);
    });

  weak
    .command('measures')
    .argument('<id>', '整顿编号 / designation id')
    .description('落实“四个一”措施：市级领导联系、镇街领导包抓、选派第一书记、市直部门结对 / record the four measures')
    .option('--city-leader <name>', '联系的市级领导 / city leader in contact')
    .option('--township-leader <name>', '包抓的镇（街）领导（每月提醒对象）/ township leader responsible')
    .option('--township-leader-phone <phone>', '包抓领导手机 / their phone')
    .option('--township-leader-email <email>', '包抓领导邮箱 / their email')
    .option('--first-secretary <name>', '选派的第一书记 / first secretary sent')
    .option('--paired-department <name>', '结对的市直部门 / city department paired')
    .action(async (id: string, f: Record<string, string | undefined>) => {
      const d = await withRatingStore((store) => setMeasures(store, idArg(id), f));
      const missing = missingMeasures(d).map((k) => MEASURES[k]);
      process.stdout.write(`已更新“四个一”措施${missing.length ? `，尚未落实：${missing.join('、')}` : '，已全部落实'} / measures recorded\n`);
    });

  for (const kind of ['problem', 'cadre', 'note'] as WeakItemKind[]) {
    weak
      .command(kind)
      .argument('<id>', '整顿编号 / designation id')
      .description(`${{ problem: '列入问题清单', cadre: '登记培养的后备干部', note: '记录整顿进展' }[kind]} / add a ${kind === 'problem' ? 'problem' : kind === 'cadre' ? 'reserve cadre' : 'progress note'}`)
      .option('--text <text>', kind === 'cadre' ? '后备干部姓名及情况 / name and details' : '内容 / text')
      .option('--at <time>', '操作时间（测试用）/ time of the action')
      .action(async (id: string, f: { text?: string; at?: string }) => {
        const item = await withRatingStore((store) => addWeakItem(store, idArg(id), kind, f.text, parseAtOption(f.at)));
        process.stdout.write(`已登记${WEAK_ITEM_KINDS[kind]}，编号 ${item} / item ${item} added\n`);
      });
  }

  weak
    .command('resolve')
    .argument('<item>', '问题编号 / problem id')
    .description('记录问题的解决情况 / record how a problem was resolved')
    .option('--resolution <text>', '解决情况 / resolution')
    .option('--on <date>', '解决日期 YYYY-MM-DD / date')
    .action(async (item: string, f: { resolution?: string; on?: string }) => {
      await withRatingStore((store) => resolveProblem(store, idArg(item), f.resolution, f.on));
      process.stdout.write(`问题 ${item} 已解决 / problem ${item} resolved\n`);
    });

  weak
    .command('remove')
    .argument('<id>', '整顿编号 / designation id')
    .description('整顿达标后摘帽（问题须全部解决）/ remove the designation when rectified')
    .option('--on <date>', '摘帽日期 YYYY-MM-DD / date')
    .option('--note <text>', '摘帽说明（验收情况）/ note')
    .action(async (id: string, f: { on?: string; note?: string }) => {
      const d = await withRatingStore((store) => removeDesignation(store, idArg(id), f.on, f.note));
      process.stdout.write(`「${d.org}」已于 ${d.removedOn} 摘帽 / designation removed\n`);
    });

  weak
    .command('list')
    .description('软弱涣散整顿台账（默认只列整顿中的）及按党委统计 / list designations with counts per committee')
    .option('--all', '包括已摘帽的 / include removed ones')
    .option('--json', '每行输出一个 JSON 对象 / one JSON object per line')
    .option('--xlsx <file>', '导出 XLSX / export to XLSX')
    .action(async (f: { all?: boolean; json?: boolean; xlsx?: string }) => {
      await withRatingStore(async (store) => {
        const list = await store.rating.weakDesignations({ all: f.all });
        const branches = await store.rating.branches();
        const names = new Map<string, string>();
        const parents = new Map<string, string | null>();
        for (const b of branches) {
          names.set(b.code, b.name);
          parents.set(b.code, b.parent);
          if (b.parent && b.parentName) names.set(b.parent, b.parentName);
        }
        const parentOf = (o: string) => parents.get(o) ?? null;
        if (f.json) process.stdout.write(list.map((d) => `${JSON.stringify({ ...d, townshipLeaderPhone: d.townshipLeaderPhone ? maskPhone(d.townshipLeaderPhone) : null, progress: weakProgress(d) })}\n`).join(''));
        else {
          const lines = list.map((d) => weakText(d, names.get(d.org) ?? d.org));
          if (!list.length) lines.push('（无软弱涣散整顿记录）');
          lines.push('', '按上级党组织统计：', ['上级党组织', '整顿中', '已摘帽', '问题数', '已解决', '后备干部'].join('\t'));
          for (const c of weakCountsByCommittee(list, parentOf)) lines.push([names.get(c.committee ?? '') ?? c.committee ?? '（无）', c.open, c.removed, c.problems, c.resolved, c.cadres].join('\t'));
          process.stdout.write(`${lines.join('\n')}\n`);
        }
        if (f.xlsx) {
          await saveSheets(f.xlsx, weakSheets(list, names, parentOf));
          process.stderr.write(`已导出 / written: ${f.xlsx}\n`);
        }
      });
    });

  weak
    .command('show')
    .argument('<id>', '整顿编号 / designation id')
    .description('查看一条整顿记录 / show one designation')
    .action(async (id: string) => {
      await withRatingStore(async (store) => {
        const d = await requireWeak(store, idArg(id));
        const name = (await store.rating.branch(d.org))?.name ?? d.org;
        process.stdout.write(`${weakText(d, name)}\n`);
      });
    });

  weak
    .command('reminders')
    .description('本月的整顿提醒及发送状态（每人每月一条：党委、包抓领导有多个软弱涣散支部时合并为一条）/ the month’s reminders and whether each was sent')
    .option('--month <label>', '月份，如 2026-12（默认本月）/ month')
    .option('--json', '每行输出一个 JSON 对象 / one JSON object per line')
    .action(async (f: { month?: string; json?: boolean }) => {
      const month = f.month ?? new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 7);
      if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) throw new UserError(`无效的月份 --month "${month}"：应为 YYYY-MM / invalid month`);
      await withRatingStore(async (store, config) => {
        const names = new Map((await store.rating.branches()).map((b) => [b.code, b.name]));
        const designations = await store.rating.weakDesignations({ all: true });
        const orgOf = new Map(designations.map((d) => [d.id, d.org]));
        // What the daemon stored for the month (one per person), with the state of its deliveries…
        const stored = await store.rating.reminderStates(month);
        const named = new Set(stored.flatMap((r) => r.designationIds));
        // …and the designations due that no stored reminder names yet (the tick has not run).
        // A branch removed (撤销) is reminded of no more (the daemon's planner leaves it out too).
        const removed = new Set((await store.orgs.removed()).map((o) => o.code));
        const due = weakReminders(designations, names, month, config.rating).filter((r) => !named.has(r.designation) && !removed.has(r.org));
        const lines: string[] = [];
        const json: string[] = [];
        for (const r of stored) {
          const st = reminderSendState(r);
          const orgs = r.designationIds.map((id) => orgOf.get(id) ?? String(id));
          const to = maskPhone(r.recipientKey.replace(/^(phone|email):/, ''));
          json.push(
            JSON.stringify({
              planned: true,
              id: r.id,
              month: r.month,
              recipient: to,
              orgs,
              subject: r.subject,
              state: st.state,
              stateZh: REMINDER_STATE_ZH[st.state],
              sentAt: st.sentAt === null ? null : new Date(st.sentAt).toISOString(),
              error: st.error,
              deliveries: r.deliveries.map((d) => ({ channel: d.channel, recipient: maskPhone(d.recipient), status: d.status, sentAt: d.sentAt === null ? null : new Date(d.sentAt).toISOString(), error: d.lastError })),
            }),
          );
          const state = st.state === 'sent' ? `已发送 ${shanghaiDateTime(st.sentAt!)}` : st.state === 'failed' ? `失败（${maskPhone(st.error ?? '')}）` : '待发送';
          lines.push(`[${r.id}] ${to}\t${state}\t${orgs.map((o) => `${names.get(o) ?? o}（${o}）`).join('、')}\n  ${r.subject}`);
        }
        for (const r of due) {
          json.push(JSON.stringify({ planned: false, ...r, phone: r.phone ? maskPhone(r.phone) : null, state: 'pending', stateZh: REMINDER_STATE_ZH.pending, sentAt: null }));
          lines.push(`${r.dedupKey}\t待发送（尚未生成，每月 ${config.rating.weak_reminder_day} 日发送）\t${r.to ?? '（未指定包抓领导）'}\t${r.phone ? maskPhone(r.phone) : ''}\t${r.email ?? ''}\n  ${r.text}`);
        }
        if (f.json) process.stdout.write(json.map((l) => `${l}\n`).join(''));
        else process.stdout.write(`${lines.join('\n') || '（本月无整顿提醒）'}\n`);
      });
    });
}
