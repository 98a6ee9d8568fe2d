/**
 * Tick handlers of the report schedules (report_monthly / report_quarterly / report_yearly):
 * generate and store the reports of the period that just ended, with their mail written to the
 * delivery log in the same transaction (src/reports/generate.ts, through the store port); the
 * drainer sends it after the tick.
 */
import type { PeriodKind } from '../domain/calendar.js';
import { runReportTick } from '../reports/generate.js';
import type { TickHandler } from './kinds.js';

/** The handler of one report schedule. `now` = the tick's scheduled time. */
export function reportTick(kind: PeriodKind): TickHandler {
  return async (ctx) => ({ ...(await runReportTick({ store: ctx.store, config: ctx.config, available: ctx.notifiers.enabled, log: ctx.log, sendFrom: ctx.sendFrom }, kind, ctx.now)) });
}
