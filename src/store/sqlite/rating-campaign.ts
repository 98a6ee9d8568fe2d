/**
 * Queries of the yearly rating campaign (四步走): the campaign row, its transitions (who, when, why),
 * each branch's entry, and the public-notice objections. Writes that belong together (a transition
 * and what it files) run in one transaction through `campaignTransaction`.
 */
import type { Campaign, CampaignEntry, CampaignLoad, CampaignState, CampaignStepInput, CampaignWrite, ObjectionRow, TransitionRow } from '../types/rating.js';
import type { Db } from './db.js';
import { fileRatings, loadRatingBranch, loadRatingBranches, stmt } from './ratings.js';
import { loadVetoes } from './reports.js';
import { weakOrgsOn } from './weak-branches.js';
import type { RatingBranch } from '../../rating/types.js';


export function getCampaign(db: Db, year: number): Campaign | undefined {
  return stmt(
    db,
    `SELECT year, state, opened_at AS openedAt, opened_by AS openedBy, notice_from AS noticeFrom, notice_to AS noticeTo, filed_at AS filedAt
     FROM rating_campaigns WHERE year = ?`,
  ).get(year) as Campaign | undefined;
}

export function listCampaigns(db: Db): Campaign[] {
  return stmt(
    db,
    `SELECT year, state, opened_at AS openedAt, opened_by AS openedBy, notice_from AS noticeFrom, notice_to AS noticeTo, filed_at AS filedAt
     FROM rating_campaigns ORDER BY year`,
  ).all() as Campaign[];
}

/** Run fn in one immediate transaction (a second writer waits instead of interleaving). */
export function campaignTransaction<T>(db: Db, fn: () => T): T {
  return db.$client.transaction(fn).immediate();
}

export function insertCampaign(db: Db, year: number, state: CampaignState, by: string, at: number): boolean {
  return stmt(db, 'INSERT INTO rating_campaigns (year, state, opened_at, opened_by) VALUES (?, ?, ?, ?) ON CONFLICT (year) DO NOTHING').run(year, state, at, by).changes === 1;
}

/** Move a campaign from `from` to `to` (only if it is still at `from`); false when it moved meanwhile. */
export function updateCampaignState(
  db: Db,
  year: number,
  from: CampaignState,
  to: CampaignState,
  extra: { noticeFrom?: string; noticeTo?: string; filedAt?: number } = {},
): boolean {
  return (
    stmt(
      db,
      `UPDATE rating_campaigns SET state = @to, notice_from = coalesce(@noticeFrom, notice_from), notice_to = coalesce(@noticeTo, notice_to),
         filed_at = coalesce(@filedAt, filed_at) WHERE year = @year AND state = @from`,
    ).run({ year, from, to, noticeFrom: extra.noticeFrom ?? null, noticeTo: extra.noticeTo ?? null, filedAt: extra.filedAt ?? null }).changes === 1
  );
}

/** Record a transition or a step's action (toState names it, e.g. 'committee_review:score B1'). */
export function insertTransition(db: Db, t: TransitionRow): void {
  stmt(db, 'INSERT INTO rating_transitions (year, from_state, to_state, actor, at, reason) VALUES (?, ?, ?, ?, ?, ?)').run(
    t.year, t.fromState, t.toState, t.actor, t.at, t.reason,
  );
}

export function listTransitions(db: Db, year: number): TransitionRow[] {
  return stmt(
    db,
    'SELECT year, from_state AS fromState, to_state AS toState, actor, at, reason FROM rating_transitions WHERE year = ? ORDER BY at, id',
  ).all(year) as TransitionRow[];
}

interface EntryRow {
  year: number;
  org: string;
  selfStars: number | null;
  selfScores: string | null;
  committeeStars: number | null;
  committeeScores: string | null;
  cityStars: number | null;
  fiveStarCancelled: number;
  cityReason: string | null;
  estimates: string | null;
}

const ENTRY = `SELECT year, org, self_stars AS selfStars, self_scores AS selfScores, committee_stars AS committeeStars,
  committee_scores AS committeeScores, city_stars AS cityStars, five_star_cancelled AS fiveStarCancelled, city_reason AS cityReason, estimates
  FROM rating_entries`;

function toEntry(r: EntryRow): CampaignEntry {
  return {
    year: r.year,
    org: r.org,
    selfStars: r.selfStars,
    selfScores: r.selfScores ? JSON.parse(r.selfScores) : null,
    committeeStars: r.committeeStars,
    committeeScores: r.committeeScores ? JSON.parse(r.committeeScores) : null,
    cityStars: r.cityStars,
    fiveStarCancelled: r.fiveStarCancelled === 1,
    cityReason: r.cityReason,
    estimates: r.estimates ? JSON.parse(r.estimates) : {},
  };
}

export function listEntries(db: Db, year: number): CampaignEntry[] {
  return (stmt(db, `${ENTRY} WHERE year = ? ORDER BY org`).all(year) as EntryRow[]).map(toEntry);
}

export function getEntry(db: Db, year: number, org: string): CampaignEntry | undefined {
  const r = stmt(db, `${ENTRY} WHERE year = ? AND org = ?`).get(year, org) as EntryRow | undefined;
  return r ? toEntry(r) : undefined;
}

/** Write one step's part of an entry (creating the entry when needed). */
export function saveEntryStep(
  db: Db,
  year: number,
  org: string,
  step: 'self' | 'committee' | 'city',
  v: { stars: number | null; scores?: Record<string, number> | null; cancelled?: boolean; reason?: string | null; estimate: number | null },
  by: string,
  at: number,
): void {
  stmt(db, 'INSERT INTO rating_entries (year, org) VALUES (?, ?) ON CONFLICT (year, org) DO NOTHING').run(year, org);
  const estimates = getEntry(db, year, org)!.estimates;
  const key: CampaignState = step === 'self' ? 'self_assessment' : step === 'committee' ? 'committee_review' : 'city_review';
  estimates[key] = v.estimate;
  writeEntryStep(db, year, org, step, v, estimates, by, at);
}

function writeEntryStep(
  db: Db,
  year: number,
  org: string,
  step: 'self' | 'committee' | 'city',
  v: { stars: number | null; scores?: Record<string, number> | null; cancelled?: boolean; reason?: string | null },
  estimates: CampaignEntry['estimates'],
  by: string,
  at: number,
): void {
  stmt(db, 'INSERT INTO rating_entries (year, org) VALUES (?, ?) ON CONFLICT (year, org) DO NOTHING').run(year, org);
  if (step === 'self') {
    stmt(db, 'UPDATE rating_entries SET self_stars = ?, self_scores = ?, self_by = ?, self_at = ?, estimates = ? WHERE year = ? AND org = ?').run(
      v.stars, v.scores ? JSON.stringify(v.scores) : null, by, at, JSON.stringify(estimates), year, org,
    );
  } else if (step === 'committee') {
    stmt(db, 'UPDATE rating_entries SET committee_stars = ?, committee_scores = ?, committee_by = ?, committee_at = ?, estimates = ? WHERE year = ? AND org = ?').run(
      v.stars, v.scores ? JSON.stringify(v.scores) : null, by, at, JSON.stringify(estimates), year, org,
    );
  } else {
    stmt(db, 'UPDATE rating_entries SET city_stars = ?, five_star_cancelled = ?, city_reason = ?, city_by = ?, city_at = ?, estimates = ? WHERE year = ? AND org = ?').run(
      v.stars, v.cancelled ? 1 : 0, v.reason ?? null, by, at, JSON.stringify(estimates), year, org,
    );
  }
}

/** Record the final stars on the entries (filing). */
export function setFinalStars(db: Db, year: number, finals: readonly { org: string; stars: number }[]): void {
  const s = stmt(db, 'UPDATE rating_entries SET final_stars = ? WHERE year = ? AND org = ?');
  for (const f of finals) s.run(f.stars, year, f.org);
}

const OBJECTION = `SELECT id, year, org, text, raised_by AS raisedBy, raised_at AS raisedAt, answer, answered_by AS answeredBy, answered_at AS answeredAt
  FROM rating_objections`;

export function insertObjection(db: Db, o: { year: number; org: string; text: string; by: string; at: number }): number {
  return Number(stmt(db, 'INSERT INTO rating_objections (year, org, text, raised_by, raised_at) VALUES (?, ?, ?, ?, ?)').run(o.year, o.org, o.text, o.by, o.at).lastInsertRowid);
}

export function getObjection(db: Db, id: number): ObjectionRow | undefined {
  return stmt(db, `${OBJECTION} WHERE id = ?`).get(id) as ObjectionRow | undefined;
}

export function listObjections(db: Db, year: number): ObjectionRow[] {
  return stmt(db, `${OBJECTION} WHERE year = ? ORDER BY id`).all(year) as ObjectionRow[];
}

/** Answer an open objection; false when it was already answered. */
export function answerObjection(db: Db, id: number, answer: string, by: string, at: number): boolean {
  return stmt(db, 'UPDATE rating_objections SET answer = ?, answered_by = ?, answered_at = ? WHERE id = ? AND answer IS NULL').run(answer, by, at, id).changes === 1;
}

/**
 * The campaign step transaction (port: rating.campaignStep): one IMMEDIATE transaction (the
 * database write lock), load → decide → apply.
 */
export function campaignStepTx<R>(db: Db, input: CampaignStepInput, decide: (load: CampaignLoad) => { write: CampaignWrite; result: R }): { result: R; objectionId: number | null } {
  return campaignTransaction(db, () => {
    const branches = new Map<string, RatingBranch>();
    if (input.org !== undefined) {
      const b = loadRatingBranch(db, input.org);
      if (b) branches.set(b.code, b);
    } else for (const b of loadRatingBranches(db)) branches.set(b.code, b);
    const entries = input.org !== undefined ? [getEntry(db, input.year, input.org)].filter((e) => e !== undefined) : listEntries(db, input.year);
    const vetoes = new Map<string, string[]>();
    for (const [org, list] of loadVetoes(db, input.vetoPeriods)) if (branches.has(org)) vetoes.set(org, list.map((v) => `${v.period} ${v.item}`));
    const weak = new Set([...weakOrgsOn(db, input.day)].filter((o) => branches.has(o)));
    const load: CampaignLoad = {
      campaign: getCampaign(db, input.year),
      branches,
      entries,
      objections: listObjections(db, input.year),
      objection: input.objection !== undefined ? getObjection(db, input.objection) : undefined,
      vetoes,
      weak,
    };
    const { write, result } = decide(load);
    const year = input.year;
    if (write.open) insertCampaign(db, year, 'self_assessment', write.open.by, write.open.at);
    if (write.move && !updateCampaignState(db, year, write.move.from, write.move.to, write.move)) throw new Error(`rating campaign ${year} is not at ${write.move.from}`);
    if (write.entry) {
      const e = write.entry;
      writeEntryStep(db, year, e.org, e.step, e, e.estimates, e.by, e.at);
    }
    let objectionId: number | null = null;
    if (write.objection) objectionId = insertObjection(db, { year, ...write.objection });
    if (write.answer && !answerObjection(db, write.answer.id, write.answer.text, write.answer.by, write.answer.at)) throw new Error(`objection ${write.answer.id} is answered`);
    if (write.file) {
      fileRatings(db, write.file.ratings, write.file.at);
      setFinalStars(db, year, write.file.ratings);
    }
    for (const t of write.transitions) insertTransition(db, { ...t, year, toState: t.toState.replace('{objection}', String(objectionId)) });
    return { result, objectionId };
  });
}
