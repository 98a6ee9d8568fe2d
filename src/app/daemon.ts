/**
 * The composition root of `orglife daemon`: the store, the job daemon (src/jobs: runtime, workers,
 * schedules), the HTTP API (src/api's server factory) and the web console plugin on it, with a
 * configuration reload (SIGHUP) and an orderly shutdown (SIGTERM/SIGINT). src/api holds routes
 * and the server only; everything is wired here.
 *
 * Reload: the new configuration is validated first (loadConfig, and the channels it enables must
 * have their secrets in the environment); a bad one is logged with every error and the running one
 * kept. A good one replaces the daemon (stop: in-flight jobs finish; start: schedules re-armed).
 * The HTTP server keeps listening throughout and reads the configuration in force per request.
 */
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { ConfigError, loadConfig, type ConfigIssue } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { startDaemon, type DaemonHandle, type DaemonOptions } from '../jobs/daemon.js';
import { TICK_HANDLERS, type TickHandler } from '../jobs/kinds.js';
import { alertsOutbox } from '../jobs/outbox-alerts.js';
import type { DeliveryOutbox } from '../delivery/outbox.js';
import { log as defaultLog } from '../log.js';
import { countConfigReload, countDelivery, observeEvaluation, restoreLastEvaluation, setFindingCounts, setHolidayCalendar, setScrapeSource } from '../metrics.js';
import { createNotifiers } from '../notifiers/registry.js';
import { CHANNEL_NAMES } from '../notifiers/types.js';
import { openStore } from '../store/open.js';
import type { Store } from '../store/port.js';
import { parseApiTokens } from '../api/auth.js';
import { alertCounts, lastEvaluationRun, pingClient, readinessProbes, scrapeSource, type CountableQueue } from '../api/probes.js';
import type { DaemonHealth } from '../console/context.js';
import { buildApi, type ReloadOutcome } from '../api/server.js';

export interface ServiceOptions extends DaemonOptions {
  /** Configuration file or folder, read again on reload. */
  configPath: string;
  /** Serve HTTP (default config.http.enabled). */
  http?: boolean;
  /** Port override (default env ORGLIFE_HTTP_PORT, else http.port; 0 = any free port). */
  httpPort?: number;
}

export interface Service {
  /** The daemon in force (a reload replaces it). */
  readonly daemon: DaemonHandle;
  /** The configuration in force. */
  readonly config: Config;
  /** Where HTTP listens, or null without HTTP. */
  readonly address: { host: string; port: number } | null;
  /** The HTTP server (tests use inject), or null. */
  readonly app: FastifyInstance | null;
  /** Validate and swap in the configuration at configPath; a bad one changes nothing. */
  reload(): Promise<ReloadOutcome>;
  /** Stop: readiness fails, HTTP and the daemon close (in-flight work finishes), the store closes. Idempotent. */
  stop(): Promise<void>;
  readonly stopped: Promise<void>;
  /** While stop() runs: the step it waits on (named by the shutdown watchdog when a stop overruns). */
  readonly stopStep: string | null;
}

/** Start the daemon and the HTTP API. Throws ConfigError for bad API tokens or channel secrets. */
export async function startService(o: ServiceOptions): Promise<Service> {
  const log: Logger = o.log ?? defaultLog;
  const tokens = parseApiTokens(o.env.get('ORGLIFE_API_TOKENS'));
  const startedAt = Date.now();
  let config = o.config;
  let state: 'running' | 'reloading' | 'stopping' = 'running';

  const daemonOptions = (cfg: Config): DaemonOptions => ({
    ...o,
    config: cfg,
    log,
    outbox: countingOutbox(o.outbox ?? alertsOutbox(cfg)),
    handlers: { ...o.handlers, evaluate: observedEvaluate(o.handlers?.evaluate ?? TICK_HANDLERS.evaluate) },
  });
  let daemon = await startDaemon(daemonOptions(config));

  // The API has its own store handle: a reload or shutdown of the daemon never pulls the store from under a request.
  const given = o.db;
  const store: Store = typeof given === 'object' ? given : await openStore(given);
  const ownStore = typeof given !== 'object';
  const closeStore = async () => {
    if (ownStore) await store.close();
  };
  const redis = pingClient(o.env.redisUrl);
  const probes = readinessProbes({
    store: () => store,
    redis,
    workersRunning: () => state === 'running',
    evaluateCron: () => config.schedules.evaluate,
    calendar: () => config.calendar,
    startedAt,
    ...(o.clock ? { now: o.clock } : {}),
  });
  // Metrics start from what the database knows, so a restart does not look like a stalled schedule.
  const last = await lastEvaluationRun(store);
  if (last) restoreLastEvaluation(last);
  setFindingCounts((await alertCounts(store)).byRule);
  setHolidayCalendar(() => config.calendar);
  setScrapeSource(scrapeSource(() => store, () => [daemon.runtime.ticks, ...CHANNEL_NAMES.map((c) => daemon.runtime.queueOf(c))]));

  let reloading: Promise<ReloadOutcome> | null = null;
  const doReload = async (): Promise<ReloadOutcome> => {
    let next: { config: Config; files: string[] };
    try {
      next = loadConfig(o.configPath);
      // Channels the new config enables need their secrets now, not at the first send.
      await createNotifiers(next.config.channels, o.env, { log }).close();
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      countConfigReload('failure');
      log.error({ issues: e.issues }, `config reload rejected; the running configuration is kept\n${e.message}`);
      return { ok: false, issues: e.issues };
    }
    state = 'reloading';
    try {
      await daemon.stop();
      try {
        daemon = await startDaemon(daemonOptions(next.config));
      } catch (e) {
        log.error({ err: e }, 'daemon did not start with the new configuration; restarting with the previous one');
        daemon = await startDaemon(daemonOptions(config));
        countConfigReload('failure');
        return { ok: false, issues: [issueOf(e)] };
      }
      warnIfHttpChanged(log, config, next.config);
      config = next.config;
      countConfigReload('success');
      log.info({ files: next.files, schedules: config.schedules }, 'configuration reloaded; schedules re-armed');
      return { ok: true, files: next.files };
    } finally {
      if (state === 'reloading') state = 'running';
    }
  };
  const reload = () => {
    // One reload at a time; a SIGHUP during a reload waits for it and then reloads again.
    const run = (reloading ?? Promise.resolve()).catch(() => undefined).then(() => (state === 'stopping' ? notRunning() : doReload()));
    reloading = run;
    return run;
  };

  let app: FastifyInstance | null = null;
  let address: { host: string; port: number } | null = null;
  if (o.http ?? config.http.enabled) {
    if (tokens.length === 0) log.warn('ORGLIFE_API_TOKENS is empty: API routes answer 401; /healthz, /readyz and /metrics work');
    app = await buildApi(
      { store, config: () => config, tokens, log, clock: o.clock ?? Date.now, readiness: probes, reload, reevaluate: (orgs) => daemon.runtime.requestReevaluation(orgs) },
      { bodyLimitBytes: config.http.body_limit_bytes, rateLimitPerMinute: config.http.rate_limit_per_minute },
    );
    // The web console (src/console) on the same server, reading through the API's connection.
    const { consolePlugin } = await import('../console/plugin.js');
    await app.register(consolePlugin, {
      store,
      config: () => config,
      log,
      clock: o.clock ?? Date.now,
      env: o.env,
      health: () => daemonHealth(redis, [daemon.runtime.ticks, ...CHANNEL_NAMES.map((c) => daemon.runtime.queueOf(c))]),
    });
    const port = o.httpPort ?? o.env.httpPort ?? config.http.port;
    try {
      await app.listen({ host: config.http.host, port });
    } catch (e) {
      await app.close().catch(() => undefined);
      await daemon.stop();
      await closeStore();
      await redis.close();
      throw e;
    }
    const a = app.server.address();
    address = a && typeof a === 'object' ? { host: a.address, port: a.port } : null;
    log.info({ address }, 'HTTP API listening');
  }

  let resolveStopped!: () => void;
  const stopped = new Promise<void>((r) => (resolveStopped = r));
  let stopping: Promise<void> | null = null;
  let step: string | null = null;
  let appOpen = true;

  return {
    get daemon() {
      return daemon;
    },
    get config() {
      return config;
    },
    address,
    app,
    reload,
    stop() {
      stopping ??= (async () => {
        state = 'stopping';
        log.info('service stopping');
        daemon.runtime.stopTakingJobs(); // at once: nothing new starts while the rest below winds down
        step = 'reload';
        await reloading?.catch(() => undefined);
        step = 'http and daemon';
        const closingApp = app?.close().finally(() => (appOpen = false));
        await Promise.allSettled([closingApp, daemon.stop()]);
        setScrapeSource(null);
        step = 'redis';
        await redis.close();
        step = 'store';
        await closeStore();
        step = null;
        log.info('service stopped');
        resolveStopped();
      })();
      return stopping;
    },
    stopped,
    get stopStep() {
      if (step !== 'http and daemon') return step;
      return [appOpen && app ? 'http server' : null, daemon.stopStep && `daemon ${daemon.stopStep}`].filter(Boolean).join(', ') || step;
    },
  };
}

/**
 * How long a stop may take before the watchdog ends the process: the runtime waits up to its
 * shutdown timeout for jobs in flight and again for outbox work, plus bounded Redis graces.
 */
export function shutdownWatchdogMs(shutdownTimeoutMs = 30_000): number {
  return 2 * shutdownTimeoutMs + 30_000;
}

/**
 * SIGTERM/SIGINT stop the service (a second one exits at once); SIGHUP reloads. Returns an uninstaller.
 * A stop that overruns `watchdogMs` (a close waiting on something that never answers) is logged with
 * the step it is stuck on, and the process exits with 1: a stop always ends in bounded time, and
 * everything it did not finish is retried from the store by the next daemon.
 */
export function installSignalHandlers(
  service: Service,
  log: Logger = defaultLog,
  exit: (code: number) => void = process.exit,
  watchdogMs: number = shutdownWatchdogMs(),
  /** Signals already taken during the start (1: the stop is under way, so the next one exits at once). */
  signalsSoFar = 0,
): () => void {
  let signals = signalsSoFar;
  const onStop = (signal: NodeJS.Signals) => {
    signals++;
    if (signals > 1) {
      log.warn({ signal }, 'second signal: exiting now');
      exit(130);
      return;
    }
    log.info({ signal }, 'shutting down: no new jobs, in-flight ones finish');
    stopWithWatchdog(service, log, exit, watchdogMs);
  };
  const onHup = () => {
    log.info({ signal: 'SIGHUP' }, 'reloading configuration');
    service.reload().catch((e: unknown) => log.error({ err: e }, 'config reload failed'));
  };
  process.on('SIGTERM', onStop);
  process.on('SIGINT', onStop);
  process.on('SIGHUP', onHup);
  return () => {
    process.off('SIGTERM', onStop);
    process.off('SIGINT', onStop);
    process.off('SIGHUP', onHup);
  };
}

/** service.stop(), and exit(1) naming the step it waits on if it has not finished within watchdogMs. */
export function stopWithWatchdog(service: Service, log: Logger, exit: (code: number) => void, watchdogMs: number): void {
  const dog = setTimeout(() => {
    log.error({ watchdogMs, step: service.stopStep }, 'shutdown did not finish in time: exiting (unfinished work is retried from the store)');
    exit(1);
  }, watchdogMs);
  dog.unref();
  void service.stop().finally(() => clearTimeout(dog));
}

/** Count delivery outcomes on their way into the store (the outbox is the one place every outcome passes). */
function countingOutbox(inner: DeliveryOutbox): DeliveryOutbox {
  return {
    claim: (store, id, owner, now, leaseMs, renderAt) => inner.claim(store, id, owner, now, leaseMs, renderAt),
    claimMany: (store, ids, owner, now, leaseMs, renderAt) => inner.claimMany(store, ids, owner, now, leaseMs, renderAt),
    pending: (store, opts) => inner.pending(store, opts),
    get: (store, id) => inner.get(store, id),
    async markSent(store, attempt, now) {
      await inner.markSent(store, attempt, now);
      countDelivery(attempt.channel, 'sent');
    },
    async markSentMany(store, list, now) {
      await inner.markSentMany(store, list, now);
      for (const a of list) countDelivery(a.channel, 'sent');
    },
    async recordFailure(store, attempt, now) {
      await inner.recordFailure(store, attempt, now);
      countDelivery(attempt.channel, 'retry');
    },
    async giveUp(store, attempt, now) {
      const fallback = await inner.giveUp(store, attempt, now);
      countDelivery(attempt.channel, 'failed');
      return fallback;
    },
  };
}

/** Time the evaluate handler and publish its outcome as metrics. */
function observedEvaluate(inner: TickHandler | undefined): TickHandler {
  return async (ctx) => {
    const startedAt = Date.now();
    try {
      const stats = inner ? await inner(ctx) : undefined;
      observeEvaluation({ startedAt, finishedAt: Date.now() });
      // The unresolved alerts after reconcile are the current findings, by level and rule.
      setFindingCounts((await alertCounts(ctx.store)).byRule);
      return stats;
    } catch (e) {
      observeEvaluation({ startedAt, finishedAt: Date.now(), failed: true });
      throw e;
    }
  };
}

/** Redis reachability and queue depths for the console's overview. */
async function daemonHealth(redis: { ping(): Promise<void> }, queues: CountableQueue[]): Promise<DaemonHealth> {
  const redisUp = await redis.ping().then(
    () => true,
    () => false,
  );
  if (!redisUp) return { redisUp, queues: [] };
  const out: DaemonHealth['queues'] = [];
  for (const q of queues) {
    const c = await q.getJobCounts('waiting', 'active', 'delayed', 'failed', 'prioritized');
    out.push({ queue: q.name, waiting: (c.waiting ?? 0) + (c.prioritized ?? 0), active: c.active ?? 0, delayed: c.delayed ?? 0, failed: c.failed ?? 0 });
  }
  return { redisUp, queues: out };
}

function warnIfHttpChanged(log: Logger, before: Config, after: Config): void {
  if (JSON.stringify(before.http) !== JSON.stringify(after.http)) {
    log.warn({ before: before.http, after: after.http }, 'http settings changed: they take effect at the next restart');
  }
}

function issueOf(e: unknown): ConfigIssue {
  return { file: '(start)', line: null, path: '', message: e instanceof Error ? e.message : String(e) };
}

async function notRunning(): Promise<ReloadOutcome> {
  return { ok: false, issues: [{ file: '(service)', line: null, path: '', message: '服务正在停止 / the service is stopping' }] };
}
