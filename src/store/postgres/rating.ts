/**
 * The star-rating repository on PostgreSQL: the same reads and writes as ../sqlite/ratings.ts,
 * ../sqlite/rating-campaign.ts and ../sqlite/weak-branches.ts, over the mirrored tables
 * (schema/rating.ts). Every campaign step, weak-designation change and demonstration-site choice
 * runs under one advisory transaction lock ("rating"), taken before the load: two admins acting at
 * once are serialized and the second decides on what the first committed.
 */
import type pg from 'pg';
import { DOMAINS, type Domain } from '../../domain/types.js';
import type {
  Campaign,
  CampaignEntry,
  CampaignLoad,
  CampaignStepInput,
  CampaignWrite,
  DemoSiteLoad,
  DemoSiteRow,
  EstimateFacts,
  ObjectionRow,
  TransitionRow,
  WeakLoad,
  WeakStepInput,
  WeakWrite,
} from '../types/rating.js';
import type { AlertFact } from '../types/reports.js';
import type { OrgContacts } from '../../domain/digest.js';
import { reminderDeliveryKey } from '../../domain/reminders.js';
import type { NewReminder, ReminderPlanLoad, ReminderSend, ReminderState } from '../types/rating.js';
import type { ReminderRow } from '../types/deliveries.js';
import { LOCKS } from './db.js';
import { orgContacts, smsCountsOn } from './deliveries.js';
import { arrays, changes, one, rows, tx, type Q, type Tx } from './q.js';
import type { RatingBranch, RatingFact, StarChangeFact } from '../../rating/types.js';
import type { WeakDesignation, WeakItem } from '../../rating/weak.js';

/** The named lock "rating" (hashed by the server into the advisory-lock key space). */
async function ratingLock(c: Tx): Promise<void> {
  await c.query("SELECT pg_advisory_xact_lock(hashtextextended('orglife:rating', 0))");
}

const DOMAIN_SET = new Set<string>(DOMAINS);

function groupBy<T extends { org: string }>(list: T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const r of list) out.set(r.org, [...(out.get(r.org) ?? []), r]);
  return out;
}

type BranchDbRow = { code: string; name: string; parent: string | null; parent_name: string | null; domain: string | null; secretary: string | null };
const BRANCHES = `SELECT b.code, b.name, b.parent, p.name AS parent_name, b.domain, b.secretary FROM orgs b LEFT JOIN orgs p ON p.code = b.parent WHERE b.kind = 'branch'`;

export async function loadRatingBranch(q: Q, code: string): Promise<RatingBranch | undefined> {
  const r = await one<BranchDbRow>(q, `${BRANCHES} AND b.code = $1`, [code]);
  return r ? toBranch(r) : undefined;
}

export async function loadRatingBranches(q: Q): Promise<RatingBranch[]> {
  const list = await rows<BranchDbRow>(q, `${BRANCHES} ORDER BY b.code`);
  return list.map(toBranch);
}

function toBranch(r: BranchDbRow): RatingBranch {
  return {
    code: r.code,
    name: r.name,
    parent: r.parent,
    parentName: r.parent_name,
    domain: r.domain !== null && DOMAIN_SET.has(r.domain) ? (r.domain as Domain) : null,
    secretary: r.secretary,
  };
}

export async function loadRatings(q: Q, org?: string): Promise<Map<string, RatingFact[]>> {
  const list = await rows<{ org: string; year: number; stars: number; rated_on: string | null }>(
    q,
    'SELECT org, year, stars, rated_on FROM ratings WHERE ($1::text IS NULL OR org = $1) ORDER BY org, year',
    [org ?? null],
  );
  return groupBy(list.map((r) => ({ org: r.org, year: Number(r.year), stars: Number(r.stars), ratedOn: r.rated_on })));
}

export async function loadStarChanges(q: Q, org?: string): Promise<Map<string, StarChangeFact[]>> {
  const list = await rows<{ change_id: string; org: string; effective_on: string; stars: number; channel: StarChangeFact['channel']; reason: string | null; evidence: string | null }>(
    q,
    `SELECT change_id, org, effective_on, stars, channel, reason, evidence FROM star_changes
     WHERE ($1::text IS NULL OR org = $1) ORDER BY org, effective_on, change_id`,
    [org ?? null],
  );
  return groupBy(list.map((r) => ({ id: r.change_id, org: r.org, effectiveOn: r.effective_on, stars: Number(r.stars), channel: r.channel, reason: r.reason, evidence: r.evidence })));
}

export async function saveStarChange(q: Q, c: StarChangeFact, now: number): Promise<'inserted' | 'updated' | 'unchanged'> {
  const old = await one<{ org: string; effective_on: string; stars: number; channel: string; reason: string | null; evidence: string | null }>(
    q,
    'SELECT org, effective_on, stars, channel, reason, evidence FROM star_changes WHERE change_id = $1',
    [c.id],
  );
  if (old && old.org === c.org && old.effective_on === c.effectiveOn && Number(old.stars) === c.stars && old.channel === c.channel && old.reason === c.reason && old.evidence === c.evidence) {
    return 'unchanged';
  }
  await q.query(
    `INSERT INTO star_changes (change_id, org, effective_on, stars, channel, reason, evidence, imported_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (change_id) DO UPDATE SET org = excluded.org, effective_on = excluded.effective_on, stars = excluded.stars,
       channel = excluded.channel, reason = excluded.reason, evidence = excluded.evidence, imported_at = excluded.imported_at`,
    [c.id, c.org, c.effectiveOn, c.stars, c.channel, c.reason, c.evidence, now],
  );
  return old ? 'updated' : 'inserted';
}

export async function listWeak(q: Q, opts: { org?: string; all?: boolean; id?: number } = {}): Promise<WeakDesignation[]> {
  const list = await rows<Record<string, unknown>>(
    q,
    `SELECT id, org, category, reason, designated_on, designated_by, city_leader, township_leader, township_leader_phone, township_leader_email,
       first_secretary, paired_department, removed_on, removal_note
     FROM weak_designations WHERE ($1::text IS NULL OR org = $1) AND ($2::boolean OR removed_on IS NULL) AND ($3::int IS NULL OR id = $3)
     ORDER BY designated_on, id`,
    [opts.org ?? null, !!opts.all || opts.id !== undefined, opts.id ?? null],
  );
  if (!list.length) return [];
  const items = await rows<{ id: number; designation_id: number; kind: WeakItem['kind']; text: string; resolution: string | null; resolved_on: string | null; at: number }>(
    q,
    'SELECT id, designation_id, kind, text, resolution, resolved_on, at FROM weak_items WHERE designation_id = ANY($1::int[]) ORDER BY id',
    [list.map((r) => Number(r.id))],
  );
  const by = new Map<number, WeakItem[]>();
  for (const i of items) {
    const d = Number(i.designation_id);
    by.set(d, [...(by.get(d) ?? []), { id: Number(i.id), kind: i.kind, text: i.text, resolution: i.resolution, resolvedOn: i.resolved_on, at: Number(i.at) }]);
  }
  return list.map((r) => ({
    id: Number(r.id),
    org: r.org as string,
    category: r.category as WeakDesignation['category'],
    reason: r.reason as string | null,
    designatedOn: r.designated_on as string,
    designatedBy: r.designated_by as string,
    cityLeader: r.city_leader as string | null,
    townshipLeader: r.township_leader as string | null,
    townshipLeaderPhone: r.township_leader_phone as string | null,
    townshipLeaderEmail: r.township_leader_email as string | null,
    firstSecretary: r.first_secretary as string | null,
    pairedDepartment: r.paired_department as string | null,
    removedOn: r.removed_on as string | null,
    removalNote: r.removal_note as string | null,
    items: by.get(Number(r.id)) ?? [],
  }));
}

export async function listDemoSites(q: Q, opts: { year?: number; org?: string } = {}): Promise<DemoSiteRow[]> {
  const list = await rows<{ org: string; year: number; level: DemoSiteRow['level']; note: string | null }>(
    q,
    'SELECT org, year, level, note FROM demo_sites WHERE ($1::int IS NULL OR year = $1) AND ($2::text IS NULL OR org = $2) ORDER BY year, org',
    [opts.year ?? null, opts.org ?? null],
  );
  return list.map((r) => ({ org: r.org, year: Number(r.year), level: r.level, note: r.note }));
}

export async function getWeak(q: Q, id: number): Promise<WeakDesignation | undefined> {
  return (await listWeak(q, { id }))[0];
}

/** Branches designated weak on `day` (designated on or before it, not removed by then). */
async function weakOrgsOn(q: Q, day: string, orgs: readonly string[] | null): Promise<Set<string>> {
  const list = await rows<{ org: string }>(
    q,
    'SELECT DISTINCT org FROM weak_designations WHERE designated_on <= $1 AND (removed_on IS NULL OR removed_on > $1) AND ($2::text[] IS NULL OR org = ANY($2))',
    [day, orgs],
  );
  return new Set(list.map((r) => r.org));
}

// ---------------------------------------------------------------- the campaign

const CAMPAIGN = 'SELECT year, state, opened_at, opened_by, notice_from, notice_to, filed_at FROM rating_campaigns';
type CampaignDbRow = { year: number; state: Campaign['state']; opened_at: number; opened_by: string; notice_from: string | null; notice_to: string | null; filed_at: number | null };
const toCampaign = (r: CampaignDbRow): Campaign => ({
  year: Number(r.year),
  state: r.state,
  openedAt: Number(r.opened_at),
  openedBy: r.opened_by,
  noticeFrom: r.notice_from,
  noticeTo: r.notice_to,
  filedAt: r.filed_at === null ? null : Number(r.filed_at),
});

export async function getCampaign(q: Q, year: number): Promise<Campaign | undefined> {
  const r = await one<CampaignDbRow>(q, `${CAMPAIGN} WHERE year = $1`, [year]);
  return r ? toCampaign(r) : undefined;
}

const ENTRY = `SELECT year, org, self_stars, self_scores, committee_stars, committee_scores, city_stars, five_star_cancelled, city_reason, estimates FROM rating_entries`;
type EntryDbRow = {
  year: number; org: string; self_stars: number | null; self_scores: string | null; committee_stars: number | null; committee_scores: string | null;
  city_stars: number | null; five_star_cancelled: number; city_reason: string | null; estimates: string | null;
};
const toEntry = (r: EntryDbRow): CampaignEntry => ({
  year: Number(r.year),
  org: r.org,
  selfStars: r.self_stars,
  selfScores: r.self_scores ? JSON.parse(r.self_scores) : null,
  committeeStars: r.committee_stars,
  committeeScores: r.committee_scores ? JSON.parse(r.committee_scores) : null,
  cityStars: r.city_stars,
  fiveStarCancelled: Number(r.five_star_cancelled) === 1,
  cityReason: r.city_reason,
  estimates: r.estimates ? JSON.parse(r.estimates) : {},
});

export async function listEntries(q: Q, year: number, org?: string): Promise<CampaignEntry[]> {
  return (await rows<EntryDbRow>(q, `${ENTRY} WHERE year = $1 AND ($2::text IS NULL OR org = $2) ORDER BY org`, [year, org ?? null])).map(toEntry);
}

export async function listTransitions(q: Q, year: number): Promise<TransitionRow[]> {
  const list = await rows<{ year: number; from_state: TransitionRow['fromState']; to_state: string; actor: string; at: number; reason: string | null }>(
    q,
    'SELECT year, from_state, to_state, actor, at, reason FROM rating_transitions WHERE year = $1 ORDER BY at, id',
    [year],
  );
  return list.map((r) => ({ year: Number(r.year), fromState: r.from_state, toState: r.to_state, actor: r.actor, at: Number(r.at), reason: r.reason }));
}

const OBJECTION = 'SELECT id, year, org, text, raised_by, raised_at, answer, answered_by, answered_at FROM rating_objections';
type ObjectionDbRow = { id: number; year: number; org: string; text: string; raised_by: string; raised_at: number; answer: string | null; answered_by: string | null; answered_at: number | null };
const toObjection = (r: ObjectionDbRow): ObjectionRow => ({
  id: Number(r.id),
  year: Number(r.year),
  org: r.org,
  text: r.text,
  raisedBy: r.raised_by,
  raisedAt: Number(r.raised_at),
  answer: r.answer,
  answeredBy: r.answered_by,
  answeredAt: r.answered_at === null ? null : Number(r.answered_at),
});

export async function listObjections(q: Q, year: number): Promise<ObjectionRow[]> {
  return (await rows<ObjectionDbRow>(q, `${OBJECTION} WHERE year = $1 ORDER BY id`, [year])).map(toObjection);
}

export async function getObjection(q: Q, id: number): Promise<ObjectionRow | undefined> {
  const r = await one<ObjectionDbRow>(q, `${OBJECTION} WHERE id = $1`, [id]);
  return r ? toObjection(r) : undefined;
}

/** The campaign step transaction (port: rating.campaignStep) under the lock "rating". */
export async function campaignStepTx<R>(pool: pg.Pool, input: CampaignStepInput, decide: (load: CampaignLoad) => { write: CampaignWrite; result: R }): Promise<{ result: R; objectionId: number | null }> {
  return tx(pool, async (c) => {
    await ratingLock(c);
    const year = input.year;
    const branches = new Map<string, RatingBranch>();
    if (input.org !== undefined) {
      const b = await loadRatingBranch(c, input.org);
      if (b) branches.set(b.code, b);
    } else for (const b of await loadRatingBranches(c)) branches.set(b.code, b);
    const scope = input.org !== undefined ? [input.org] : null;
    const vetoes = new Map<string, string[]>();
    const vetoRows = await rows<{ org: string; period: string; item: string }>(
      c,
      'SELECT org, period, item FROM vetoes WHERE period = ANY($1::text[]) AND ($2::text[] IS NULL OR org = ANY($2)) ORDER BY id',
      [[...input.vetoPeriods], scope],
    );
    for (const v of vetoRows) if (branches.has(v.org)) vetoes.set(v.org, [...(vetoes.get(v.org) ?? []), `${v.period} ${v.item}`]);
    const weak = new Set([...(await weakOrgsOn(c, input.day, scope))].filter((o) => branches.has(o)));
    const load: CampaignLoad = {
      campaign: await getCampaign(c, year),
      branches,
      entries: await listEntries(c, year, input.org),
      objections: await listObjections(c, year),
      objection: input.objection !== undefined ? await getObjection(c, input.objection) : undefined,
      vetoes,
      weak,
    };
    const { write, result } = decide(load);
    if (write.open) {
      await c.query('INSERT INTO rating_campaigns (year, state, opened_at, opened_by) VALUES ($1, $2, $3, $4)', [year, 'self_assessment', write.open.at, write.open.by]);
    }
    if (write.move) {
      const m = write.move;
      const n = await changes(
        c,
        `UPDATE rating_campaigns SET state = $3, notice_from = coalesce($4, notice_from), notice_to = coalesce($5, notice_to), filed_at = coalesce($6, filed_at)
         WHERE year = $1 AND state = $2`,
        [year, m.from, m.to, m.noticeFrom ?? null, m.noticeTo ?? null, m.filedAt ?? null],
      );
      if (n !== 1) throw new Error(`rating campaign ${year} is not at ${m.from}`);
    }
    if (write.entry) {
      const e = write.entry;
      await c.query('INSERT INTO rating_entries (year, org) VALUES ($1, $2) ON CONFLICT (year, org) DO NOTHING', [year, e.org]);
      const scores = e.scores ? JSON.stringify(e.scores) : null;
      const est = JSON.stringify(e.estimates);
      if (e.step === 'self') {
        await c.query('UPDATE rating_entries SET self_stars = $3, self_scores = $4, self_by = $5, self_at = $6, estimates = $7 WHERE year = $1 AND org = $2', [year, e.org, e.stars, scores, e.by, e.at, est]);
      } else if (e.step === 'committee') {
        await c.query('UPDATE rating_entries SET committee_stars = $3, committee_scores = $4, committee_by = $5, committee_at = $6, estimates = $7 WHERE year = $1 AND org = $2', [year, e.org, e.stars, scores, e.by, e.at, est]);
      } else {
        await c.query('UPDATE rating_entries SET city_stars = $3, five_star_cancelled = $4, city_reason = $5, city_by = $6, city_at = $7, estimates = $8 WHERE year = $1 AND org = $2', [
          year, e.org, e.stars, e.cancelled ? 1 : 0, e.reason ?? null, e.by, e.at, est,
        ]);
      }
    }
    let objectionId: number | null = null;
    if (write.objection) {
      const o = write.objection;
      objectionId = Number((await one<{ id: number }>(c, 'INSERT INTO rating_objections (year, org, text, raised_by, raised_at) VALUES ($1, $2, $3, $4, $5) RETURNING id', [year, o.org, o.text, o.by, o.at]))!.id);
    }
    if (write.answer) {
      const a = write.answer;
      const n = await changes(c, 'UPDATE rating_objections SET answer = $2, answered_by = $3, answered_at = $4 WHERE id = $1 AND answer IS NULL', [a.id, a.text, a.by, a.at]);
      if (n !== 1) throw new Error(`objection ${a.id} is answered`);
    }
    if (write.file && write.file.ratings.length) {
      const r = write.file.ratings;
      await c.query(
        `INSERT INTO ratings (org, year, stars, rated_on, imported_at)
         SELECT org, year, stars, rated_on, $5 FROM unnest($1::text[], $2::int[], $3::int[], $4::text[]) AS t(org, year, stars, rated_on)
         ON CONFLICT (org, year) DO UPDATE SET stars = excluded.stars, rated_on = excluded.rated_on, imported_at = excluded.imported_at`,
        [r.map((x) => x.org), r.map((x) => x.year), r.map((x) => x.stars), r.map((x) => x.ratedOn), write.file.at],
      );
      await c.query(
        'UPDATE rating_entries e SET final_stars = t.stars FROM unnest($2::text[], $3::int[]) AS t(org, stars) WHERE e.year = $1 AND e.org = t.org',
        [year, r.map((x) => x.org), r.map((x) => x.stars)],
      );
    }
    if (write.transitions.length) {
      const t = write.transitions;
      await c.query(
        `INSERT INTO rating_transitions (year, from_state, to_state, actor, at, reason)
         SELECT $1, f, s, a, at, r FROM unnest($2::text[], $3::text[], $4::text[], $5::bigint[], $6::text[]) WITH ORDINALITY AS t(f, s, a, at, r, n) ORDER BY n`,
        [year, t.map((x) => x.fromState), t.map((x) => x.toState.replace('{objection}', String(objectionId))), t.map((x) => x.actor), t.map((x) => x.at), t.map((x) => x.reason)],
      );
    }
    return { result, objectionId };
  });
}

// ---------------------------------------------------------------- weak designations and demonstration sites

/** The weak-designation transaction (port: rating.weakStep) under the lock "rating". */
export async function weakStepTx<R>(pool: pg.Pool, input: WeakStepInput, decide: (load: WeakLoad) => { write: WeakWrite; result: R }): Promise<{ result: R; id: number | null }> {
  return tx(pool, async (c) => {
    await ratingLock(c);
    let item: WeakLoad['item'];
    if (input.item !== undefined) {
      const r = await one<{ id: number; designation_id: number; kind: WeakItem['kind']; text: string; resolution: string | null; resolved_on: string | null; at: number }>(
        c,
        'SELECT id, designation_id, kind, text, resolution, resolved_on, at FROM weak_items WHERE id = $1',
        [input.item],
      );
      if (r) item = { id: Number(r.id), designation: Number(r.designation_id), kind: r.kind, text: r.text, resolution: r.resolution, resolvedOn: r.resolved_on, at: Number(r.at) };
    }
    const designationId = input.designation ?? item?.designation;
    const load: WeakLoad = {
      branch: input.org !== undefined ? await loadRatingBranch(c, input.org) : undefined,
      open: input.org !== undefined ? await listWeak(c, { org: input.org }) : [],
      designation: designationId !== undefined ? await getWeak(c, designationId) : undefined,
      item,
    };
    const { write, result } = decide(load);
    let id: number | null = null;
    if (write.designate) {
      const d = write.designate;
      id = Number(
        (await one<{ id: number }>(
          c,
          'INSERT INTO weak_designations (org, category, reason, designated_on, designated_by, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id',
          [d.org, d.category, d.reason, d.designatedOn, d.by, d.at],
        ))!.id,
      );
    }
    if (write.measures) {
      const m = write.measures.values;
      await c.query(
        `UPDATE weak_designations SET city_leader = $2, township_leader = $3, township_leader_phone = $4, township_leader_email = $5, first_secretary = $6, paired_department = $7
         WHERE id = $1`,
        [write.measures.id, m.cityLeader, m.townshipLeader, m.townshipLeaderPhone, m.townshipLeaderEmail, m.firstSecretary, m.pairedDepartment],
      );
    }
    if (write.item) {
      const i = write.item;
      id = Number((await one<{ id: number }>(c, 'INSERT INTO weak_items (designation_id, kind, text, at) VALUES ($1, $2, $3, $4) RETURNING id', [i.designation, i.kind, i.text, i.at]))!.id);
    }
    if (write.resolve) {
      const r = write.resolve;
      const n = await changes(c, "UPDATE weak_items SET resolution = $2, resolved_on = $3 WHERE id = $1 AND kind = 'problem' AND resolution IS NULL", [r.item, r.resolution, r.on]);
      if (n !== 1) throw new Error(`item ${r.item} is not an open problem`);
    }
    if (write.remove) {
      const r = write.remove;
      const n = await changes(c, 'UPDATE weak_designations SET removed_on = $2, removal_note = $3 WHERE id = $1 AND removed_on IS NULL', [r.id, r.on, r.note]);
      if (n !== 1) throw new Error(`designation ${r.id} is removed`);
    }
    return { result, id };
  });
}

/** Choose a demonstration site after the pure check, under the lock "rating". */
export async function chooseDemoSiteTx(pool: pg.Pool, s: DemoSiteRow, at: number, check: (load: DemoSiteLoad) => void): Promise<'inserted' | 'updated' | 'unchanged'> {
  return tx(pool, async (c) => {
    await ratingLock(c);
    const r = await one<{ org: string; year: number; stars: number; rated_on: string | null }>(c, 'SELECT org, year, stars, rated_on FROM ratings WHERE org = $1 AND year = $2', [s.org, s.year]);
    const rating: RatingFact | undefined = r ? { org: r.org, year: Number(r.year), stars: Number(r.stars), ratedOn: r.rated_on } : undefined;
    check({ branch: await loadRatingBranch(c, s.org), rating });
    const old = await one<{ level: string; note: string | null }>(c, 'SELECT level, note FROM demo_sites WHERE org = $1 AND year = $2', [s.org, s.year]);
    if (old && old.level === s.level && old.note === s.note) return 'unchanged';
    await c.query(
      `INSERT INTO demo_sites (org, year, level, note, created_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (org, year) DO UPDATE SET level = excluded.level, note = excluded.note`,
      [s.org, s.year, s.level, s.note, at],
    );
    return old ? 'updated' : 'inserted';
  });
}

export async function deleteDemoSite(q: Q, org: string, year: number): Promise<boolean> {
  return (await changes(q, 'DELETE FROM demo_sites WHERE org = $1 AND year = $2', [org, year])) === 1;
}

/** One branch's report inputs other than meetings (port: rating.estimateFacts); the same filters as ./reports.ts, for one org. */
export async function loadEstimateFacts(q: Q, org: string, f: { periods: readonly string[]; from: number; to: number; alertsSince: number }): Promise<EstimateFacts> {
  const periods = [...f.periods];
  const alerts = await arrays<[string, string, string, AlertFact['level'], string, number | null, number]>(
    q,
    `WITH w AS (SELECT e.alert_id, min(e.at) AS warned_at FROM alert_events e JOIN alerts x ON x.id = e.alert_id
                WHERE x.org = $1 AND e.level IN ('warning', 'escalation') GROUP BY e.alert_id)
     SELECT a.org, a.rule, a.period, a.level, a.state, a.ack_at, w.warned_at
       FROM alerts a JOIN w ON w.alert_id = a.id
      WHERE w.warned_at >= $2 OR a.state = 'open'`,
    [org, f.alertsSince],
  );
  return {
    assessments: await rows<EstimateFacts['assessments'][number]>(q, 'SELECT org, indicator, period, score FROM assessments WHERE org = $1 AND period = ANY($2::text[])', [org, periods]),
    vetoes: await rows<EstimateFacts['vetoes'][number]>(q, 'SELECT org, period, item FROM vetoes WHERE org = $1 AND period = ANY($2::text[])', [org, periods]),
    items: await rows<EstimateFacts['items'][number]>(
      q,
      `SELECT id, org, rule, problem_period AS "problemPeriod", report_period AS "reportPeriod", title, due_at AS "dueAt", status, closed_at AS "closedAt"
       FROM rectification_items WHERE org = $1 AND (status = 'open' OR (due_at >= $2 AND due_at < $3))`,
      [org, f.from, f.to],
    ),
    alerts: alerts.map(([o, rule, period, level, state, ackAt, warnedAt]) => ({ org: o, rule, period, level, raisedAt: warnedAt, acknowledgedAt: ackAt, open: state === 'open' })),
  };
}

/**
 * Plan the monthly weak-branch reminders (port: rating.planReminders) under the lock "sms-day"
 * (LOCKS.plan, shared with every SMS count): load, decide, store reminders and deliveries, both
 * keyed (ON CONFLICT DO NOTHING) so a second run on any host adds nothing.
 */
export async function planRemindersTx<R>(
  pool: pg.Pool,
  spec: { sendDay: string; notBefore: number; now: number; phonesOf(open: readonly WeakDesignation[], contacts: ReadonlyMap<string, OrgContacts>): string[] },
  decide: (load: ReminderPlanLoad) => { reminders: NewReminder[]; sends: ReminderSend[]; result: R },
): Promise<{ result: R; reminders: number; deliveries: number }> {
  return tx(
    pool,
    async (c) => {
      // A branch removed (撤销) with its designation still open is reminded of no more.
      const removed = new Set((await rows<{ code: string }>(c, 'SELECT code FROM orgs WHERE removed_at IS NOT NULL')).map((r) => r.code));
      const open = (await listWeak(c)).filter((d) => !removed.has(d.org));
      const contacts = await orgContacts(c, open.map((d) => d.org));
      const smsCounts = await smsCountsOn(c, spec.phonesOf(open, contacts), spec.sendDay);
      const { reminders, sends, result } = decide({ open, contacts, smsCounts });
      const ids = new Map<string, number>();
      let newReminders = 0;
      for (const r of reminders) {
        const added = await changes(
          c,
          `INSERT INTO reminders (kind, designation_id, recipient_key, org, month, subject, text, sms_params, created_at) VALUES ('weak', $1, $2, $3, $4, $5, $6, $7, $8)
           ON CONFLICT (kind, recipient_key, month) DO NOTHING`,
          [r.designationIds[0], r.recipientKey, r.org, r.month, r.subject, r.text, JSON.stringify(r.smsParams), spec.now],
        );
        const row = await one<{ id: number }>(c, "SELECT id FROM reminders WHERE kind = 'weak' AND recipient_key = $1 AND month = $2", [r.recipientKey, r.month]);
        const id = Number(row!.id);
        // An existing reminder (planned by an earlier run) keeps what it named.
        if (added)
          await c.query('INSERT INTO reminder_designations (reminder_id, designation_id) SELECT $1, unnest($2::int[]) ON CONFLICT DO NOTHING', [id, r.designationIds]);
        newReminders += added;
        ids.set(r.recipientKey, id);
      }
      let deliveries = 0;
      for (const x of sends) {
        const id = ids.get(x.recipientKey);
        if (id === undefined) throw new Error(`no reminder planned for recipient ${x.recipientKey}`);
        deliveries += await changes(
          c,
          `INSERT INTO deliveries (dedup_key, reminder_id, route, contacts, channel, logical, recipient, status, not_before, send_day, created_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', $8, $9, $10) ON CONFLICT (dedup_key) DO NOTHING`,
          [reminderDeliveryKey(id, x.channel, x.recipient), id, JSON.stringify(x.route), JSON.stringify(x.contacts), x.channel, x.logical, x.recipient, spec.notBefore, spec.sendDay, spec.now],
        );
      }
      return { result, reminders: newReminders, deliveries };
    },
    { lock: LOCKS.plan },
  );
}

/** The stored reminders of a month with the designations they name and their deliveries (port: rating.reminderStates). */
export async function reminderStatesOf(q: Q, month: string): Promise<ReminderState[]> {
  const list = await rows<Omit<ReminderState, 'designationIds' | 'deliveries'>>(
    q,
    `SELECT id, recipient_key AS "recipientKey", month, subject, text, created_at AS "createdAt" FROM reminders WHERE kind = 'weak' AND month = $1 ORDER BY id`,
    [month],
  );
  if (!list.length) return [];
  const byId = new Map(list.map((r) => [Number(r.id), { ...r, id: Number(r.id), createdAt: Number(r.createdAt), designationIds: [] as number[], deliveries: [] as ReminderState['deliveries'] }]));
  for (const n of await rows<{ r: number; d: number }>(
    q,
    `SELECT rd.reminder_id AS r, rd.designation_id AS d FROM reminder_designations rd JOIN reminders m ON m.id = rd.reminder_id
      WHERE m.kind = 'weak' AND m.month = $1 ORDER BY rd.reminder_id, rd.designation_id`,
    [month],
  ))
    byId.get(Number(n.r))?.designationIds.push(Number(n.d));
  for (const d of await rows<ReminderState['deliveries'][number] & { r: number }>(
    q,
    `SELECT d.reminder_id AS r, d.id, d.channel, d.logical, d.recipient, d.status, d.sent_at AS "sentAt", d.last_error AS "lastError", d.fallback_of AS "fallbackOf"
       FROM deliveries d JOIN reminders m ON m.id = d.reminder_id WHERE m.kind = 'weak' AND m.month = $1 ORDER BY d.id`,
    [month],
  )) {
    const { r, ...rest } = d;
    byId.get(Number(r))?.deliveries.push({ ...rest, id: Number(rest.id), sentAt: rest.sentAt === null ? null : Number(rest.sentAt), fallbackOf: rest.fallbackOf === null ? null : Number(rest.fallbackOf) });
  }
  return [...byId.values()];
}

/** What a stored reminder names as it is read (ReminderRow.named): its designations, the live ones with their branch's name. */
export async function reminderNamed(q: Q, reminderId: number): Promise<NonNullable<ReminderRow['named']>> {
  const list = await rows<{ id: number; removedOn: string | null; orgRemovedAt: number | null; name: string }>(
    q,
    `SELECT w.id, w.removed_on AS "removedOn", o.removed_at AS "orgRemovedAt", coalesce(o.name, w.org) AS name
       FROM reminder_designations rd JOIN weak_designations w ON w.id = rd.designation_id LEFT JOIN orgs o ON o.code = w.org
      WHERE rd.reminder_id = $1 ORDER BY w.designated_on, w.id`,
    [reminderId],
  );
  const live: { designation: WeakDesignation; name: string }[] = [];
  for (const r of list) if (r.removedOn === null && r.orgRemovedAt === null) live.push({ designation: (await getWeak(q, Number(r.id)))!, name: r.name });
  return { total: list.length, live };
}
