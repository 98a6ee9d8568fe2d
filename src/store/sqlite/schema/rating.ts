/**
 * Tables of the star-rating year (评星定级): filed ratings and star changes (imported or filed by a
 * campaign), the yearly campaign with its four steps (四步走), each branch's entry in it, the
 * transitions and objections, demonstration sites (示范点), and weak-and-lax designations
 * (软弱涣散) with their rectification items.
 */
import { sqliteTable, integer, text, index, uniqueIndex, primaryKey } from 'drizzle-orm/sqlite-core';

/** Final filed stars, key (org, year). rated_on null = effective 1 January of year + 1. */
export const ratings = sqliteTable(
  'ratings',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    org: text('org').notNull(),
    year: integer('year').notNull(),
    stars: integer('stars').notNull(),
    ratedOn: text('rated_on'),
    importedAt: integer('imported_at').notNull(),
  },
  (t) => [uniqueIndex('ratings_key').on(t.org, t.year), index('ratings_year').on(t.year)],
);

/** Star changes during a year (摘星降级, restorations), key `change_id`. stars 0 = removed. */
export const starChanges = sqliteTable(
  'star_changes',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    changeId: text('change_id').notNull(),
    org: text('org').notNull(),
    effectiveOn: text('effective_on').notNull(),
    stars: integer('stars').notNull(),
    channel: text('channel').notNull(),
    reason: text('reason'),
    evidence: text('evidence'),
    importedAt: integer('imported_at').notNull(),
  },
  (t) => [uniqueIndex('star_changes_key').on(t.changeId), index('star_changes_org').on(t.org, t.effectiveOn)],
);

/** One campaign per year; `state` is its current step. */
export const ratingCampaigns = sqliteTable('rating_campaigns', {
  year: integer('year').primaryKey(),
  state: text('state').notNull(),
  openedAt: integer('opened_at').notNull(),
  openedBy: text('opened_by').notNull(),
  /** Public notice: first and last day ('YYYY-MM-DD'), set when the notice starts. */
  noticeFrom: text('notice_from'),
  noticeTo: text('notice_to'),
  filedAt: integer('filed_at'),
});

/** Every transition of a campaign: who, when, why. */
export const ratingTransitions = sqliteTable(
  'rating_transitions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    year: integer('year').notNull(),
    fromState: text('from_state'),
    toState: text('to_state').notNull(),
    actor: text('actor').notNull(),
    at: integer('at').notNull(),
    reason: text('reason'),
  },
  (t) => [index('rating_transitions_year').on(t.year, t.at)],
);

/**
 * A branch's entry in a campaign: what each step said. Scores are JSON objects indicator → score;
 * `estimates` is JSON step → the engine's star estimate from the records at that step.
 */
export const ratingEntries = sqliteTable(
  'rating_entries',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    year: integer('year').notNull(),
    org: text('org').notNull(),
    selfStars: integer('self_stars'),
    selfScores: text('self_scores'),
    selfBy: text('self_by'),
    selfAt: integer('self_at'),
    committeeStars: integer('committee_stars'),
    committeeScores: text('committee_scores'),
    committeeBy: text('committee_by'),
    committeeAt: integer('committee_at'),
    cityStars: integer('city_stars'),
    fiveStarCancelled: integer('five_star_cancelled').notNull().default(0),
    cityReason: text('city_reason'),
    cityBy: text('city_by'),
    cityAt: integer('city_at'),
    finalStars: integer('final_stars'),
    estimates: text('estimates'),
  },
  (t) => [uniqueIndex('rating_entries_key').on(t.year, t.org)],
);

/** Objections raised during the public notice (公示异议) and their answers. */
export const ratingObjections = sqliteTable(
  'rating_objections',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    year: integer('year').notNull(),
    org: text('org').notNull(),
    text: text('text').notNull(),
    raisedBy: text('raised_by').notNull(),
    raisedAt: integer('raised_at').notNull(),
    answer: text('answer'),
    answeredBy: text('answered_by'),
    answeredAt: integer('answered_at'),
  },
  (t) => [index('rating_objections_year').on(t.year, t.org)],
);

/** Demonstration sites (示范点) chosen from five-star branches, key (org, year). */
export const demoSites = sqliteTable(
  'demo_sites',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    org: text('org').notNull(),
    year: integer('year').notNull(),
    level: text('level').notNull(),
    note: text('note'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [uniqueIndex('demo_sites_key').on(t.org, t.year)],
);

/** Weak-and-lax designations (软弱涣散) with the "四个一" measures; removed_on set when rectified. */
export const weakDesignations = sqliteTable(
  'weak_designations',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    org: text('org').notNull(),
    category: text('category').notNull(),
    reason: text('reason'),
    designatedOn: text('designated_on').notNull(),
    designatedBy: text('designated_by').notNull(),
    cityLeader: text('city_leader'),
    townshipLeader: text('township_leader'),
    townshipLeaderPhone: text('township_leader_phone'),
    townshipLeaderEmail: text('township_leader_email'),
    firstSecretary: text('first_secretary'),
    pairedDepartment: text('paired_department'),
    removedOn: text('removed_on'),
    removalNote: text('removal_note'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('weak_designations_org').on(t.org, t.removedOn)],
);

/** A designation's problem list, reserve cadres and progress notes. */
export const weakItems = sqliteTable(
  'weak_items',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    designationId: integer('designation_id').notNull(),
    kind: text('kind').notNull(),
    text: text('text').notNull(),
    resolution: text('resolution'),
    resolvedOn: text('resolved_on'),
    at: integer('at').notNull(),
  },
  (t) => [index('weak_items_designation').on(t.designationId, t.kind)],
);

/**
 * Reminders sent through the delivery log (a delivery's third source): the monthly reminder of the
 * open weak-and-lax designations (kind 'weak'), ONE per recipient and month — a committee or a
 * township leader with several designated branches gets one message listing them — its Chinese
 * text composed when planned. Key (kind, recipient_key, month): a re-run, a restart or a second
 * daemon never plans a second one. The designations it names: reminder_designations
 * (designation_id is the first of them). Rows from before per-recipient keying have
 * recipient_key 'designation:<id>'.
 */
export const reminders = sqliteTable(
  'reminders',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    kind: text('kind').notNull(),
    designationId: integer('designation_id').notNull(),
    /** Who it goes to: 'phone:<number>' or 'email:<address>' (one person, whatever their roles). */
    recipientKey: text('recipient_key').notNull().default(''),
    org: text('org').notNull(),
    month: text('month').notNull(),
    subject: text('subject').notNull(),
    text: text('text').notNull(),
    /** Params of the SMS template ('reminder'), JSON. */
    smsParams: text('sms_params').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [uniqueIndex('reminders_recipient').on(t.kind, t.recipientKey, t.month)],
);

/** The designations a reminder names (one, or several for a combined message); a reminder is stale when all are removed. */
export const reminderDesignations = sqliteTable(
  'reminder_designations',
  {
    reminderId: integer('reminder_id').notNull(),
    designationId: integer('designation_id').notNull(),
  },
  (t) => [primaryKey({ columns: [t.reminderId, t.designationId] })],
);
