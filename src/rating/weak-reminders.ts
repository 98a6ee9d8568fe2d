/**
 * The monthly reminder of each open weak-and-lax designation, as pure decisions: which
 * designations are due in a month (open on the reminder day, designated before it), the Chinese
 * text, and — for the delivery log — who gets it on which channel: the branch's secretary and
 * Party-affairs worker, its committee's, and the township leader responsible (包抓领导) when a
 * phone or email is recorded. Per person the first usable channel of `routing.report`; an SMS
 * (a short pointer) goes with an email copy; the SMS daily cap holds. One reminder per
 * (designation, month) is stored and its deliveries are keyed by it, so a re-run plans nothing new.
 */
import { chooseSends, normalizePhone } from '../delivery/policy.js';
import type { Contacts, OrgContacts } from '../domain/digest.js';
import { personRoute, reportPeople, type ReportMailPolicy } from '../reports/mail.js';
import type { NewReminder, ReminderSend } from '../store/types/rating.js';
import type { RatingConfig } from './config.js';
import { weakReminderNotice, weakReminderText, type WeakDesignation } from './weak.js';

export interface WeakReminder {
  designation: number;
  org: string;
  month: string;
  /** weak:<designation id>:<month> */
  dedupKey: string;
  to: string | null;
  phone: string | null;
  email: string | null;
  text: string;
}

/** The designations a month's reminder is due for: designated on or before the reminder day, not removed by then. */
export function dueDesignations(open: readonly WeakDesignation[], month: string, cfg: RatingConfig): WeakDesignation[] {
  const day = `${month}-${String(cfg.weak_reminder_day).padStart(2, '0')}`;
  return open.filter((d) => d.designatedOn <= day && (!d.removedOn || d.removedOn > day));
}

export function weakReminders(open: readonly WeakDesignation[], names: ReadonlyMap<string, string>, month: string, cfg: RatingConfig): WeakReminder[] {
  return dueDesignations(open, month, cfg).map((d) => ({
    designation: d.id,
    org: d.org,
    month,
    dedupKey: `weak:${d.id}:${month}`,
    to: d.townshipLeader,
    phone: d.townshipLeaderPhone,
    email: d.townshipLeaderEmail,
    text: weakReminderText(d, names.get(d.org) ?? d.org, month),
  }));
}

/** The people a designation's reminder goes to: the branch's, its committee's, and the township leader. */
export function reminderPeople(d: WeakDesignation, contacts: ReadonlyMap<string, OrgContacts>): Contacts[] {
  const branch = contacts.get(d.org);
  const committee = branch?.parent ? contacts.get(branch.parent) : undefined;
  const people = [...(branch ? reportPeople(branch) : []), ...(committee ? reportPeople(committee) : [])];
  const leader: Contacts = { phone: d.townshipLeaderPhone?.trim() ? normalizePhone(d.townshipLeaderPhone) : null, email: d.townshipLeaderEmail?.trim() || null, robot: null };
  if (leader.phone || leader.email) people.push(leader);
  return people;
}

/** Phones the plan may send SMS to (their day's counts are loaded with the plan). */
export function reminderPhones(open: readonly WeakDesignation[], contacts: ReadonlyMap<string, OrgContacts>): string[] {
  return [...new Set(open.flatMap((d) => reminderPeople(d, contacts).map((c) => c.phone).filter((p): p is string => !!p)))];
}

export interface ReminderPlan {
  reminders: NewReminder[];
  sends: ReminderSend[];
  /** Designations due with nobody to reach (no contacts or no usable channel). */
  unreachable: string[];
}

/**
 * Plan a month's reminders: one per due designation, its deliveries by person and channel.
 * `smsCounts` = SMS already counted per phone on the send day (updated as the plan adds some).
 */
export function planWeakReminders(
  open: readonly WeakDesignation[],
  contacts: ReadonlyMap<string, OrgContacts>,
  month: string,
  cfg: RatingConfig,
  policy: Pick<ReportMailPolicy, 'route' | 'smsChannel' | 'available' | 'smsDailyCap'>,
  smsCounts: Map<string, number>,
): ReminderPlan {
  const reminders: NewReminder[] = [];
  const sends: ReminderSend[] = [];
  const unreachable: string[] = [];
  for (const d of dueDesignations(open, month, cfg)) {
    const branch = contacts.get(d.org);
    const committee = branch?.parent ? contacts.get(branch.parent) : undefined;
    reminders.push({ designationId: d.id, org: d.org, month, ...weakReminderNotice(d, branch?.name ?? d.org, committee?.name ?? null, month) });
    const seen = new Set<string>();
    for (const c of reminderPeople(d, contacts)) {
      const route = personRoute(policy.route, c, policy);
      // The one channel choice of src/delivery: the first channel; an SMS pointer with the email; the SMS cap.
      const { sends: chosen } = chooseSends(route, c, policy.smsChannel, c.phone ? (smsCounts.get(c.phone) ?? 0) : 0, policy.smsDailyCap);
      for (const s of chosen) {
        const l = s.logical;
        const key = `${s.channel}:${s.recipient.trim().toLowerCase()}`;
        if (seen.has(key)) continue; // one person in two roles (secretary of the branch and of the committee)
        if (l === 'sms') smsCounts.set(c.phone!, (smsCounts.get(c.phone!) ?? 0) + 1);
        seen.add(key);
        sends.push({ designationId: d.id, logical: l, channel: s.channel, recipient: s.recipient, route, contacts: c });
      }
    }
    if (!seen.size) unreachable.push(d.org);
  }
  return { reminders, sends, unreachable };
}
