/**
 * `orglife rectify list [--org CODE] [--overdue] [--all] [--json] [--at T]` and
 * `orglife rectify close ID --note TEXT [--at T]`: the rectification items (限期整改) that health-check
 * reports create, one per problem, due `reports.rectification_days` after the report. An open item
 * past its deadline shows as 整改逾期 in later reports and lowers 整改落实 until it is closed here.
 */
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { table } from '../../alerts/format.js';
import { parsePeriod, parseTimestamp, periodNameZh, shanghaiDate, shanghaiDateTime } from '../../domain/calendar.js';
import { closeDb, defaultDbPath, openDb, type Db } from '../../store/db.js';
import { closeRectification, getRectification, listRectifications, type RectificationRow } from '../../store/reports.js';
import { UserError } from '../errors.js';

function withDb<T>(fn: (db: Db) => T): T {
  const path = defaultDbPath();
  if (!existsSync(path)) throw new UserError(`数据库不存在：${path}，请先导入数据或设置 ORGLIFE_DB / database not found`);
  const db = openDb(path);
  try {
    return fn(db);
  } finally {
    closeDb(db);
  }
}

function parseAt(at: string | undefined): number {
  if (at === undefined) return Date.now();
  const t = parseTimestamp(at);
  if (t === null) throw new UserError(`无效的时间 --at "${at}"：请使用 ISO 8601 格式，如 2026-11-28T08:30 / invalid --at time`);
  return t;
}

/** '2026-10' → '2026年10月' (a label that does not parse is shown as it is). */
function periodZh(label: string): string {
  const p = parsePeriod(label);
  return p ? periodNameZh(p) : label;
}

/** The deadline date shown: the last day of the item (due_at is the midnight ending it). */
const deadlineOf = (r: RectificationRow) => shanghaiDate(r.dueAt - 1);

/** 整改中 / 已逾期 (open past its deadline) / 已销号. */
export function rectificationStatusZh(r: RectificationRow, now: number): string {
  if (r.status === 'closed') return '已销号';
  return r.dueAt <= now ? '已逾期' : '整改中';
}

/** The items as a Chinese table. */
export function rectificationTable(rows: RectificationRow[], now: number): string {
  if (!rows.length) return '没有符合条件的整改事项。';
  return table(
    ['编号', '组织', '问题', '问题期间', '报告期间', '整改期限', '状态', '销号时间', '整改说明'],
    rows.map((r) => [
      String(r.id),
      r.orgName ? `${r.orgName}（${r.org}）` : r.org,
      r.title,
      periodZh(r.problemPeriod),
      periodZh(r.reportPeriod),
      deadlineOf(r),
      rectificationStatusZh(r, now),
      r.closedAt === null ? '-' : shanghaiDateTime(r.closedAt),
      r.note ?? '-',
    ]),
  );
}

/** One item as a JSON line (times ISO, deadline as the Shanghai date). */
export function rectificationJson(r: RectificationRow, now: number): string {
  return JSON.stringify({
    id: r.id,
    org: r.org,
    orgName: r.orgName,
    rule: r.rule,
    title: r.title,
    problemPeriod: r.problemPeriod,
    reportPeriod: r.reportPeriod,
    deadline: deadlineOf(r),
    dueAt: new Date(r.dueAt).toISOString(),
    status: r.status,
    overdue: r.status === 'open' && r.dueAt <= now,
    createdAt: new Date(r.createdAt).toISOString(),
    closedAt: r.closedAt === null ? null : new Date(r.closedAt).toISOString(),
    note: r.note,
  });
}

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
    .action((flags: { org?: string; overdue?: boolean; all?: boolean; json?: boolean; at?: string }) => {
      const now = parseAt(flags.at);
      withDb((db) => {
        const rows = listRectifications(db, { org: flags.org, all: flags.all, overdueAt: flags.overdue ? now : undefined });
        process.stdout.write(flags.json ? rows.map((r) => `${rectificationJson(r, now)}\n`).join('') : `${rectificationTable(rows, now)}\n`);
      });
    });
  rectify
    .command('close')
    .argument('<id>', '整改事项编号（见 rectify list）/ item id')
    .description('整改完成后销号，并记录整改说明 / close an item with a note on what was done')
    .option('--note <text>', '整改说明：做了什么、何时完成 / what was done')
    .option('--at <time>', '按此时间销号（测试用），默认当前时间 / close as of this time')
    .action((id: string, flags: { note?: string; at?: string }) => {
      const note = flags.note?.trim();
      if (!note) throw new UserError('缺少整改说明：请用 --note 说明整改情况 / --note is required');
      if (!/^\d+$/.test(id)) throw new UserError(`无效的整改事项编号 "${id}"：应为数字，见 orglife rectify list / invalid item id`);
      const now = parseAt(flags.at);
      withDb((db) => {
        const item = getRectification(db, Number(id));
        if (!item) throw new UserError(`整改事项 ${id} 不存在 / no rectification item with id ${id}`);
        if (item.status === 'closed') {
          throw new UserError(`整改事项 ${id} 已于 ${shanghaiDateTime(item.closedAt!)} 销号，无需重复销号 / item ${id} is already closed`);
        }
        if (!closeRectification(db, item.id, note, now)) throw new UserError(`整改事项 ${id} 已被销号 / item ${id} was closed meanwhile`);
        const closed = getRectification(db, item.id)!;
        const late = item.dueAt <= now ? '（超过期限后完成）' : '（按期完成）';
        process.stdout.write(`已销号：整改事项 ${id}${late}\n${rectificationTable([closed], now)}\n`);
      });
    });
}
