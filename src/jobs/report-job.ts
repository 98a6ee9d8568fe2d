/**
 * Tick handlers of the report schedules (report_monthly / report_quarterly / report_yearly):
 * generate, store and email the reports of the period that just ended (src/reports/generate.ts).
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { PeriodKind } from '../domain/calendar.js';
import { runReportTick } from '../reports/generate.js';
import type { TickHandler } from './kinds.js';

/** The handler of one report schedule. `now` = the tick's scheduled time. */
export function reportTick(kind: PeriodKind): TickHandler {
  return async (ctx) => {
    // A claimer unique to this run: replicas (and a retry after a crash) never share a mail claim.
    const stats = await runReportTick(
      { db: ctx.db, config: ctx.config, notifiers: ctx.notifiers, log: ctx.log, claimer: `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}` },
      kind,
      ctx.now,
    );
    return { ...stats };
  };
}
