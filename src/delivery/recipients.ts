/**
 * Who receives an org's messages, written once for every kind of delivery (alert digests in
 * src/alerts/plan.ts, report mail in src/reports/mail.ts, weak-branch reminders): the secretary —
 * or, while the secretary is on leave (请假), the deputy (副书记 / 组织委员) when the org has a
 * reachable one —, the Party-affairs worker, and with routing.copy_deputy the deputy as a copy; a
 * committee's chat robots (wecom / dingtalk) by the committees each robot serves. Which channels a
 * person can be sent on, given a route. Pure.
 */
import type { ChannelName, LogicalChannel } from '../domain/channels.js';
import type { Contacts, OrgContacts } from '../domain/digest.js';
import { normalizePhone } from './policy.js';

/** What the recipient choice depends on besides the org's contacts. */
export interface RecipientPolicy {
  /** Orgs whose secretary is on leave now: the deputy stands in. */
  onLeave?: ReadonlySet<string>;
  /** routing.copy_deputy: the deputy always gets the secretary's messages too. */
  copyDeputy?: boolean;
}

/** One person of an org, as messages reach them. */
export interface OrgPerson {
  /** The role the messages are for: the secretary's (also when the deputy stands in or is copied) or the worker's. */
  role: 'secretary' | 'clerk';
  /** Who it is: the deputy when standing in for the secretary or copied. */
  who: 'secretary' | 'clerk' | 'deputy';
  /** True for the deputy's copy under routing.copy_deputy (not a stand-in). */
  copy: boolean;
  name: string | null;
  /** Normalised mobile number, or null. */
  phone: string | null;
  /** Trimmed, lower-cased address, or null. */
  email: string | null;
}

function person(role: OrgPerson['role'], who: OrgPerson['who'], copy: boolean, name: string | null | undefined, phone: string | null | undefined, email: string | null | undefined): OrgPerson | null {
  const p = phone?.trim() ? normalizePhone(phone) : null;
  const e = email?.trim() ? email.trim().toLowerCase() : null;
  return p || e ? { role, who, copy, name: name?.trim() || null, phone: p, email: e } : null;
}

/**
 * The people of an org in order — secretary (or the deputy standing in), worker, then the deputy's
 * copy — leaving out those without a phone or an email.
 */
export function orgPeople(org: OrgContacts, policy: RecipientPolicy = {}): OrgPerson[] {
  const deputy = (copy: boolean) => person('secretary', 'deputy', copy, org.deputy, org.deputyPhone, org.deputyEmail);
  const standIn = policy.onLeave?.has(org.code) ? deputy(false) : null;
  const out = [standIn ?? person('secretary', 'secretary', false, org.secretary, org.secretaryPhone, org.secretaryEmail), person('clerk', 'clerk', false, org.clerk, org.clerkPhone, org.clerkEmail)];
  if (policy.copyDeputy && !standIn) out.push(deputy(true));
  return out.filter((p): p is OrgPerson => p !== null);
}

/** A person's contacts as a delivery carries them. */
export function contactsOf(p: Pick<OrgPerson, 'phone' | 'email'>): Contacts {
  return { phone: p.phone, email: p.email, robot: null };
}

/** The channels a person can be sent on now: the route's SMS and email that they have and that run (chat robots are not personal channels). */
export function personRoute(route: readonly LogicalChannel[], c: Contacts, policy: { available: ReadonlySet<ChannelName>; smsChannel: ChannelName }): LogicalChannel[] {
  return route.filter((l) =>
    l === 'sms' ? !!c.phone && policy.available.has(policy.smsChannel) : l === 'email' ? !!c.email && policy.available.has('email') : false,
  );
}

/** Robot names of a chat channel serving a committee (from config: src/notifiers robotsFor). */
export type RobotsFor = (channel: 'wecom' | 'dingtalk', committee: string) => string[];

/** The chat robots of `committee` a route reaches now, in the route's order: one Contacts per robot. */
export function committeeRobots(route: readonly LogicalChannel[], committee: string, available: ReadonlySet<ChannelName>, robotsFor: RobotsFor): Contacts[] {
  const out: Contacts[] = [];
  for (const channel of ['wecom', 'dingtalk'] as const) {
    if (!route.includes(channel) || !available.has(channel)) continue;
    for (const name of robotsFor(channel, committee)) out.push({ phone: null, email: null, robot: { channel, name } });
  }
  return out;
}
