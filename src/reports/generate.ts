/**
 * The scheduled report run (daemon): on the 2nd of the month at 09:00 the reports of the period
 * that just ended are computed, stored with their rectification items, and emailed, once per
 * (org, period, kind). Idempotent: a period whose reports are stored is not recomputed (its
 * stored reports are what was and will be sent), and mail already sent is never sent again.
 */
import type { Logger } from 'pino';
import { periodOf, previousPeriod, type PeriodKind } from '../domain/calendar.js';
import type { Config } from '../config/schema.js';
import type { Db } from '../store/db.js';
import { hasStoredReports, loadReportOrgs, storeReports } from '../store/reports.js';
import type { Notifiers } from '../notifiers/registry.js';
import { buildReports } from './gather.js';
import { mailReports, type MailStats } from './deliver.js';

export interface ReportRunDeps {
  db: Db;
  config: Config;
  notifiers: Pick<Notifiers, 'route'> | null;
  log: Logger;
  /** Who claims the emails (daemon instance id). */
  claimer: string;
}

export interface ReportRunStats extends MailStats {
  period: string;
  /** False when the period's reports were already stored (a re-run): only pending mail was sent. */
  generated: boolean;
  branches: number;
  committees: number;
  rectificationItems: number;
}

/** The period a report run at `now` covers: the one of `kind` that ended last. */
export function reportPeriodAt(kind: PeriodKind, now: number) {
  return previousPeriod(periodOf(kind, now));
}

/** Generate, store and email the reports of the `kind` period that ended before `now`. */
export async function runReportTick(deps: ReportRunDeps, kind: PeriodKind, now: number): Promise<ReportRunStats> {
  const { db, config, log } = deps;
  const p = reportPeriodAt(kind, now);
  let generated = false;
  let branches = 0;
  let committees = 0;
  let items = 0;
  if (!hasStoredReports(db, p.label)) {
    const built = buildReports(db, config, p, now);
    items = storeReports(db, built.reports, built.summaries, now);
    generated = true;
    branches = built.reports.length;
    committees = built.summaries.length;
    log.info({ period: p.label, branches, committees, rectificationItems: items }, 'reports generated and stored');
  }
  const contacts = new Map(loadReportOrgs(db).map((o) => [o.code, o]));
  const mail = await mailReports(
    { db, notifiers: deps.notifiers, log, claimer: deps.claimer, contacts, send: config.reports.email },
    p.label,
    now,
  );
  const stats = { period: p.label, generated, branches, committees, rectificationItems: items, ...mail };
  if (mail.retry) {
    // Let the tick fail so its retry sends what is still pending (sent mail is never repeated).
    throw Object.assign(new Error(`${mail.retry} report emails hit temporary errors; will retry`), { stats });
  }
  return stats;
}
