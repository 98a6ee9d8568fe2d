/**
 * `orglife check [--at TIME] [--org CODE] [--json] [--fail-on LEVEL] [--workers N]`: evaluate the
 * rules as of now (or --at) and print the findings. Changes nothing and sends nothing. Exit code 0
 * even with findings (it is a report, not a gate) unless --fail-on asks for 3 at or above a level.
 * Both forms stream: --json chunk by chunk, the table committee by committee, so memory stays
 * bounded however big the city.
 */
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { defaultConfigPath, loadConfig } from '../../config/load.js';
import type { Config } from '../../config/schema.js';
import { parseTimestamp } from '../../domain/calendar.js';
import { LEVEL_RANK, LEVELS, type Level } from '../../domain/types.js';
import { closeDb, defaultDbPath, openDb, type Db } from '../../store/db.js';
import { branchParents, orgHeadersByCode } from '../../store/facts.js';
import {
  addToStats,
  branchIdsInScope,
  emptyStats,
  evalContext,
  evaluateIds,
  forEachBranchFindingsParallel,
  UnknownOrgError,
  type BranchFindings,
  type CheckStats,
} from '../../evaluation/index.js';
import { checkHeading, findingJsonLines, renderCommittee, summaryLine, type BranchReportLines } from '../../evaluation/format.js';
import { UserError } from '../errors.js';

/** Exit code of --fail-on when a finding at or above the level exists (1 = error, 2 = bad config). */
export const EXIT_FINDINGS = 3;

interface CheckFlags {
  at?: string;
  org?: string;
  json?: boolean;
  failOn?: string;
  workers?: string;
}

interface Parsed {
  now: number;
  failOn: Level | null;
  workers?: number;
}

export function registerCheck(program: Command): void {
  program
    .command('check')
    .description('检查组织生活落实情况并列出问题（不发送任何消息）/ evaluate the rules and print the findings')
    .option('--at <time>', '按此时间检查，ISO 8601，无时区即北京时间，如 2026-11-28T08:30 / evaluate as of this time')
    .option('--org <code>', '只检查此支部，或此党委下的全部支部 / only this branch or the branches under this committee')
    .option('--json', '每行输出一个 JSON 对象 / one JSON object per line')
    .option('--fail-on <level>', `有此级别及以上问题时以退出码 ${EXIT_FINDINGS} 结束：reminder | warning | escalation`)
    .option('--workers <n>', '并行线程数，默认为 CPU 核数（支部数达 5 万时才启用）/ threads evaluating')
    .addHelpText(
      'after',
      `\n只读取数据、不改变任何数据、不发送任何消息。\n退出码：0 = 检查完成（即使发现问题）；${EXIT_FINDINGS} = 存在 --fail-on 指定级别及以上的问题；1 = 参数或数据错误；2 = 配置无效。\n` +
        'Read-only: changes nothing, sends nothing. Exit 0 even with findings (unless --fail-on).',
    )
    .action((flags: CheckFlags) => runCheckCommand(flags));
}

function parseFlags(flags: CheckFlags): Parsed {
  let now = Date.now();
  if (flags.at !== undefined) {
    const t = parseTimestamp(flags.at);
    if (t === null) {
      throw new UserError(
        `无效的时间 --at "${flags.at}"：请使用 ISO 8601 格式，如 2026-11-28 或 2026-11-28T08:30+08:00 / invalid --at time`,
      );
    }
    now = t;
  }
  let failOn: Level | null = null;
  if (flags.failOn !== undefined) {
    if (!(LEVELS as readonly string[]).includes(flags.failOn)) {
      throw new UserError(`无效的级别 --fail-on "${flags.failOn}"：可选 ${LEVELS.join(' | ')} / invalid level`);
    }
    failOn = flags.failOn as Level;
  }
  let workers: number | undefined;
  if (flags.workers !== undefined) {
    workers = Number(flags.workers);
    if (!Number.isInteger(workers) || workers < 1 || workers > 64) {
      throw new UserError(`无效的线程数 --workers "${flags.workers}"：应为 1–64 的整数 / invalid --workers`);
    }
  }
  return { now, failOn, workers };
}

async function runCheckCommand(flags: CheckFlags): Promise<void> {
  const parsed = parseFlags(flags);
  const { config } = loadConfig(defaultConfigPath());
  const dbPath = defaultDbPath();
  // A fresh install creates its database on the first check (README quick start); say what is missing.
  const existed = existsSync(dbPath);
  // `orglife check | head` closes the pipe early: that is the reader's choice, not an error.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
  const db = openDb(dbPath);
  try {
    const stats = flags.json
      ? await printJson(db, dbPath, config, parsed, flags.org)
      : printTable(db, config, parsed.now, flags.org);
    if (stats.branches === 0 && !flags.org) {
      process.stderr.write(
        `${existed ? '数据库中还没有支部' : `已新建数据库 ${dbPath}`}，请先导入组织与会议记录（orglife import）/ no branches yet: import records first\n`,
      );
    }
    const worst = Math.max(0, ...LEVELS.filter((l) => stats.findings[l] > 0).map((l) => LEVEL_RANK[l]));
    if (parsed.failOn && worst >= LEVEL_RANK[parsed.failOn]) process.exitCode = EXIT_FINDINGS;
  } catch (e) {
    if (e instanceof UnknownOrgError) throw new UserError(e.message);
    throw e;
  } finally {
    closeDb(db);
  }
}

/** Committee names by code, looked up once each. */
function committeeNames(db: Db): (code: string | null) => string | null {
  const names = new Map<string, string | null>();
  return (code) => {
    if (code === null) return null;
    if (!names.has(code)) names.set(code, orgHeadersByCode(db, [code]).get(code)?.name ?? null);
    return names.get(code)!;
  };
}

/** --json: one line per finding, written chunk by chunk (on helper threads for big cities). */
async function printJson(db: Db, dbPath: string, config: Config, p: Parsed, org?: string): Promise<CheckStats> {
  const nameOf = committeeNames(db);
  const stats = await forEachBranchFindingsParallel(
    db,
    dbPath,
    config,
    p.now,
    (chunk) => {
      let text = '';
      for (const { branch, findings } of chunk) text += findingJsonLines(findings, branch, nameOf(branch.parent));
      // One write per chunk: a write per line is the slowest part of printing a big city.
      if (text) process.stdout.write(text);
    },
    { org, workers: p.workers },
  );
  process.stderr.write(summaryLine(stats.branchesWithFindings, stats.branches, stats.findings) + '\n');
  return stats;
}

/** The table: committee by committee (by code), each evaluated and printed before the next. */
function printTable(db: Db, config: Config, now: number, org?: string): CheckStats {
  const ids = branchIdsInScope(db, org);
  const parents = branchParents(db, ids);
  const byCommittee = new Map<string | null, number[]>();
  for (const id of ids) {
    const parent = parents.get(id) ?? null;
    const list = byCommittee.get(parent);
    if (list) list.push(id);
    else byCommittee.set(parent, [id]);
  }
  const ctx = evalContext(config, now);
  const nameOf = committeeNames(db);
  const stats = emptyStats();
  const shown = emptyStats().findings;
  process.stdout.write(checkHeading(now));
  for (const code of [...byCommittee.keys()].sort((a, b) => (a ?? '').localeCompare(b ?? ''))) {
    const lagging: BranchReportLines[] = [];
    evaluateIds(db, byCommittee.get(code)!, ctx, (chunk: BranchFindings[]) => {
      addToStats(stats, chunk);
      for (const { branch, findings } of chunk) {
        if (findings.length) lagging.push({ code: branch.code, name: branch.name, committee: code, committeeName: nameOf(code), findings });
      }
    });
    if (lagging.length) process.stdout.write(renderCommittee(code, nameOf(code), lagging, shown));
  }
  if (stats.branchesWithFindings) process.stdout.write('\n');
  process.stdout.write(summaryLine(stats.branchesWithFindings, stats.branches, stats.findings) + '\n');
  return stats;
}
