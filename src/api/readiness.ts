/**
 * Readiness: is this instance able to do its job right now? Redis answers, SQLite answers, the
 * workers run, and the last evaluation is not older than the evaluate schedule allows. The allowed
 * age is derived from the cron expression (one interval between its two latest ticks, plus a
 * margin for queueing and the run itself), so a config change of the schedule moves it along.
 */
import { holidayCoverageWarning } from '../config/warnings.js';
import { latestTickAtOrBefore } from '../jobs/ticks.js';

/** One dependency's verdict. */
export interface CheckResult {
  ok: boolean;
  /** Why not (English/Chinese short text), or a note when ok. */
  detail?: string;
  [extra: string]: unknown;
}

/** What /readyz answers. */
export interface Readiness {
  ready: boolean;
  checks: Record<'redis' | 'sqlite' | 'workers' | 'evaluation', CheckResult>;
  /** What does not make the instance unready but needs an operator (a holiday calendar running out). */
  warnings: string[];
  /** The store this instance uses: its kind and where (a file path, or a URL with the password masked). */
  store?: { kind: string; url: string };
}

/** What the readiness probe needs of the running service. */
export interface ReadinessProbes {
  /** Resolves when Redis answers PING; rejects otherwise. */
  pingRedis(): Promise<void>;
  /** Throws when the database does not answer a trivial query. */
  /** A round trip to the store (SQLite or PostgreSQL). */
  pingSqlite(): void | Promise<void>;
  /** Whether this process's workers are running (false while stopping or reloading). */
  workersRunning(): boolean;
  /** Wall-clock finish time of the last successful evaluation, or null when none ever ran. */
  lastEvaluationFinishedAt(): number | null | Promise<number | null>;
  /** The evaluate schedule currently armed. */
  evaluateCron(): string;
  /** When this process started serving (a fresh install is not "late" before its first tick). */
  startedAt: number;
  now(): number;
  /** The holiday calendar in force (its coverage of the next 60 days is reported as a warning). */
  calendar?(): { holidays: string[]; workdays: string[] };
  /** The store in use (kind, masked location). */
  store?(): { kind: string; url: string };
}

/** Extra time beyond one schedule interval before an evaluation counts as late. */
export const EVALUATION_MARGIN_MS = 15 * 60_000;
const DEFAULT_INTERVAL_MS = 24 * 3600_000;
const REDIS_TIMEOUT_MS = 2000;

/** The longest allowed age of the last evaluation under `expr`: its tick interval plus the margin. */
export function allowedEvaluationAgeMs(expr: string, now: number): number {
  const last = latestTickAtOrBefore(expr, now);
  const before = last === null ? null : latestTickAtOrBefore(expr, last - 1000);
  const interval = last !== null && before !== null ? last - before : DEFAULT_INTERVAL_MS;
  return interval + EVALUATION_MARGIN_MS;
}

/** Judge the evaluation's freshness from plain values (pure; "now" passed in). */
export function evaluationFreshness(expr: string, lastFinishedAt: number | null, startedAt: number, now: number): CheckResult {
  const allowedMs = allowedEvaluationAgeMs(expr, now);
  const allowedAgeSeconds = Math.round(allowedMs / 1000);
  if (lastFinishedAt === null) {
    const waited = now - startedAt;
    return waited <= allowedMs
      ? { ok: true, detail: '尚未运行过检查，未到期 / no evaluation yet, not due', allowedAgeSeconds, schedule: expr }
      : { ok: false, detail: '从未完成过检查 / no evaluation has finished since start', allowedAgeSeconds, schedule: expr };
  }
  const ageSeconds = Math.round((now - lastFinishedAt) / 1000);
  const ok = now - lastFinishedAt <= allowedMs || now - startedAt <= allowedMs;
  return {
    ok,
    ...(ok ? {} : { detail: '上次检查时间过久 / the last evaluation is older than the schedule allows' }),
    lastFinishedAt: new Date(lastFinishedAt).toISOString(),
    ageSeconds,
    allowedAgeSeconds,
    schedule: expr,
  };
}

/** Run every readiness check (never throws). */
export async function checkReadiness(p: ReadinessProbes): Promise<Readiness> {
  // Client library messages ("Stream isn't writeable and enableOfflineQueue options is false") mean
  // nothing to an operator and describe internals: the answer says what failed, the log has the rest.
  const redis = await timed(async () => {
    await withTimeout(p.pingRedis(), REDIS_TIMEOUT_MS);
  }, `Redis 无应答（${REDIS_TIMEOUT_MS} ms 内）/ Redis is not answering (within ${REDIS_TIMEOUT_MS} ms)`);
  const sqlite = await timed(async () => p.pingSqlite(), '数据库无应答 / the database is not answering');
  const workers: CheckResult = p.workersRunning() ? { ok: true } : { ok: false, detail: '任务进程未运行 / workers are not running' };
  let evaluation: CheckResult;
  try {
    evaluation = evaluationFreshness(p.evaluateCron(), await p.lastEvaluationFinishedAt(), p.startedAt, p.now());
  } catch (e) {
    evaluation = { ok: false, detail: message(e) };
  }
  const checks = { redis, sqlite, workers, evaluation };
  const warnings: string[] = [];
  const holidays = p.calendar ? holidayCoverageWarning(p.calendar(), p.now()) : null;
  if (holidays) warnings.push(holidays);
  return { ready: Object.values(checks).every((c) => c.ok), checks, warnings, ...(p.store ? { store: p.store() } : {}) };
}

async function timed(f: () => Promise<void>, failure: string): Promise<CheckResult> {
  const t0 = performance.now();
  try {
    await f();
    return { ok: true, ms: Math.round(performance.now() - t0) };
  } catch {
    return { ok: false, detail: failure };
  }
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function withTimeout(p: Promise<void>, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    t.unref();
    p.then(
      () => (clearTimeout(t), resolve()),
      (e: unknown) => (clearTimeout(t), reject(e instanceof Error ? e : new Error(String(e)))),
    );
  });
}
