/**
 * Queries of weak-and-lax designations (软弱涣散) and their items (problem list, reserve cadres,
 * progress notes), and of demonstration sites (示范点).
 */
import type { OrgContacts } from '../../domain/digest.js';
import { reminderDeliveryKey } from '../../domain/reminders.js';
import type { NewReminder, ReminderPlanLoad, ReminderSend, ReminderState } from '../types/rating.js';
import type { DemoSiteLoad, DemoSiteRow, WeakLoad, WeakStepInput, WeakWrite } from '../types/rating.js';
import type { ReminderRow } from '../types/deliveries.js';
import type { Db } from './db.js';
import { loadRatingBranch, stmt } from './ratings.js';
import { orgContacts, smsCountsOn } from './deliveries.js';
import type { WeakCategory, WeakDesignation, WeakItem, WeakItemKind } from '../../rating/weak.js';


const DESIGNATION = `SELECT id, org, category, reason, designated_on AS designatedOn, designated_by AS designatedBy, city_leader AS cityLeader,
  township_leader AS townshipLeader, township_leader_phone AS townshipLeaderPhone, township_leader_email AS townshipLeaderEmail,
  first_secretary AS firstSecretary, paired_department AS pairedDepartment, removed_on AS removedOn, removal_note AS removalNote
  FROM weak_designations`;

function withItems(db: Db, rows: Omit<WeakDesignation, 'items'>[]): WeakDesignation[] {
  if (!rows.length) return [];
  const items = stmt(
    db,
    `SELECT id, designation_id AS d, kind, text, resolution, resolved_on AS resolvedOn, at FROM weak_items
     WHERE designation_id IN (SELECT value FROM json_each(?)) ORDER BY id`,
  ).all(JSON.stringify(rows.map((r) => r.id))) as (WeakItem & { d: number })[];
  const by = new Map<number, WeakItem[]>();
  for (const { d, ...i } of items) by.set(d, [...(by.get(d) ?? []), i]);
  return rows.map((r) => ({ ...r, items: by.get(r.id) ?? [] }));
}

/** Designations: open ones (default) or all, optionally of one org; oldest first. */
export function listWeak(db: Db, opts: { org?: string; all?: boolean } = {}): WeakDesignation[] {
  const rows = stmt(db, `${DESIGNATION} WHERE (@org IS NULL OR org = @org) AND (@all = 1 OR removed_on IS NULL) ORDER BY designated_on, id`).all({
    org: opts.org ?? null,
    all: opts.all ? 1 : 0,
  }) as Omit<WeakDesignation, 'items'>[];
  return withItems(db, rows);
}

export function getWeak(db: Db, id: number): WeakDesignation | undefined {
  const row = stmt(db, `${DESIGNATION} WHERE id = ?`).get(id) as Omit<WeakDesignation, 'items'> | undefined;
  return row ? withItems(db, [row])[0] : undefined;
}

/** Branches designated weak on `day` (designated on or before it, not removed by then). */
export function weakOrgsOn(db: Db, day: string): Set<string> {
  const rows = stmt(db, 'SELECT org FROM weak_designations WHERE designated_on <= ? AND (removed_on IS NULL OR removed_on > ?)').pluck().all(day, day) as string[];
  return new Set(rows);
}

export interface NewDesignation {
  org: string;
  category: WeakCategory;
  reason: string | null;
  designatedOn: string;
  by: string;
}

export function insertWeak(db: Db, d: NewDesignation, at: number): number {
  return Number(
    stmt(db, 'INSERT INTO weak_designations (org, category, reason, designated_on, designated_by, created_at) VALUES (?, ?, ?, ?, ?, ?)').run(
      d.org, d.category, d.reason, d.designatedOn, d.by, at,
    ).lastInsertRowid,
  );
}

/** Set (some of) the "四个一" measures. */
export function updateMeasures(
  db: Db,
  id: number,
  m: Partial<Pick<WeakDesignation, 'cityLeader' | 'townshipLeader' | 'townshipLeaderPhone' | 'townshipLeaderEmail' | 'firstSecretary' | 'pairedDepartment'>>,
): void {
  stmt(
    db,
    `UPDATE weak_designations SET city_leader = coalesce(@cityLeader, city_leader), township_leader = coalesce(@townshipLeader, township_leader),
       township_leader_phone = coalesce(@townshipLeaderPhone, township_leader_phone), township_leader_email = coalesce(@townshipLeaderEmail, township_leader_email),
       first_secretary = coalesce(@firstSecretary, first_secretary), paired_department = coalesce(@pairedDepartment, paired_department)
     WHERE id = @id`,
  ).run({
    id,
    cityLeader: m.cityLeader ?? null,
    townshipLeader: m.townshipLeader ?? null,
    townshipLeaderPhone: m.townshipLeaderPhone ?? null,
    townshipLeaderEmail: m.townshipLeaderEmail ?? null,
    firstSecretary: m.firstSecretary ?? null,
    pairedDepartment: m.pairedDepartment ?? null,
  });
}

export function insertWeakItem(db: Db, designationId: number, kind: WeakItemKind, text: string, at: number): number {
  return Number(stmt(db, 'INSERT INTO weak_items (designation_id, kind, text, at) VALUES (?, ?, ?, ?)').run(designationId, kind, text, at).lastInsertRowid);
}

/** Record a problem's resolution; false when the item is not an open problem. */
export function resolveWeakItem(db: Db, itemId: number, resolution: string, on: string): boolean {
  return stmt(db, "UPDATE weak_items SET resolution = ?, resolved_on = ? WHERE id = ? AND kind = 'problem' AND resolution IS NULL").run(resolution, on, itemId).changes === 1;
}

export function weakItemDesignation(db: Db, itemId: number): number | undefined {
  return stmt(db, 'SELECT designation_id FROM weak_items WHERE id = ?').pluck().get(itemId) as number | undefined;
}

/** Remove a designation when rectified (摘帽); false when already removed. */
export function removeWeak(db: Db, id: number, on: string, note: string): boolean {
  return stmt(db, 'UPDATE weak_designations SET removed_on = ?, removal_note = ? WHERE id = ? AND removed_on IS NULL').run(on, note, id).changes === 1;
}

/** Choose (or re-level) a demonstration site; 'inserted', 'updated' or 'unchanged'. */
export function saveDemoSite(db: Db, s: DemoSiteRow, at: number): 'inserted' | 'updated' | 'unchanged' {
  const old = stmt(db, 'SELECT level, note FROM demo_sites WHERE org = ? AND year = ?').get(s.org, s.year) as { level: string; note: string | null } | undefined;
  if (old && old.level === s.level && old.note === s.note) return 'unchanged';
  stmt(
    db,
    `INSERT INTO demo_sites (org, year, level, note, created_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (org, year) DO UPDATE SET level = excluded.level, note = excluded.note`,
  ).run(s.org, s.year, s.level, s.note, at);
  return old ? 'updated' : 'inserted';
}

export function deleteDemoSite(db: Db, org: string, year: number): boolean {
  return stmt(db, 'DELETE FROM demo_sites WHERE org = ? AND year = ?').run(org, year).changes === 1;
}

export function listDemoSites(db: Db, opts: { year?: number; org?: string } = {}): DemoSiteRow[] {
  return stmt(db, 'SELECT org, year, level, note FROM demo_sites WHERE (@year IS NULL OR year = @year) AND (@org IS NULL OR org = @org) ORDER BY year, org').all({
    year: opts.year ?? null,
    org: opts.org ?? null,
  }) as DemoSiteRow[];
}

/** The weak-designation transaction (port: rating.weakStep): one IMMEDIATE transaction, load → decide → apply. */
export function weakStepTx<R>(db: Db, input: WeakStepInput, decide: (load: WeakLoad) => { write: WeakWrite; result: R }): { result: R; id: number | null } {
  return db.$client.transaction(() => {
    const item =
      input.item !== undefined
        ? (stmt(db, 'SELECT id, designation_id AS designation, kind, text, resolution, resolved_on AS resolvedOn, at FROM weak_items WHERE id = ?').get(input.item) as
            | (WeakItem & { designation: number })
            | undefined)
        : undefined;
    const designationId = input.designation ?? item?.designation;
    const load: WeakLoad = {
      branch: input.org !== undefined ? loadRatingBranch(db, input.org) : undefined,
      open: input.org !== undefined ? listWeak(db, { org: input.org }) : [],
      designation: designationId !== undefined ? getWeak(db, designationId) : undefined,
      item,
    };
    const { write, result } = decide(load);
    let id: number | null = null;
    if (write.designate) {
      const d = write.designate;
      id = insertWeak(db, { org: d.org, category: d.category, reason: d.reason, designatedOn: d.designatedOn, by: d.by }, d.at);
    }
    if (write.measures) {
      const m = write.measures.values;
      stmt(
        db,
        `UPDATE weak_designations SET city_leader = ?, township_leader = ?, township_leader_phone = ?, township_leader_email = ?, first_secretary = ?, paired_department = ?
         WHERE id = ?`,
      ).run(m.cityLeader, m.townshipLeader, m.townshipLeaderPhone, m.townshipLeaderEmail, m.firstSecretary, m.pairedDepartment, write.measures.id);
    }
    if (write.item) id = insertWeakItem(db, write.item.designation, write.item.kind, write.item.text, write.item.at);
    if (write.resolve && !resolveWeakItem(db, write.resolve.item, write.resolve.resolution, write.resolve.on)) throw new Error(`item ${write.resolve.item} is not an open problem`);
    if (write.remove && !removeWeak(db, write.remove.id, write.remove.on, write.remove.note)) throw new Error(`designation ${write.remove.id} is removed`);
    return { result, id };
  }).immediate();
}

/** Choose a demonstration site after the pure check, in one IMMEDIATE transaction. */
export function chooseDemoSiteTx(db: Db, s: DemoSiteRow, at: number, check: (load: DemoSiteLoad) => void): 'inserted' | 'updated' | 'unchanged' {
  return db.$client.transaction(() => {
    const rating = stmt(db, 'SELECT org, year, stars, rated_on AS ratedOn FROM ratings WHERE org = ? AND year = ?').get(s.org, s.year) as DemoSiteLoad['rating'];
    check({ branch: loadRatingBranch(db, s.org), rating });
    return saveDemoSite(db, s, at);
  }).immediate();
}

/**
 * Plan the monthly weak-branch reminders (port: rating.planReminders) in one IMMEDIATE transaction
 * (the database write lock stands in for the lock "sms-day"): load, decide, store reminders and
 * their deliveries, both keyed so a second run adds nothing (a reminder per recipient and month).
 */
export function planRemindersTx<R>(
  db: Db,
  spec: { sendDay: string; notBefore: number; now: number; phonesOf(open: readonly WeakDesignation[], contacts: ReadonlyMap<string, OrgContacts>): string[] },
  decide: (load: ReminderPlanLoad) => { reminders: NewReminder[]; sends: ReminderSend[]; result: R },
): { result: R; reminders: number; deliveries: number } {
  return db.$client.transaction(() => {
    // A branch removed (撤销) with its designation still open is reminded of no more.
    const removed = new Set(stmt(db, 'SELECT code FROM orgs WHERE removed_at IS NOT NULL').pluck().all() as string[]);
    const open = listWeak(db).filter((d) => !removed.has(d.org));
    const contacts = orgContacts(db, open.map((d) => d.org));
    const smsCounts = smsCountsOn(db, spec.phonesOf(open, contacts), spec.sendDay);
    const { reminders, sends, result } = decide({ open, contacts, smsCounts });
    const insert = stmt(
      db,
      `INSERT INTO reminders (kind, designation_id, recipient_key, org, month, subject, text, sms_params, created_at) VALUES ('weak', ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (kind, recipient_key, month) DO NOTHING`,
    );
    const idOf = stmt(db, "SELECT id FROM reminders WHERE kind = 'weak' AND recipient_key = ? AND month = ?").pluck();
    const names = stmt(db, 'INSERT INTO reminder_designations (reminder_id, designation_id) VALUES (?, ?) ON CONFLICT DO NOTHING');
    const ids = new Map<string, number>();
    let newReminders = 0;
    for (const r of reminders) {
      const added = insert.run(r.designationIds[0], r.recipientKey, r.org, r.month, r.subject, r.text, JSON.stringify(r.smsParams), spec.now).changes;
      const id = idOf.get(r.recipientKey, r.month) as number;
      // An existing reminder (planned by an earlier run) keeps what it named.
      if (added) for (const d of r.designationIds) names.run(id, d);
      newReminders += added;
      ids.set(r.recipientKey, id);
    }
    const delivery = stmt(
      db,
      `INSERT INTO deliveries (dedup_key, reminder_id, route, contacts, channel, logical, recipient, status, not_before, send_day, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?) ON CONFLICT (dedup_key) DO NOTHING`,
    );
    let deliveries = 0;
    for (const x of sends) {
      const id = ids.get(x.recipientKey);
      if (id === undefined) throw new Error(`no reminder planned for recipient ${x.recipientKey}`);
      deliveries += delivery.run(reminderDeliveryKey(id, x.channel, x.recipient), id, JSON.stringify(x.route), JSON.stringify(x.contacts), x.channel, x.logical, x.recipient, spec.notBefore, spec.sendDay, spec.now).changes;
    }
    return { result, reminders: newReminders, deliveries };
  }).immediate();
}

/** The stored reminders of a month with the designations they name and their deliveries (port: rating.reminderStates). */
export function reminderStatesOf(db: Db, month: string): ReminderState[] {
  const rows = stmt(db, "SELECT id, recipient_key AS recipientKey, month, subject, text, created_at AS createdAt FROM reminders WHERE kind = 'weak' AND month = ? ORDER BY id").all(month) as Omit<ReminderState, 'designationIds' | 'deliveries'>[];
  if (!rows.length) return [];
  const byId = new Map(rows.map((r) => [r.id, { ...r, designationIds: [] as number[], deliveries: [] as ReminderState['deliveries'] }]));
  for (const n of stmt(db, "SELECT rd.reminder_id AS r, rd.designation_id AS d FROM reminder_designations rd JOIN reminders m ON m.id = rd.reminder_id WHERE m.kind = 'weak' AND m.month = ? ORDER BY rd.reminder_id, rd.designation_id").all(month) as { r: number; d: number }[])
    byId.get(n.r)?.designationIds.push(n.d);
  for (const d of stmt(
    db,
    `SELECT d.reminder_id AS r, d.id, d.channel, d.logical, d.recipient, d.status, d.sent_at AS sentAt, d.last_error AS lastError, d.fallback_of AS fallbackOf
       FROM deliveries d JOIN reminders m ON m.id = d.reminder_id WHERE m.kind = 'weak' AND m.month = ? ORDER BY d.id`,
  ).all(month) as (ReminderState['deliveries'][number] & { r: number })[]) {
    const { r, ...rest } = d;
    byId.get(r)?.deliveries.push(rest);
  }
  return [...byId.values()];
}

/** What a stored reminder names as it is read (ReminderRow.named): its designations, the live ones with their branch's name. */
export function reminderNamed(db: Db, reminderId: number): NonNullable<ReminderRow['named']> {
  const list = stmt(
    db,
    `SELECT w.id, w.removed_on AS removedOn, o.removed_at AS orgRemovedAt, coalesce(o.name, w.org) AS name
       FROM reminder_designations rd JOIN weak_designations w ON w.id = rd.designation_id LEFT JOIN orgs o ON o.code = w.org
      WHERE rd.reminder_id = ? ORDER BY w.designated_on, w.id`,
  ).all(reminderId) as { id: number; removedOn: string | null; orgRemovedAt: number | null; name: string }[];
  const live = list.filter((r) => r.removedOn === null && r.orgRemovedAt === null).map((r) => ({ designation: getWeak(db, r.id)!, name: r.name }));
  return { total: list.length, live };
}
