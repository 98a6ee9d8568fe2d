/**
 * `orglife check [--at TIME] [--org CODE] [--json] [--fail-on LEVEL] [--workers N]`: evaluate the
 * rules as of now (or --at) and print the findings. Changes nothing and sends nothing. Exit code 0
 * even with findings (it is a report, not a gate) unless --fail-on asks for 3 at or above a level.
 * Both forms stream: --json chunk by chunk, the table committee by committee, so memory stays
 * bounded however big the city.
 */
import type { Command } from 'commander';
import { parseTimestamp } from '../../domain/calendar.js';
import { LEVELS, type Level } from '../../domain/types.js';
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

export interface Parsed {
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
    .action(async (flags: CheckFlags) => {
      const parsed = parseFlags(flags);
      // Loaded only to run: `check --help` stays fast (see check-run.ts).
      await (await import('./check-run.js')).runCheckCommand(flags, parsed);
    });
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
