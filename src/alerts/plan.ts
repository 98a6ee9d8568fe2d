/**
 * Planning as pure decisions: who is told what, on which channel. Items (outbox rows) become ONE
 * digest per recipient per run: a person — identified by phone or email, so the same secretary of
 * two branches gets one message — or a committee's chat robot. Routing (level × role → ordered
 * logical channels) picks the channels; an SMS carries only a pointer ("详见邮件") and the full list
 * goes by email; the per-recipient daily SMS cap moves further messages to email.
 */
import { LEVEL_RANK, type Level } from '../domain/types.js';
import type { RecipientRole, RoutingConfig } from '../notifiers/config.js';
import type { ChannelName, LogicalChannel } from '../notifiers/types.js';
import type { DigestBranch, DigestCommittee, DigestItem, DigestModel } from './digest-model.js';
import type { Contacts, DigestItemRow, OrgContacts, PlannedDigest, PlannedSend } from '../domain/digest.js';
import { collapseMemberItems } from './digest-members.js';
import { chooseSends as chooseSendsOn, deliveryKey, normalizePhone, sendOn } from '../delivery/policy.js';
import { committeeRobots, orgPeople, type OrgPerson } from '../delivery/recipients.js';

export { deliveryKey, normalizePhone, sendOn };

export type { Contacts, DigestItemRow, OrgContacts, PlannedDigest, PlannedSend } from '../domain/digest.js';

/** Routing, available channels and robots: the parts of config planning reads. */
export interface PlanPolicy {
  routing: Pick<RoutingConfig, Level>;
  /** The physical channel behind logical 'sms' (channels.sms_provider). */
  smsChannel: ChannelName;
  /** Channels with a working notifier; others are skipped. */
  available: ReadonlySet<ChannelName>;
  /** Robot names of a chat channel serving a committee. */
  robotsFor(channel: 'wecom' | 'dingtalk', committee: string): string[];
  /** Orgs whose secretary is on leave (请假) at planning time: the secretary's messages go to the deputy. */
  onLeave?: ReadonlySet<string>;
  /** routing.copy_deputy: the deputy (副书记 / 组织委员) always gets the secretary's messages too. */
  copyDeputy?: boolean;
}

const ROLE_ORDER: Record<RecipientRole, number> = { secretary: 0, clerk: 1, committee: 2 };

function digestKey(recipientKey: string, eventIds: readonly number[]): string {
  return deliveryKey(recipientKey, '*', eventIds);
}

/** A contact point: a person (phone and/or email) or a robot. Shared by all their entries. */
interface Contact {
  tokens: string[];
  name: string | null;
  phone: string | null;
  email: string | null;
  robot: Contacts['robot'];
}

/** One (recipient, item) pair before grouping. */
interface Entry {
  contact: Contact;
  role: RecipientRole;
  item: DigestItem;
  committee: OrgContacts | null;
  branch: OrgContacts;
  route: LogicalChannel[];
}

/** Union-find over contact tokens (phone / email): two contacts sharing one are the same person. */
class Tokens {
  readonly #parent = new Map<string, string>();
  find(t: string): string {
    let p = this.#parent.get(t) ?? t;
    if (p !== t) {
      p = this.find(p);
      this.#parent.set(t, p);
    }
    return p;
  }
  union(a: string, b: string): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.#parent.set(ra < rb ? rb : ra, ra < rb ? ra : rb);
  }
}

/** A person's contact point (shared by all their entries): tokens are what identifies them across orgs. */
function personContact(p: OrgPerson): Contact {
  const tokens = p.phone && p.email ? [`phone:${p.phone}`, `email:${p.email}`] : [p.phone ? `phone:${p.phone}` : `email:${p.email}`];
  return { tokens, name: p.name, phone: p.phone, email: p.email, robot: null };
}

/** Builds entries, with each org's people chosen once (src/delivery's recipient policy; tens of thousands of items share them). */
class EntryBuilder {
  readonly #people = new Map<string, { person: OrgPerson; contact: Contact }[]>();
  readonly #robots = new Map<string, Contact>();
  constructor(
    private readonly orgs: ReadonlyMap<string, OrgContacts>,
    private readonly policy: PlanPolicy,
  ) {}

  #peopleOf(org: OrgContacts): { person: OrgPerson; contact: Contact }[] {
    let list = this.#people.get(org.code);
    if (!list) this.#people.set(org.code, (list = orgPeople(org, this.policy).map((person) => ({ person, contact: personContact(person) }))));
    return list;
  }

  #robot(c: Contacts): Contact {
    const key = `robot:${c.robot!.channel}:${c.robot!.name}`;
    let r = this.#robots.get(key);
    if (!r) this.#robots.set(key, (r = { tokens: [key], name: null, phone: null, email: null, robot: c.robot }));
    return r;
  }

  /** The entries of one item: branch secretary (or stand-in, and the deputy's copy) and clerk, the parent committee's contacts and robots. */
  entriesOf(item: DigestItem, out: Entry[]): void {
    const branch = this.orgs.get(item.org);
    if (!branch) return;
    const routes = this.policy.routing[item.level];
    const committee = branch.parent ? (this.orgs.get(branch.parent) ?? null) : null;
    const add = (contact: Contact, role: RecipientRole, route: LogicalChannel[]) => out.push({ contact, role, item, committee, branch, route });
    for (const { person, contact } of this.#peopleOf(branch)) {
      const route = routes[person.role];
      if (route.length) add(contact, person.role, route);
    }
    const route = routes.committee;
    if (!route.length || !committee || committee.kind !== 'committee') return;
    // The committee's own secretary (or stand-in) and worker; a deputy's copy is for branch messages only.
    for (const { person, contact } of this.#peopleOf(committee)) if (!person.copy) add(contact, 'committee', route);
    for (const r of committeeRobots(route, committee.code, this.policy.available, (ch, c) => this.policy.robotsFor(ch, c))) add(this.#robot(r), 'committee', [r.robot!.channel]);
  }
}

/**
 * A recipient's route: the union of what each of their items deserves. Channels that are the first
 * usable choice of some item come first (SMS ahead, since an SMS always brings the email copy
 * along), then the others in order of the most severe items' routes, as fallbacks.
 */
function mergedRoute(entries: Entry[], contacts: Contacts, policy: PlanPolicy): LogicalChannel[] {
  const usable = (l: LogicalChannel) =>
    contacts.robot
      ? l === contacts.robot.channel && policy.available.has(l)
      : l === 'sms'
        ? contacts.phone !== null && policy.available.has(policy.smsChannel)
        : l === 'email'
          ? contacts.email !== null && policy.available.has('email')
          : false; // chat robots are not personal channels
  const sorted = [...entries].sort(
    (a, b) => LEVEL_RANK[b.item.level] - LEVEL_RANK[a.item.level] || ROLE_ORDER[a.role] - ROLE_ORDER[b.role],
  );
  const primaries = new Set<LogicalChannel>();
  for (const e of sorted) {
    const first = e.route.find(usable);
    if (first) primaries.add(first);
  }
  const rest = sorted.flatMap((e) => e.route).filter((l) => usable(l) && !primaries.has(l));
  const ordered = [...primaries].sort((a, b) => (a === 'sms' ? -1 : b === 'sms' ? 1 : 0));
  return [...new Set([...ordered, ...rest])];
}

const byItemOrder = (a: DigestItem, b: DigestItem) =>
  LEVEL_RANK[b.level] - LEVEL_RANK[a.level] || a.dueAt - b.dueAt || a.rule.localeCompare(b.rule) || a.eventId - b.eventId;

function branchList(map: Map<string, DigestBranch>): DigestBranch[] {
  const list = [...map.values()].sort((a, b) => a.code.localeCompare(b.code));
  for (const b of list) b.items = collapseMemberItems(b.items.sort(byItemOrder)).sort(byItemOrder);
  return list;
}

/** The digest of one recipient's entries. */
function buildDigest(recipientKey: string, entries: Entry[], policy: PlanPolicy, now: number): PlannedDigest {
  const people = [...new Set(entries.map((e) => e.contact))];
  const first = (f: (c: Contact) => string | null) =>
    people.map(f).filter((v): v is string => v !== null).sort()[0] ?? null;
  const robot = people[0]!.robot;
  const contacts: Contacts = { phone: first((c) => c.phone), email: first((c) => c.email), robot };
  const name = people.find((c) => c.name)?.name ?? null;
  const route = mergedRoute(entries, contacts, policy);

  const own = new Map<string, DigestBranch>();
  const committees = new Map<string, { c: OrgContacts; branches: Map<string, DigestBranch> }>();
  const items = new Map<number, DigestItemRow>();
  // Own items first, so an event a person sees both as secretary and as committee counts as theirs.
  const ordered = [...entries].sort((a, b) => ROLE_ORDER[a.role] - ROLE_ORDER[b.role]);
  for (const e of ordered) {
    let target: Map<string, DigestBranch>;
    if (e.role === 'committee') {
      const code = e.committee!.code;
      let c = committees.get(code);
      if (!c) committees.set(code, (c = { c: e.committee!, branches: new Map() }));
      target = c.branches;
    } else target = own;
    let b = target.get(e.branch.code);
    if (!b) target.set(e.branch.code, (b = { code: e.branch.code, name: e.branch.name, items: [] }));
    if (!b.items.some((i) => i.eventId === e.item.eventId)) b.items.push(e.item);
    if (!items.has(e.item.eventId)) {
      items.set(e.item.eventId, {
        eventId: e.item.eventId,
        alertId: e.item.alertId,
        org: e.item.org,
        committee: e.branch.parent,
        level: e.item.level,
        role: e.role,
      });
    }
  }
  const committeeList: DigestCommittee[] = [...committees.values()]
    .sort((a, b) => a.c.code.localeCompare(b.c.code))
    .map(({ c, branches }) => ({ code: c.code, name: c.name, branches: branchList(branches) }));
  const level = entries.reduce<Level>((m, e) => (LEVEL_RANK[e.item.level] > LEVEL_RANK[m] ? e.item.level : m), 'reminder');
  const model: DigestModel = {
    recipientName: robot ? null : name,
    robot: robot !== null,
    at: now,
    own: branchList(own),
    committees: committeeList,
    emailCopy: route[0] === 'sms' && route.includes('email'),
  };
  const eventIds = [...items.keys()];
  return { key: digestKey(recipientKey, eventIds), recipientKey, recipientName: model.recipientName, contacts, route, level, model, items: [...items.values()] };
}

/**
 * Group the run's items into one digest per recipient. Returns the digests (in a stable order)
 * and the ids of the events that reach nobody (no contact, or no usable channel).
 */
export function planDigests(
  items: readonly DigestItem[],
  orgs: ReadonlyMap<string, OrgContacts>,
  policy: PlanPolicy,
  now: number,
): { digests: PlannedDigest[]; unreachable: number[] } {
  const builder = new EntryBuilder(orgs, policy);
  const entries: Entry[] = [];
  for (const i of items) builder.entriesOf(i, entries);
  const tokens = new Tokens();
  const seen = new Set<Contact>();
  for (const e of entries) {
    if (seen.has(e.contact)) continue;
    seen.add(e.contact);
    if (e.contact.tokens.length === 2) tokens.union(e.contact.tokens[0]!, e.contact.tokens[1]!);
  }
  const groups = new Map<string, Entry[]>();
  for (const e of entries) {
    const root = tokens.find(e.contact.tokens[0]!);
    let g = groups.get(root);
    if (!g) groups.set(root, (g = []));
    g.push(e);
  }
  const digests: PlannedDigest[] = [];
  const reached = new Set<number>();
  for (const [root, group] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
    const key = root.startsWith('robot:') ? root : `person:${root.replace(/^(phone|email):/, '')}`;
    const d = buildDigest(key, group, policy, now);
    if (!d.route.length) continue;
    digests.push(d);
    for (const i of d.items) reached.add(i.eventId);
  }
  const unreachable = [...new Set(items.map((i) => i.eventId))].filter((id) => !reached.has(id));
  return { digests, unreachable };
}

/**
 * The messages of one digest: the first channel of its route; when that is SMS, also the email
 * with the full list (if the route has email); at the daily SMS cap the email carries it alone
 * (src/delivery's one channel choice).
 */
export function chooseSends(
  d: Pick<PlannedDigest, 'route' | 'contacts'>,
  smsChannel: ChannelName,
  smsToday: number,
  cap: number,
): { sends: PlannedSend[]; smsCapped: boolean } {
  return chooseSendsOn(d.route, d.contacts, smsChannel, smsToday, cap);
}
