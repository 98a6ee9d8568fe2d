/**
 * The whole configuration schema: the single source of truth for defaults and validation.
 * Each section's schema lives beside the code it configures; this file composes them.
 * Strict everywhere: an unknown key is an error, so a typo never silently falls back to a default.
 */
import { z } from 'zod';
import { parseDate } from '../domain/calendar.js';
import { parseCron } from './cron.js';
import { domainOverridesSchema, rulesSchema } from './rules-schema.js';
import { channelsSchema, routingSchema } from '../notifiers/config.js';
import { reportsSchema } from '../reports/config.js';
import { ratingSchema } from '../rating/config.js';
import { gradesSchema } from '../grades/config.js';
import { exemptionsSchema } from '../exemptions/config.js';

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:MM, 24-hour clock, for example 08:00');
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date YYYY-MM-DD');
/** A date that exists in the calendar (2026-02-30 does not). */
const calendarDate = isoDate.refine((d) => parseDate(d) !== null, '不存在的日期 / not a calendar date');
/** A 5-field cron expression (minute hour day month weekday), evaluated in Asia/Shanghai; each field in range. */
export const cronSchema = z.string().superRefine((expr, ctx) => {
  const parsed = parseCron(expr);
  if ('problem' in parsed) ctx.addIssue({ code: 'custom', message: parsed.problem });
});

export const alertsSchema = z
  .object({
    repeat_after_days: z
      .array(z.number().int().min(1).max(365))
      .max(20)
      .default([3, 7, 14])
      .describe('repeats that slow down: an open, unacknowledged alert is told again after the 1st gap (Shanghai calendar days since it was last told), then the 2nd, …; the last gap is reused; [] = never repeat'),
    max_repeats: z
      .union([
        z.number().int().min(0).max(100),
        z.object({ reminder: z.number().int().min(0).max(100), warning: z.number().int().min(0).max(100), escalation: z.number().int().min(0).max(100) }).strict(),
      ])
      .default({ reminder: 2, warning: 3, escalation: 3 })
      .describe('at most this many repeats at the alert\'s current level: the count restarts at 0 whenever the level rises or the alert reopens; one number for every level or {reminder, warning, escalation}'),
    escalation_count: z
      .enum(['working_days', 'calendar_days'])
      .default('working_days')
      .describe("how a rule's escalation_days are counted from the day its warning was delivered: working days (calendar:) or calendar days"),
    start_from: isoDate
      .refine((d) => parseDate(d) !== null, 'not a calendar date')
      .optional()
      .describe('go-live date: lapses of periods that ended before it are history — shown by check and reports, never sent; the first cycle after it mails the admins one backlog summary'),
    admins: z
      .array(
        z
          .object({
            name: z.string().min(1).describe("admin's name"),
            email: z.string().email().optional().describe('email address'),
            phone: z.string().min(5).optional().describe('mobile number (an SMS pointer to the email)'),
          })
          .strict(),
      )
      .default([])
      .describe('system administrators (组织部管理员): they receive the go-live backlog summary'),
  })
  .strict()
  .prefault({});

export const deliverySchema = z
  .object({
    quiet_hours: z
      .object({
        start: hhmm.default('08:00').describe('first minute messages may be sent'),
        end: hhmm.default('20:00').describe('messages are held from this minute until the next allowed start'),
        working_days_only: z.boolean().default(true).describe('hold messages on weekends and public holidays'),
      })
      .strict()
      .prefault({}),
    sms_daily_cap: z
      .number().int().min(0).max(100).default(3)
      .describe('SMS per recipient per day; further messages go by email'),
    attempts: z.number().int().min(1).max(20).default(5).describe('delivery attempts for temporary errors'),
    backoff_ms: z.number().int().min(10).max(3_600_000).default(30_000).describe('first retry delay, doubling'),
  })
  .strict()
  .prefault({});

export const calendarSchema = z
  .object({
    holidays: z.array(calendarDate).default([]).describe('public holidays (no messages on these days)'),
    workdays: z.array(calendarDate).default([]).describe('make-up working days (调休上班) that fall on weekends'),
  })
  .strict()
  .prefault({});

export const schedulesSchema = z
  .object({
    evaluate: cronSchema.default('30 8 * * *').describe('evaluate rules and send warnings'),
    report_monthly: cronSchema.default('0 9 2 * *').describe('monthly health-check reports for the previous month'),
    report_quarterly: cronSchema.default('0 9 2 1,4,7,10 *').describe('quarterly reports for the previous quarter'),
    report_yearly: cronSchema.default('0 9 2 1 *').describe('yearly reports for the previous year'),
    weak_reminder: cronSchema.default('0 9 1 * *').describe('monthly reminder of each open weak-and-lax designation (软弱涣散) to its secretary, committee and township leader'),
  })
  .strict()
  .prefault({});

export const httpSchema = z
  .object({
    enabled: z.boolean().default(true).describe('serve the HTTP API, health and metrics from the daemon'),
    host: z.string().min(1).default('127.0.0.1').describe('bind address'),
    port: z.number().int().min(0).max(65535).default(8080).describe('port (ORGLIFE_HTTP_PORT overrides)'),
    body_limit_bytes: z.number().int().min(1024).default(5 * 1024 * 1024).describe('largest request body'),
    rate_limit_per_minute: z.number().int().min(1).default(600).describe('requests per token per minute'),
    public_url: z
      .string()
      .regex(/^https?:\/\/[^\s/]+(\/[^\s]*)?$/, 'expected http(s)://host[/path]')
      .optional()
      .describe('address people reach the console at, e.g. https://dj.example.gov.cn; warning messages carry a one-tap acknowledgement link under it (no link when unset)'),
    ack_link_days: z.number().int().min(1).max(90).default(14).describe('days a one-tap acknowledgement link in a warning message stays valid'),
    session_hours: z.number().int().min(1).max(720).default(12).describe('console sign-in lasts this many hours without activity'),
  })
  .strict()
  .prefault({});

export const redisSchema = z
  .object({
    connect_timeout_seconds: z
      .number().int().min(1).max(3600).default(60)
      .describe('`daemon --once` waits at most this long for Redis to answer, then exits with code 69'),
  })
  .strict()
  .prefault({});

export const configSchema = z
  .object({
    rules: rulesSchema,
    domains: domainOverridesSchema,
    alerts: alertsSchema,
    delivery: deliverySchema,
    calendar: calendarSchema,
    channels: channelsSchema,
    routing: routingSchema,
    schedules: schedulesSchema,
    reports: reportsSchema,
    rating: ratingSchema,
    grades: gradesSchema,
    exemptions: exemptionsSchema,
    http: httpSchema,
    redis: redisSchema,
  })
  .strict();

export type Config = z.infer<typeof configSchema>;
