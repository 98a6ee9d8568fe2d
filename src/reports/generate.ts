/**
 * The scheduled report run (daemon): on the 2nd of the month at 09:00 the reports of the period
 * that just ended are computed, then — in ONE SQLite transaction — stored with their
 * rectification items and their mail deliveries written to the delivery log (transactional
 * outbox). The daemon's drainer and delivery workers send them like warnings: quiet hours and
 * holidays (not_before), retries with backoff, every attempt recorded, fallbacks along
 * `routing.report`. Idempotent: a period whose reports are stored is not recomputed, and a report
 * whose deliveries are planned is never planned again (across restarts and replicas).
 */
import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import { periodOf, previousPeriod, shanghaiDate, type PeriodKind } from '../domain/calendar.js';
import { nextAllowedTime, workCalendar } from '../domain/workdays.js';
import { physicalChannel } from '../notifiers/config.js';
import type { ChannelName } from '../notifiers/types.js';
import { inTransaction } from '../store/sqlite/alerts.js';
import type { Db } from '../store/sqlite/db.js';
import { orgContacts, smsCountsOn } from '../store/sqlite/deliveries.js';
import { unplannedReports, writeReportPlan } from '../store/sqlite/report-mails.js';
import { hasStoredReports, storeReports } from '../store/sqlite/reports.js';
import { buildReports } from './gather.js';
import { planReportMails, reportPeople, type ReportMailPolicy } from './mail.js';

export interface ReportRunDeps {
  db: Db;
  config: Config;
  /** Channels with a working notifier (the daemon's `notifiers.enabled`). */
  available: Iterable<ChannelName>;
  log: Logger;
}

export interface ReportRunStats {
  period: string;
  /** False when the period's reports were already stored (a re-run, or another replica was first). */
  generated: boolean;
  branches: number;
  committees: number;
  rectificationItems: number;
  /** Reports whose mail was planned by this run, and the deliveries written for them. */
  planned: number;
  deliveries: number;
  /** Planned reports nobody could be sent (no address, no usable channel, or disabled in config). */
  skipped: number;
  /** When the deliveries may go out (quiet hours, working days), ISO. */
  notBefore: string;
}

/** The period a report run at `now` covers: the one of `kind` that ended last. */
export function reportPeriodAt(kind: PeriodKind, now: number) {
  return previousPeriod(periodOf(kind, now));
}

/** The report-mail policy of a config and the channels that can send. */
export function reportMailPolicy(config: Config, available: Iterable<ChannelName>): ReportMailPolicy {
  return {
    route: config.routing.report,
    smsChannel: physicalChannel(config.channels, 'sms'),
    available: new Set(available),
    send: config.reports.email,
    smsDailyCap: config.delivery.sms_daily_cap,
  };
}

/** Generate and store the reports of the `kind` period that ended before `now`, with their deliveries. */
export function runReportTick(deps: ReportRunDeps, kind: PeriodKind, now: number): ReportRunStats {
  const { db, config, log } = deps;
  const p = reportPeriodAt(kind, now);
  // Computing takes long (tens of seconds for a city): outside the write transaction.
  const built = hasStoredReports(db, p.label) ? null : buildReports(db, config, p, now);
  const policy = reportMailPolicy(config, deps.available);
  const notBefore = nextAllowedTime(now, config.delivery.quiet_hours, workCalendar(config.calendar));
  const sendDay = shanghaiDate(notBefore);
  const stats = inTransaction(db, () => {
    // Immediate transaction: a replica that stored the period meanwhile is seen here, and wins.
    const stored = built !== null && !hasStoredReports(db, p.label) ? built : null;
    const rectificationItems = stored ? storeReports(db, stored.reports, stored.summaries, now) : 0;
    const todo = unplannedReports(db, p.label);
    const orgs = orgContacts(db, todo.map((r) => r.org));
    const phones = todo.flatMap((r) => (orgs.has(r.org) ? reportPeople(orgs.get(r.org)!) : [])).flatMap((c) => (c.phone ? [c.phone] : []));
    const plan = planReportMails(todo, orgs, policy, smsCountsOn(db, phones, sendDay));
    const deliveries = writeReportPlan(db, plan.sends, plan.notes, notBefore, sendDay, now);
    return {
      period: p.label,
      generated: stored !== null,
      branches: stored?.reports.length ?? 0,
      committees: stored?.summaries.length ?? 0,
      rectificationItems,
      planned: todo.length,
      deliveries,
      skipped: [...plan.notes.values()].filter((n) => n.startsWith('skipped')).length,
      notBefore: new Date(notBefore).toISOString(),
    };
  });
  log.info(stats, stats.generated ? 'reports generated and stored; mail planned' : 'reports already stored; pending mail planned');
  return stats;
}
