/**
 * Prometheus metrics of the process (prom-client), all named `orglife_…`. One registry per process;
 * other parts call the small functions below (cheap, synchronous, never throwing), and the service
 * adds scrape-time gauges (open alerts, queue depths) through `setScrapeSource`.
 */
import { holidayCalendarEnd } from './config/warnings.js';
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';

/** The registry /metrics serves. */
export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry, prefix: 'orglife_process_' });

const findings = new Gauge({
  name: 'orglife_findings',
  help: 'Findings of the last evaluation, by level and rule',
  labelNames: ['level', 'rule'] as const,
  registers: [metricsRegistry],
});
const lastEvaluation = new Gauge({
  name: 'orglife_last_evaluation_timestamp_seconds',
  help: 'Unix time the last evaluation finished (wall clock)',
  registers: [metricsRegistry],
});
const lastEvaluationDuration = new Gauge({
  name: 'orglife_last_evaluation_duration_seconds',
  help: 'How long the last evaluation took',
  registers: [metricsRegistry],
});
const evaluations = new Counter({
  name: 'orglife_evaluations_total',
  help: 'Evaluation cycles run by this process, by result',
  labelNames: ['result'] as const,
  registers: [metricsRegistry],
});
const messagesSent = new Counter({
  name: 'orglife_messages_sent_total',
  help: 'Messages accepted by the provider, by channel',
  labelNames: ['channel'] as const,
  registers: [metricsRegistry],
});
const messagesFailed = new Counter({
  name: 'orglife_messages_failed_total',
  help: 'Messages given up (permanent error or attempts exhausted), by channel',
  labelNames: ['channel'] as const,
  registers: [metricsRegistry],
});
const messageRetries = new Counter({
  name: 'orglife_message_retries_total',
  help: 'Temporary send errors that will be retried, by channel',
  labelNames: ['channel'] as const,
  registers: [metricsRegistry],
});
const configReloads = new Counter({
  name: 'orglife_config_reloads_total',
  help: 'Configuration reloads (SIGHUP or POST /api/v1/admin/reload), by result',
  labelNames: ['result'] as const,
  registers: [metricsRegistry],
});
const httpRequests = new Counter({
  name: 'orglife_http_requests_total',
  help: 'HTTP API requests, by route and status code',
  labelNames: ['method', 'route', 'status'] as const,
  registers: [metricsRegistry],
});
let holidayCalendar: (() => { holidays: string[]; workdays: string[] }) | null = null;
new Gauge({
  name: 'orglife_holiday_calendar_days_left',
  help: 'Days from now to the last day the holiday calendar covers (31 December of its last year); alert below 60',
  registers: [metricsRegistry],
  collect() {
    const end = holidayCalendar ? holidayCalendarEnd(holidayCalendar()) : null;
    if (holidayCalendar) this.set(end ? Math.floor((Date.parse(`${end}T23:59:59+08:00`) - Date.now()) / 86_400_000) : 0);
  },
});
const reportBuilds = new Counter({
  name: 'orglife_report_builds_total',
  help: 'Whole-city report computations for API report requests (cache misses), by period',
  labelNames: ['period'] as const,
  registers: [metricsRegistry],
});
const ingested = new Counter({
  name: 'orglife_ingested_rows_total',
  help: 'Rows accepted through the HTTP ingest API, by table and outcome',
  labelNames: ['table', 'outcome'] as const,
  registers: [metricsRegistry],
});

/** What scrape-time gauges read; the service sets it (null = those gauges stay empty). */
export interface ScrapeSource {
  /** Open and acknowledged alerts by level and state. */
  alertCounts(): Array<{ level: string; state: string; count: number }> | Promise<Array<{ level: string; state: string; count: number }>>;
  /** Jobs per queue and state (waiting, active, delayed, failed). */
  queueDepths(): Promise<Array<{ queue: string; state: string; count: number }>>;
}

let source: ScrapeSource | null = null;

/** Install (or remove, with null) the source of scrape-time gauges. */
export function setScrapeSource(s: ScrapeSource | null): void {
  source = s;
}

new Gauge({
  name: 'orglife_open_alerts',
  help: 'Alerts not resolved, by level and state (open, acknowledged)',
  labelNames: ['level', 'state'] as const,
  registers: [metricsRegistry],
  async collect() {
    this.reset();
    if (!source) return;
    try {
      for (const r of await withTimeout(Promise.resolve(source.alertCounts()), 2000)) this.set({ level: r.level, state: r.state }, r.count);
    } catch {
      // A scrape must not fail because one source is unhappy; the gauge is empty this time.
    }
  },
});

new Gauge({
  name: 'orglife_queue_jobs',
  help: 'Jobs in each BullMQ queue by state',
  labelNames: ['queue', 'state'] as const,
  registers: [metricsRegistry],
  async collect() {
    this.reset();
    if (!source) return;
    try {
      for (const r of await withTimeout(source.queueDepths(), 2000)) this.set({ queue: r.queue, state: r.state }, r.count);
    } catch {
      // Redis away: no queue figures (orglife_dependency_up{dependency="redis"} says why).
    }
  },
});

/** Record one evaluation: when it finished, how long it took, and its findings by level and rule. */
export function observeEvaluation(r: { startedAt: number; finishedAt: number; findings?: Iterable<{ level: string; rule: string }>; failed?: boolean }): void {
  evaluations.inc({ result: r.failed ? 'failure' : 'success' });
  if (r.failed) return;
  lastEvaluation.set(r.finishedAt / 1000);
  lastEvaluationDuration.set(Math.max(0, r.finishedAt - r.startedAt) / 1000);
  if (r.findings) setFindingCounts(countFindings(r.findings));
}

/** Set the last-evaluation gauges from a stored run (at start: a restart must not look like a stalled schedule). */
export function restoreLastEvaluation(r: { startedAt: number; finishedAt: number }): void {
  lastEvaluation.set(r.finishedAt / 1000);
  lastEvaluationDuration.set(Math.max(0, r.finishedAt - r.startedAt) / 1000);
}

/** Replace the findings gauge with counts keyed by level and rule. */
export function setFindingCounts(counts: Array<{ level: string; rule: string; count: number }>): void {
  findings.reset();
  for (const c of counts) findings.set({ level: c.level, rule: c.rule }, c.count);
}

/** Count findings by (level, rule). */
export function countFindings(list: Iterable<{ level: string; rule: string }>): Array<{ level: string; rule: string; count: number }> {
  const m = new Map<string, { level: string; rule: string; count: number }>();
  for (const f of list) {
    const k = `${f.level}\u0000${f.rule}`;
    const e = m.get(k);
    if (e) e.count++;
    else m.set(k, { level: f.level, rule: f.rule, count: 1 });
  }
  return [...m.values()];
}

/** Record one delivery outcome of a channel. */
export function countDelivery(channel: string, outcome: 'sent' | 'failed' | 'retry'): void {
  (outcome === 'sent' ? messagesSent : outcome === 'failed' ? messagesFailed : messageRetries).inc({ channel });
}

/** Record a configuration reload attempt. */
export function countConfigReload(result: 'success' | 'failure'): void {
  configReloads.inc({ result });
}

/** Record one HTTP request (route = the route pattern, never the raw URL, to bound label values). */
export function countHttpRequest(method: string, route: string, status: number): void {
  httpRequests.inc({ method, route, status: String(status) });
}

/** The holiday calendar in force, for orglife_holiday_calendar_days_left. */
export function setHolidayCalendar(cal: () => { holidays: string[]; workdays: string[] }): void {
  holidayCalendar = cal;
}

/** Count a whole-city report build made to answer an API request. */
export function countReportBuild(period: string): void {
  reportBuilds.inc({ period });
}

/** Record rows pushed through the ingest API. */
export function countIngested(table: string, counts: { inserted: number; updated: number; unchanged: number }): void {
  for (const outcome of ['inserted', 'updated', 'unchanged'] as const) {
    if (counts[outcome]) ingested.inc({ table, outcome }, counts[outcome]);
  }
}

/** A gauge set by the service's readiness probe: 1 when the dependency answered. */
export const dependencyUp = new Gauge({
  name: 'orglife_dependency_up',
  help: 'Whether a dependency answered the last readiness probe (redis, sqlite, workers, evaluation)',
  labelNames: ['dependency'] as const,
  registers: [metricsRegistry],
});

/** The Prometheus text of the registry. */
export function metricsText(): Promise<string> {
  return metricsRegistry.metrics();
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    t.unref();
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(t);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}
