/**
 * Tick handler of the `weak_reminder` schedule (monthly, default 09:00 on rating.weak_reminder_day):
 * the month's reminder of every open weak-and-lax designation to the branch's secretary, its
 * committee and the township leader responsible, written to the delivery log through the store
 * port (rating.planReminders: one reminder per person and month — a committee or a leader with
 * several designated branches gets one message listing them —, deliveries keyed by it, so
 * a re-run of the tick or a second daemon plans nothing new); the drainer sends them after the tick.
 */
import { shanghaiDate } from '../domain/calendar.js';
import { physicalChannel } from '../notifiers/config.js';
import { sendTime } from '../alerts/planner.js';
import { planWeakReminders, reminderPhones } from '../rating/weak-reminders.js';
import type { TickHandler } from './kinds.js';

/** The handler. `now` = the tick's scheduled time: the month reminded is its Shanghai month. */
export const weakReminderTick: TickHandler = async (ctx) => {
  const { config, store, now } = ctx;
  const month = shanghaiDate(now).slice(0, 7);
  const notBefore = sendTime(config, now, ctx.sendFrom);
  const sendDay = shanghaiDate(notBefore);
  const policy = {
    route: config.routing.report,
    smsChannel: physicalChannel(config.channels, 'sms'),
    available: new Set(ctx.notifiers.enabled),
    smsDailyCap: config.delivery.sms_daily_cap,
  };
  const r = await store.rating.planReminders({ sendDay, notBefore, now, phonesOf: reminderPhones }, ({ open, contacts, smsCounts }) => {
    const plan = planWeakReminders(open, contacts, month, config.rating, policy, smsCounts);
    return { reminders: plan.reminders, sends: plan.sends, result: { due: plan.due, unreachable: plan.unreachable } };
  });
  if (r.result.unreachable.length) ctx.log.warn({ month, orgs: r.result.unreachable }, 'weak-branch reminder: nobody to reach (no contacts or no usable channel)');
  return { month, due: r.result.due, reminders: r.reminders, deliveries: r.deliveries, unreachable: r.result.unreachable.length, notBefore: new Date(notBefore).toISOString() };
};
