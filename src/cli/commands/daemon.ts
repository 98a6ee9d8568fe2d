/**
 * `orglife daemon`: the warning service. Runs the schedules (node-cron, Asia/Shanghai), the tick
 * and delivery workers and the outbox drainer until SIGTERM/SIGINT, then shuts down gracefully.
 * `orglife daemon --once [--at ISO]`: one whole cycle as of that time, its due deliveries, exit.
 */
import { Option, type Command } from 'commander';
import { readEnv } from '../../config/env.js';
import { defaultConfigPath, loadConfig } from '../../config/load.js';
import { parseTimestamp, shanghaiDateTime } from '../../domain/calendar.js';
import type { ScheduleKind } from '../../jobs/kinds.js';
import { runOnce, type OnceReport } from '../../jobs/once.js';
import { listenEarly } from '../../app/early-signals.js';
import { log } from '../../log.js';
import { UserError } from '../errors.js';
import { openOrCreateStore, storeSpec } from '../existing-db.js';
import { EXIT_REDIS_UNAVAILABLE, waitForRedis } from '../../jobs/redis-wait.js';

interface DaemonCliOptions {
  once?: boolean;
  at?: string;
  kind: string;
  config?: string;
  timeout: string;
  lockMs?: string;
  claimLeaseMs?: string;
  tickLeaseMs?: string;
  shutdownTimeoutMs?: string;
  drainIntervalMs?: string;
}

const KINDS = ['evaluate', 'report_monthly', 'report_quarterly', 'report_yearly', 'weak_reminder'];

export function registerDaemon(program: Command): void {
  program
    .command('daemon')
    .description('运行预警服务（定时检查、发送提醒）/ run the warning service (schedules, deliveries)')
    .option('--once', '只运行一个周期（检查、生成预警、发送到期消息）后退出 / run one cycle, deliver what is due, exit')
    .option('--at <time>', '与 --once 一起：以该时间为准运行（ISO 8601，无时区即北京时间）/ with --once: as of this time')
    .option('--kind <kind>', `与 --once 一起：运行的任务 / with --once: which job (${KINDS.join(', ')})`, 'evaluate')
    .option('--config <path>', '配置文件或目录（默认 ORGLIFE_CONFIG 或 ./config）')
    .option('--timeout <seconds>', '与 --once 一起：最多等待消息发送的秒数 / with --once: max seconds to wait for deliveries', '900')
    .addOption(new Option('--lock-ms <ms>', 'BullMQ job lock duration (tests)').hideHelp())
    .addOption(new Option('--claim-lease-ms <ms>', 'delivery claim lease (tests)').hideHelp())
    .addOption(new Option('--tick-lease-ms <ms>', 'tick claim lease: a dead runner is taken over after this (tests)').hideHelp())
    .addOption(new Option('--shutdown-timeout-ms <ms>', 'how long a stop waits for in-flight jobs (default 30 s; tests)').hideHelp())
    .addOption(new Option('--drain-interval-ms <ms>', 'drainer period (tests)').hideHelp())
    .action(async (opts: DaemonCliOptions) => {
      if (opts.at && !opts.once) throw new UserError('--at 只能与 --once 一起使用 / --at requires --once', 2);
      if (!KINDS.includes(opts.kind)) throw new UserError(`未知任务 / unknown --kind: ${opts.kind} (${KINDS.join(', ')})`, 2);
      const at = opts.at === undefined ? undefined : parseTimestamp(opts.at);
      if (at === null) throw new UserError(`--at 时间无效 / invalid --at time: "${opts.at}" (例如 2026-11-02T08:30)`, 2);
      // Warnings (the holiday calendar's coverage, say) are judged as of the cycle's own time under --once --at.
      const { config, warnings } = loadConfig(opts.config ?? defaultConfigPath(), at ?? Date.now());
      for (const w of warnings) log.warn({ file: w.file, line: w.line, path: w.path }, `configuration warning: ${w.message}`);
      const env = readEnv();
      // The store (--db / ORGLIFE_DB: a SQLite file or a postgres:// URL) is opened once here, so a
      // bad URL or a server that does not answer ends in one bilingual line; this open also migrates.
      const db = storeSpec();
      await (await openOrCreateStore({ spec: db })).close();
      const base = {
        config,
        env,
        db,
        log,
        ...(opts.lockMs ? { lockDurationMs: positive(opts.lockMs, '--lock-ms') } : {}),
        ...(opts.claimLeaseMs ? { claimLeaseMs: positive(opts.claimLeaseMs, '--claim-lease-ms') } : {}),
        ...(opts.tickLeaseMs ? { tickLeaseMs: positive(opts.tickLeaseMs, '--tick-lease-ms') } : {}),
        ...(opts.shutdownTimeoutMs ? { shutdownTimeoutMs: positive(opts.shutdownTimeoutMs, '--shutdown-timeout-ms') } : {}),
      };
      installProcessGuards();

      if (opts.once) {
        try {
          await waitForRedis(env.redisUrl, config.redis.connect_timeout_seconds * 1000);
        } catch (e) {
          throw new UserError((e as Error).message, EXIT_REDIS_UNAVAILABLE);
        }
        const report = await runOnce({ ...base, kind: opts.kind as ScheduleKind, ...(at !== undefined ? { at } : {}), waitTimeoutMs: positive(opts.timeout, '--timeout') * 1000 });
        process.stdout.write(describe(report));
        if (report.unfinished > 0) process.exitCode = 3;
        exitSoon();
        return;
      }

      // Long-lived: the daemon plus the HTTP API, SIGTERM/SIGINT → graceful stop, SIGHUP → config reload (src/app/daemon.ts).
      // Loaded here, not at the top: other commands need not load fastify and prom-client.
      const { installSignalHandlers, shutdownWatchdogMs, startService, stopWithWatchdog } = await import('../../app/daemon.js');
      const watchdogMs = shutdownWatchdogMs(base.shutdownTimeoutMs);
      // Workers take jobs while the rest starts: a SIGTERM meanwhile waits for the start, then stops
      // gracefully (the default action would kill sends in flight). Handed over to the service's
      // handlers without a gap, or a signal sent in the last moments of the start is lost (early-signals.ts).
      const early = listenEarly((signal) => log.info({ signal }, 'signal during start-up: stopping as soon as the service is up'));
      let service: Awaited<ReturnType<typeof startService>>;
      try {
        service = await startService({ ...base, configPath: opts.config ?? defaultConfigPath(), ...(opts.drainIntervalMs ? { drainIntervalMs: positive(opts.drainIntervalMs, '--drain-interval-ms') } : {}) });
      } catch (e) {
        early.stop();
        throw e;
      }
      const uninstall = early.handOver(() => installSignalHandlers(service, log, process.exit, watchdogMs, early.first ? 1 : 0));
      if (early.first) {
        log.info({ signal: early.first }, 'shutting down: no new jobs, in-flight ones finish');
        stopWithWatchdog(service, log, process.exit, watchdogMs);
      }
      await service.stopped;
      uninstall();
      exitSoon();
    });
}

/**
 * Everything is stopped and stored; a client library may still hold a reconnect timer (ioredis
 * retrying a Redis that is down), which would keep the process alive after a SIGTERM. Exit on
 * our own shortly after, unless the event loop empties first.
 */
function exitSoon(): void {
  setTimeout(() => process.exit(), 2000).unref();
}

/** Log unhandled rejections instead of dying on them (a stray promise must not stop the service). */
function installProcessGuards(): void {
  process.on('unhandledRejection', (reason) => log.error({ err: reason }, 'unhandled promise rejection'));
}

function positive(v: string, name: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new UserError(`${name} 必须是正数 / must be a positive number: ${v}`, 2);
  return n;
}

/** The Chinese summary printed by --once. */
function describe(r: OnceReport): string {
  const lines = [
    `周期完成 / cycle done: ${r.kind} @ ${shanghaiDateTime(r.at)}（北京时间）run #${r.runId}`,
    `  统计 / stats: ${JSON.stringify(r.stats)}`,
    `  到期消息 / due deliveries: ${r.queued}，已发送 / sent ${r.sent}，失败 / failed ${r.failed}，未完成 / unfinished ${r.unfinished}`,
  ];
  if (r.held > 0 && r.heldUntil !== null) {
    lines.push(`  免打扰暂缓 / held by quiet hours: ${r.held}（最早 ${shanghaiDateTime(r.heldUntil)} 发送 / earliest send time）`);
  }
  return `${lines.join('\n')}\n`;
}
