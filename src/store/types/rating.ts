/** Row types of the star-rating family: filed ratings, star changes, the campaign (四步走), weak designations, sites. */
import type { RatingBranch, RatingFact } from '../../rating/types.js';
import type { AlertFact, AssessmentFact, RectificationFact, VetoFact } from './reports.js';
import type { ChannelName, LogicalChannel } from '../../domain/channels.js';
import type { DeliveryStatus } from './deliveries.js';
import type { Contacts, OrgContacts } from '../../domain/digest.js';
import type { WeakCategory, WeakDesignation, WeakItem, WeakItemKind } from '../../rating/weak.js';

/** A demonstration site (示范点). */
export interface DemoSiteRow {
  org: string;
  year: number;
  level: 'city' | 'prefecture';
  note: string | null;
}

/** The campaign's states in order (the four steps, then filed): see src/rating/campaign.ts. */
export type CampaignState = 'self_assessment' | 'committee_review' | 'city_review' | 'public_notice' | 'filed';

/** A year's rating campaign. */
export interface Campaign {
  year: number;
  state: CampaignState;
  openedAt: number;
  openedBy: string;
  noticeFrom: string | null;
  noticeTo: string | null;
  filedAt: number | null;
}

/** One branch's entry: what each step said. */
export interface CampaignEntry {
  year: number;
  org: string;
  selfStars: number | null;
  selfScores: Record<string, number> | null;
  committeeStars: number | null;
  committeeScores: Record<string, number> | null;
  cityStars: number | null;
  fiveStarCancelled: boolean;
  cityReason: string | null;
  /** The engine's estimate (from the records) at each step: step → stars. */
  estimates: Partial<Record<CampaignState, number | null>>;
}

/** A transition or a step's action (toState names it, e.g. 'committee_review:B1'). */
export interface TransitionRow {
  year: number;
  fromState: CampaignState | null;
  toState: string;
  actor: string;
  at: number;
  reason: string | null;
}

/** An objection raised during the public notice (公示异议). */
export interface ObjectionRow {
  id: number;
  year: number;
  org: string;
  text: string;
  raisedBy: string;
  raisedAt: number;
  answer: string | null;
  answeredBy: string | null;
  answeredAt: number | null;
}

/** What a campaign operation asks to load. */
export interface CampaignStepInput {
  year: number;
  /** Scope the load to one branch (a step's data); absent: the whole year (advance). */
  org?: string;
  /** Also load this objection (answering it). */
  objection?: number;
  /** Period labels whose negative-list entries limit the year's stars. */
  vetoPeriods: readonly string[];
  /** The day weak designations are judged on ('YYYY-MM-DD'). */
  day: string;
}

/** What a campaign operation reads inside its transaction. */
export interface CampaignLoad {
  campaign: Campaign | undefined;
  /** The branches in scope (the one asked, or every branch), by code; an unknown code is absent. */
  branches: Map<string, RatingBranch>;
  /** The year's entries (of the branch in scope, or all), by org. */
  entries: CampaignEntry[];
  /** The year's objections, by id. */
  objections: ObjectionRow[];
  /** The objection asked for, whatever its year. */
  objection: ObjectionRow | undefined;
  /** Negative-list items ('period item') of the branches in scope, by org. */
  vetoes: Map<string, string[]>;
  /** Branches in scope with a weak-and-lax designation open on `day`. */
  weak: Set<string>;
}

/** One step's part of an entry; `estimates` replaces the entry's estimates. */
export interface EntryStepWrite {
  org: string;
  step: 'self' | 'committee' | 'city';
  stars: number | null;
  scores?: Record<string, number> | null;
  cancelled?: boolean;
  reason?: string | null;
  estimates: CampaignEntry['estimates'];
  by: string;
  at: number;
}

/** What a campaign operation writes (all in one transaction). */
export interface CampaignWrite {
  /** Open the year's campaign at its first step. */
  open?: { by: string; at: number };
  /** Move the campaign (compare-and-set on `from`). */
  move?: { from: CampaignState; to: CampaignState; noticeFrom?: string; noticeTo?: string; filedAt?: number };
  entry?: EntryStepWrite;
  /** A new objection; its id replaces `{objection}` in the transitions' toState. */
  objection?: { org: string; text: string; by: string; at: number };
  answer?: { id: number; text: string; by: string; at: number };
  /** File the final stars: upsert ratings and record final_stars on the entries. */
  file?: { ratings: RatingFact[]; at: number };
  transitions: Omit<TransitionRow, 'year'>[];
}

/** What a weak-designation operation asks to load. */
export interface WeakStepInput {
  /** The branch (and its open designations). */
  org?: string;
  /** A designation by id. */
  designation?: number;
  /** An item by id (and its designation). */
  item?: number;
}

/** What a weak-designation operation reads inside its transaction. */
export interface WeakLoad {
  branch: RatingBranch | undefined;
  /** Open designations of `org`. */
  open: WeakDesignation[];
  /** The designation asked for (or the item's). */
  designation: WeakDesignation | undefined;
  item: (WeakItem & { designation: number }) | undefined;
}

export type Measures = Pick<WeakDesignation, 'cityLeader' | 'townshipLeader' | 'townshipLeaderPhone' | 'townshipLeaderEmail' | 'firstSecretary' | 'pairedDepartment'>;

/** What a weak-designation operation writes. */
export interface WeakWrite {
  designate?: { org: string; category: WeakCategory; reason: string | null; designatedOn: string; by: string; at: number };
  /** The six measure fields, replaced. */
  measures?: { id: number; values: Measures };
  item?: { designation: number; kind: WeakItemKind; text: string; at: number };
  resolve?: { item: number; resolution: string; on: string };
  remove?: { id: number; on: string; note: string };
}

/** What choosing a demonstration site reads. */
export interface DemoSiteLoad {
  branch: RatingBranch | undefined;
  /** The branch's filed rating of the site's year. */
  rating: RatingFact | undefined;
}

/** One branch's report inputs other than meetings, for the engine's star estimate of one branch (rating.estimateFacts). */
export interface EstimateFacts {
  /** Assessments of the period labels. */
  assessments: AssessmentFact[];
  /** Negative-list entries of the period labels. */
  vetoes: VetoFact[];
  /** Rectification items open, or due within [from, to). */
  items: RectificationFact[];
  /** Alerts that reached warning or worse since `alertsSince`, plus open ones that did. */
  alerts: AlertFact[];
}

/** What planning the monthly weak-branch reminders reads in its transaction. */
export interface ReminderPlanLoad {
  /** Open designations with their items. */
  open: WeakDesignation[];
  /** Contacts of the designated branches and of their committees, by code. */
  contacts: Map<string, OrgContacts>;
  /** SMS per phone on the send day, of the phones `phonesOf` names. */
  smsCounts: Map<string, number>;
}

/** A reminder to store: one per recipient and month (an existing one is kept), naming the designations it covers. */
export interface NewReminder {
  /** Who it goes to: 'phone:<number>' or 'email:<address>' (src/rating/weak-reminders.ts). */
  recipientKey: string;
  /** The designations it names (at least one; the first is stored as designation_id). */
  designationIds: number[];
  /** The branch of the first designation. */
  org: string;
  month: string;
  subject: string;
  text: string;
  smsParams: Record<string, string>;
}

/** A delivery of a reminder (its dedup key is made from the stored reminder's id: reminderDeliveryKey). */
export interface ReminderSend {
  /** The reminder it carries (NewReminder.recipientKey of the same plan). */
  recipientKey: string;
  logical: LogicalChannel;
  channel: ChannelName;
  recipient: string;
  /** The person's route and contacts (fallbacks read them). */
  route: LogicalChannel[];
  contacts: Contacts;
}

/** A stored reminder with the designations it names and the state of its deliveries (the `rating weak reminders` listing). */
export interface ReminderState {
  id: number;
  recipientKey: string;
  month: string;
  subject: string;
  text: string;
  designationIds: number[];
  createdAt: number;
  deliveries: { id: number; channel: ChannelName; logical: LogicalChannel; recipient: string; status: DeliveryStatus; sentAt: number | null; lastError: string | null; fallbackOf: number | null }[];
}
