/**
 * `orglife demo [--out DIR] [--branches N] [--seed N]` (also `npm run demo`): a synthetic city
 * through one full daily cycle and the monthly reports, mail and SMS captured on loopback, a
 * Chinese summary at the end. Needs Redis, like the daemon; says how to start it when it is down.
 */
import { Writable } from 'node:stream';
import type { Command } from 'commander';
import { readEnv } from '../../config/env.js';
import { defaultConfigPath } from '../../config/load.js';
import { parseTimestamp } from '../../domain/calendar.js';
import { createLogger } from '../../log.js';
import type { DemoResult } from '../../demo/run.js';
import { UserError } from '../errors.js';

interface DemoFlags {
  out: string;
  branches: string;
  seed: string;
  at: string;
  config?: string;
  verbose?: boolean;
}

/** The demo's fixed as-of time (the same as src/demo/run.ts DEMO_AT, kept here so --help loads nothing heavy). */
const DEMO_AT = '2026-11-27T09:00';

/**
 * Without --verbose the demo's reader sees its Chinese progress lines, not the service log: a warning
 * (a holiday calendar running out, a failed send) is printed once as a plain line on stderr, 注意：…
 * (错误：… for an error), instead of a JSON log record.
 */
function plainWarnings(): Writable {
  const seen = new Set<string>();
  return new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line.trim()) continue;
        let text = `注意：${line}`;
        try {
          const o = JSON.parse(line) as { level?: number; msg?: string; err?: { message?: string } };
          const what = `${String(o.msg ?? '').replace(/^configuration warning: /, '')}${o.err?.message ? `（${o.err.message}）` : ''}`;
          text = `${(o.level ?? 0) >= 50 ? '错误' : '注意'}：${what}`;
        } catch {
          // not a log record: printed as it is
        }
        if (!seen.has(text)) {
          seen.add(text);
          process.stderr.write(`${text}\n`);
        }
      }
      done();
    },
  });
}

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('一键演示：生成示例城市，运行一次完整的检查、预警、报告周期（邮件和短信只发到本机）/ run the whole system on a synthetic city')
    .option('--out <dir>', '输出目录 / output folder', 'demo-out')
    .option('--branches <n>', '党支部数量 / number of branches', '300')
    .option('--seed <n>', '随机种子（相同种子结果相同）/ random seed', '42')
    .option('--at <time>', '检查时间（北京时间）/ as-of time', DEMO_AT)
    .option('--config <path>', '配置文件或目录（默认 ORGLIFE_CONFIG 或 ./config；渠道会替换为本机模拟服务）')
    .option('--verbose', '输出服务日志 / show the service log')
    .action(async (flags: DemoFlags) => {
      const branches = Number(flags.branches);
      if (!Number.isInteger(branches) || branches < 1 || branches > 20_000) {
        throw new UserError(`--branches 应为 1–20000 的整数 / --branches must be an integer 1–20000: ${flags.branches}`, 2);
      }
      const seed = Number(flags.seed);
      if (!Number.isInteger(seed) || seed < 0) throw new UserError(`--seed 应为非负整数 / --seed must be a non-negative integer: ${flags.seed}`, 2);
      const at = parseTimestamp(flags.at);
      if (at === null) throw new UserError(`--at 时间无效 / invalid --at time: "${flags.at}"`, 2);
      const env = readEnv();
      // Loaded on use: the demo pulls in the synthetic city, the job runtime and an SMTP server.
      const { runDemo } = await import('../../demo/run.js');
      const { DemoError } = await import('../../demo/redis.js');
      const { demoSummary } = await import('../../demo/summary.js');
      try {
        const result: DemoResult = await runDemo({
          out: flags.out,
          branches,
          seed,
          at,
          configPath: flags.config ?? defaultConfigPath(),
          env,
          log: flags.verbose ? createLogger({ level: 'info' }) : createLogger({ level: 'warn', destination: plainWarnings() }),
          print: (line) => process.stdout.write(`${line}\n`),
        });
        process.stdout.write(demoSummary(result));
        if (result.evaluate.unfinished > 0 || result.report.unfinished > 0) process.exitCode = 3;
      } catch (e) {
        if (e instanceof DemoError) throw new UserError(e.message, 69);
        throw e;
      }
    });
}
