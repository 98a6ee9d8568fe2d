/**
 * Star history and dynamic management (一年一评、能上能下):
 *   orglife rating change --id ID --org CODE --on DATE --stars N --channel C [--reason T] [--evidence E]   摘星降级 / 恢复
 *   orglife rating history --org CODE [--at T] [--json]        the branch's stars over the years and the star in effect
 *   orglife rating movement --year Y [--by branch|committee|domain] [--json] [--xlsx F]   up / down / same since last year
 */
import type { Command } from 'commander';
import { parseDate, shanghaiDate } from '../../domain/calendar.js';
import { DOMAIN_NAMES_ZH } from '../../domain/types.js';
import { parseChannel } from '../../import/tables/star-changes.js';
import { Invalid } from '../../import/values.js';
import { RatingError } from '../../rating/errors.js';
import type { Store } from '../../store/port.js';
import { computeMovement, MOVE_NAMES_ZH, movementCounts, type MovementRow } from '../../rating/movement.js';
import { starHistory, starInEffectDetail } from '../../rating/stars.js';
import { CHANNEL_NAMES_ZH } from '../../rating/types.js';
import { saveSheets, type Sheet } from '../../rating/xlsx.js';
import { UserError } from '../errors.js';
import { parseAtOption } from '../existing-db.js';
import { parseYearFlag, withRatingStore } from './rating-options.js';

/** The branch with this code, or a bilingual error. */
async function branchOf(store: Store, org: string) {
  const b = (await store.rating.branches()).find((x) => x.code === org);
  if (!b) throw new RatingError(`组织编码「${org}」不存在或不是党支部`, `"${org}" is not a known branch`, 'not_found');
  return b;
}

const s = (n: number | null) => (n === null ? '—' : n === 0 ? '无星' : `${n}星`);
const signed = (n: number | null) => (n === null ? '—' : n > 0 ? `+${n}` : String(n));

function movementSheets(year: number, rows: MovementRow[]): Sheet[] {
  const counts = (by: 'committee' | 'domain') => movementCounts(rows, by).map((c) => [by === 'domain' && c.key ? DOMAIN_NAMES_ZH[c.key as keyof typeof DOMAIN_NAMES_ZH] : (c.name ?? c.key ?? ''), c.up, c.down, c.same, c.new, c.dropped]);
  const head = ['升星', '降星', '持平', '新评', '未评'];
  return [
    {
      name: '星级变化',
      title: `${year} 年度与 ${year - 1} 年度星级对比`,
      headers: ['组织编码', '支部名称', '上级党组织', '领域', `${year - 1}年星级`, `${year}年星级`, '变化', '升降', `${year - 1}年领域排名`, `${year}年领域排名`, '名次变化'],
      widths: [14, 28, 22, 10],
      rows: rows.map((r) => [r.org, r.name, r.committeeName ?? '', r.domain ? DOMAIN_NAMES_ZH[r.domain] : '', r.previous, r.stars, MOVE_NAMES_ZH[r.move], r.delta, r.previousRank, r.rank, r.rankChange]),
    },
    { name: '按党委', title: `${year} 年度星级升降（按上级党组织）`, headers: ['上级党组织', ...head], rows: counts('committee') },
    { name: '按领域', title: `${year} 年度星级升降（按领域）`, headers: ['领域', ...head], rows: counts('domain') },
  ];
}

export function registerRatingHistory(rating: Command): void {
  rating
    .command('change')
    .description('记录年度中的星级调整（摘星降级或恢复），注明来源渠道、原因和佐证材料 / record a star change')
    .option('--id <id>', '调整编号（同一编号再次提交即更新）/ change id')
    .option('--org <code>', '党支部编码 / branch code')
    .option('--on <date>', '生效日期 YYYY-MM-DD / effective date')
    .option('--stars <n>', '调整后星级 0–5（0 = 摘星）/ the star from that date')
    .option('--channel <c>', '来源渠道：巡视巡察、调研督查、工作考核、信访举报、其他（或英文代码）/ channel')
    .option('--reason <text>', '原因 / reason')
    .option('--evidence <text>', '佐证材料（文号、文件名或链接）/ evidence')
    .option('--at <time>', '操作时间（测试用）/ time of the action')
    .action(async (f: { id?: string; org?: string; on?: string; stars?: string; channel?: string; reason?: string; evidence?: string; at?: string }) => {
      if (!f.id?.trim()) throw new UserError('请用 --id 指定调整编号 / --id is required');
      if (!f.on || parseDate(f.on) === null) throw new UserError(`无效的生效日期 --on "${f.on ?? ''}"：应为 YYYY-MM-DD / invalid --on date`);
      if (f.stars === undefined || !/^[0-5]$/.test(f.stars)) throw new UserError(`无效的星级 --stars "${f.stars ?? ''}"：应为 0–5（0 表示摘星）/ --stars must be 0–5`);
      const channel = parseChannel(f.channel ?? '');
      if (channel === null || channel instanceof Invalid) throw new UserError(channel instanceof Invalid ? `${channel.zh} / ${channel.en}` : '请用 --channel 指定来源渠道 / --channel is required');
      if (!f.reason?.trim()) throw new UserError('请用 --reason 说明调整原因 / --reason is required');
      const now = parseAtOption(f.at);
      await withRatingStore(async (store) => {
        await branchOf(store, f.org ?? '');
        const what = await store.rating.saveStarChange({ id: f.id!.trim(), org: f.org!, effectiveOn: f.on!, stars: Number(f.stars), channel, reason: f.reason!.trim(), evidence: f.evidence?.trim() || null }, now);
        const done = what === 'inserted' ? '已记录' : what === 'updated' ? '已更新' : '无变化';
        process.stdout.write(`${done}：「${f.org}」自 ${f.on} 起 ${s(Number(f.stars))}（${CHANNEL_NAMES_ZH[channel]}） / star change ${what}\n`);
      });
    });

  rating
    .command('history')
    .description('党支部的星级历程（历年评定与年中调整）和当前生效星级 / a branch’s star history')
    .option('--org <code>', '党支部编码 / branch code')
    .option('--at <time>', '按此时间计算生效星级 / star in effect as of this time')
    .option('--json', '输出 JSON / JSON output')
    .action(async (f: { org?: string; at?: string; json?: boolean }) => {
      if (!f.org) throw new UserError('请用 --org 指定党支部编码 / --org is required');
      const day = shanghaiDate(parseAtOption(f.at));
      await withRatingStore(async (store) => {
        const b = await branchOf(store, f.org!);
        const ratings = (await store.rating.ratings(b.code)).get(b.code) ?? [];
        const changes = (await store.rating.starChanges(b.code)).get(b.code) ?? [];
        const history = starHistory(ratings, changes);
        const now = starInEffectDetail(ratings, changes, day);
        if (f.json) {
          process.stdout.write(`${JSON.stringify({ org: b.code, name: b.name, day, stars_in_effect: now.stars, history, changes })}\n`);
          return;
        }
        const lines = [`${b.name}（${b.code}）星级历程：`];
        for (const h of history) {
          lines.push(h.kind === 'rating' ? `  ${h.on}  ${s(h.stars)}  ${h.ref} 年度评定` : `  ${h.on}  ${s(h.stars)}  年中调整 ${h.ref}（${CHANNEL_NAMES_ZH[h.channel!]}${h.reason ? `：${h.reason}` : ''}）`);
        }
        if (!history.length) lines.push('  （尚无评定记录）');
        lines.push(`${day} 生效星级：${s(now.stars)}`);
        process.stdout.write(`${lines.join('\n')}\n`);
      });
    });

  rating
    .command('movement')
    .description('星级升降：与上一年度相比升星、降星、持平，领域内名次变化 / year-over-year movement')
    .option('--year <year>', '年度 / the year')
    .option('--by <group>', 'branch（默认）、committee 或 domain / group by', 'branch')
    .option('--json', '输出 JSON（每行一个）/ one JSON object per line')
    .option('--xlsx <file>', '导出 XLSX / export to XLSX')
    .action(async (f: { year?: string; by?: string; json?: boolean; xlsx?: string }) => {
      const year = parseYearFlag(f.year);
      if (!['branch', 'committee', 'domain'].includes(f.by ?? '')) throw new UserError(`无效的 --by "${f.by}"：可选 branch、committee、domain / invalid --by`);
      await withRatingStore(async (store) => {
        const rows = computeMovement(await store.rating.branches(), await store.rating.ratings(), year);
        const out: object[] = f.by === 'branch' ? rows : movementCounts(rows, f.by as 'committee' | 'domain');
        if (f.json) process.stdout.write(out.map((r) => `${JSON.stringify(r)}\n`).join(''));
        else if (f.by === 'branch') {
          const lines = [`${year} 年度与 ${year - 1} 年度星级对比`, ['组织编码', '支部名称', '上级党组织', `${year - 1}`, `${year}`, '升降', '领域名次变化'].join('\t')];
          for (const r of rows) lines.push([r.org, r.name, r.committeeName ?? '', s(r.previous), s(r.stars), MOVE_NAMES_ZH[r.move], signed(r.rankChange)].join('\t'));
          process.stdout.write(`${lines.join('\n')}\n`);
        } else {
          const lines = [`${year} 年度星级升降（按${f.by === 'committee' ? '上级党组织' : '领域'}）`, ['', '升星', '降星', '持平', '新评', '未评'].join('\t')];
          for (const c of movementCounts(rows, f.by as 'committee' | 'domain')) {
            lines.push([f.by === 'domain' && c.key ? DOMAIN_NAMES_ZH[c.key as keyof typeof DOMAIN_NAMES_ZH] : (c.name ?? c.key ?? '（无）'), c.up, c.down, c.same, c.new, c.dropped].join('\t'));
          }
          process.stdout.write(`${lines.join('\n')}\n`);
        }
        if (f.xlsx) {
          await saveSheets(f.xlsx, movementSheets(year, rows));
          process.stderr.write(`已导出 / written: ${f.xlsx}\n`);
        }
      });
    });
}
