/**
 * The monthly reminder of each open weak-and-lax designation, as pure decisions: which
 * designations are due in a month (open on the reminder day, designated before it), the Chinese
 * text, and — for the delivery log — who gets it on which channel: the branch's secretary and
 * Party-affairs worker, its committee's, and the township leader responsible (包抓领导) when a
 * phone or email is recorded. Per person the first usable channel of `routing.report`; an SMS
 * (a short pointer) goes with an email copy; the SMS daily cap holds. ONE reminder per person
 * and month: a committee secretary, or a township leader responsible for several designated
 * branches, gets one message listing them all. It is stored keyed by (recipient, month) and its
 * deliveries by it, so a re-run, a restart or a second daemon plans nothing new.
 */
import { chooseSends, normalizePhone } from '../delivery/policy.js';
import type { Contacts, OrgContacts } from '../domain/digest.js';
import { contactsOf, orgPeople, personRoute } from '../delivery/recipients.js';
import type { ReportMailPolicy } from '../reports/mail.js';
import type { ReminderRow } from '../store/types/deliveries.js';
import type { NewReminder, ReminderSend, ReminderState } from '../store/types/rating.js';
import type { RatingConfig } from './config.js';
import { weakCombinedNotice, weakReminderNotice, weakReminderText, type WeakDesignation } from './weak.js';

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

/** Who a person is to a designation: its branch's secretary/worker, its committee's, or the township leader responsible. */
export type ReminderRole = { role: 'branch' } | { role: 'committee'; committee: string } | { role: 'leader'; name: string | null };

/** The people a designation's reminder goes to: the branch's, its committee's, and the township leader, each with their role. */
export function reminderPeopleWithRoles(d: WeakDesignation, contacts: ReadonlyMap<string, OrgContacts>): (Contacts & { as: ReminderRole })[] {
  const branch = contacts.get(d.org);
  const committee = branch?.parent ? contacts.get(branch.parent) : undefined;
  const people: (Contacts & { as: ReminderRole })[] = (branch ? orgPeople(branch).map(contactsOf) : []).map((c) => ({ ...c, as: { role: 'branch' } as const }));
  if (committee) {
    const as: ReminderRole = { role: 'committee', committee: committee.name };
    for (const c of orgPeople(committee).map(contactsOf)) people.push({ ...c, as });
  }
  const leader: Contacts = { phone: d.townshipLeaderPhone?.trim() ? normalizePhone(d.townshipLeaderPhone) : null, email: d.townshipLeaderEmail?.trim() || null, robot: null };
  if (leader.phone || leader.email) people.push({ ...leader, as: { role: 'leader', name: d.townshipLeader } });
  return people;
}

/** The people a designation's reminder goes to: the branch's, its committee's, and the township leader. */
export function reminderPeople(d: WeakDesignation, contacts: ReadonlyMap<string, OrgContacts>): Contacts[] {
  return reminderPeopleWithRoles(d, contacts).map(({ as: _, ...c }) => c);
}

/** Phones the plan may send SMS to (their day's counts are loaded with the plan). */
export function reminderPhones(open: readonly WeakDesignation[], contacts: ReadonlyMap<string, OrgContacts>): string[] {
  return [...new Set(open.flatMap((d) => reminderPeople(d, contacts).map((c) => c.phone).filter((p): p is string => !!p)))];
}

/** One person a month's reminder goes to, with every due designation they are reminded of. */
export interface ReminderRecipient {
  /** 'phone:<number>' or 'email:<address>': the reminder's key with the month. */
  key: string;
  contacts: Contacts;
  designations: WeakDesignation[];
  roles: ReminderRole[];
}

const lower = (s: string | null) => s?.trim().toLowerCase() || null;

/**
 * The due designations grouped by person: one person is one phone or one email address (a phone
 * and an email seen together in one role join them; a person in two roles is one person), in the
 * order first met. Deterministic for the same data, so a re-run finds the same keys.
 */
export function reminderRecipients(due: readonly WeakDesignation[], contacts: ReadonlyMap<string, OrgContacts>): ReminderRecipient[] {
  const people: { contacts: Contacts; designations: WeakDesignation[]; roles: ReminderRole[] }[] = [];
  for (const d of due) {
    for (const { as, ...c } of reminderPeopleWithRoles(d, contacts)) {
      let p = people.find((x) => (c.phone && x.contacts.phone === c.phone) || (c.email && lower(x.contacts.email) === lower(c.email)));
      if (!p) people.push((p = { contacts: { ...c }, designations: [], roles: [] }));
      else p.contacts = { phone: p.contacts.phone ?? c.phone, email: p.contacts.email ?? c.email, robot: null };
      if (!p.designations.includes(d)) p.designations.push(d);
      p.roles.push(as);
    }
  }
  return people.map((p) => ({ ...p, key: p.contacts.phone ? `phone:${p.contacts.phone}` : `email:${lower(p.contacts.email)}` }));
}

/** How a combined message opens: the committees and the township leaders the person is, else 同志. */
function addresseeOf(roles: readonly ReminderRole[]): string {
  const parts = new Set<string>();
  for (const r of roles) {
    if (r.role === 'committee') parts.add(r.committee);
    else if (r.role === 'leader') parts.add(`包抓领导${r.name ?? ''}同志`);
  }
  return parts.size ? [...parts].join('、') : '同志';
}

export interface ReminderPlan {
  reminders: NewReminder[];
  sends: ReminderSend[];
  /** How many designations are due this month. */
  due: number;
  /** Designations due with nobody to reach (no contacts or no usable channel). */
  unreachable: string[];
}

/**
 * Plan a month's reminders: one per person reached (the single-branch text, or one combined
 * message listing every branch when they are reminded of several), its deliveries by channel.
 * A person with no usable channel gets no reminder row. `smsCounts` = SMS already counted per
 * phone on the send day (updated as the plan adds some).
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
  const due = dueDesignations(open, month, cfg);
  const reached = new Set<number>();
  const nameOf = (org: string) => contacts.get(org)?.name ?? org;
  const committeeName = (org: string) => {
    const parent = contacts.get(org)?.parent;
    return parent ? (contacts.get(parent)?.name ?? null) : null;
  };
  for (const p of reminderRecipients(due, contacts)) {
    const route = personRoute(policy.route, p.contacts, policy);
    // The one channel choice of src/delivery: the first channel; an SMS pointer with the email; the SMS cap.
    const phone = p.contacts.phone;
    const { sends: chosen } = chooseSends(route, p.contacts, policy.smsChannel, phone ? (smsCounts.get(phone) ?? 0) : 0, policy.smsDailyCap);
    if (!chosen.length) continue;
    for (const s of chosen) {
      if (s.logical === 'sms') smsCounts.set(phone!, (smsCounts.get(phone!) ?? 0) + 1);
      sends.push({ recipientKey: p.key, logical: s.logical, channel: s.channel, recipient: s.recipient, route, contacts: p.contacts });
    }
    const [first] = p.designations;
    const notice =
      p.designations.length === 1
        ? weakReminderNotice(first!, nameOf(first!.org), committeeName(first!.org), month)
        : weakCombinedNotice(p.designations, nameOf, addresseeOf(p.roles), month);
    reminders.push({ recipientKey: p.key, designationIds: p.designations.map((d) => d.id), org: first!.org, month, ...notice });
    for (const d of p.designations) reached.add(d.id);
  }
  return { reminders, sends, due: due.length, unreachable: due.filter((d) => !reached.has(d.id)).map((d) => d.org) };
}

/** Where a stored reminder stands, from its delivery rows. */
export type ReminderSendState = 'sent' | 'pending' | 'failed';
export const REMINDER_STATE_ZH: Record<ReminderSendState, string> = { sent: '已发送', pending: '待发送', failed: '失败' };

/**
 * A stored reminder's state: sent once any of its deliveries was sent (the earliest send time),
 * pending while one still waits, failed when every delivery failed or was cancelled (the last error).
 */
export function reminderSendState(r: Pick<ReminderState, 'deliveries'>): { state: ReminderSendState; sentAt: number | null; error: string | null } {
  const sent = r.deliveries.filter((d) => d.status === 'sent' && d.sentAt !== null).map((d) => d.sentAt!);
  if (sent.length) return { state: 'sent', sentAt: Math.min(...sent), error: null };
  if (r.deliveries.some((d) => d.status === 'pending')) return { state: 'pending', sentAt: null, error: null };
  const last = r.deliveries.at(-1);
  return { state: 'failed', sentAt: null, error: last ? (last.lastError ?? (last.status === 'cancelled' ? 'cancelled' : null)) : 'no delivery' };
}

/**
 * A stored reminder as it is sent: rendered again, like digests, when some of the branches it
 * names were removed (撤销) or un-designated (摘帽) since it was planned — the combined message
 * then lists only the live ones, with the designations' progress as of now. A reminder naming no
 * live branch never gets here (its claim cancels it); one whose branches are all live is sent as
 * planned. Only a combined message names several, so it is rendered combined again, opening with
 * the addressee it was planned with (the text before its first '：').
 */
export function reminderAtSend(r: ReminderRow): ReminderRow {
  const named = r.named;
  if (!named || !named.live.length || named.live.length === named.total) return r;
  const names = new Map(named.live.map((l) => [l.designation.org, l.name]));
  const cut = r.text.indexOf('：');
  const addressee = cut > 0 ? r.text.slice(0, cut) : '同志';
  const notice = weakCombinedNotice(
    named.live.map((l) => l.designation),
    (org) => names.get(org) ?? org,
    addressee,
    r.month,
  );
  return { ...r, ...notice };
}
