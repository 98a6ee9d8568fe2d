/**
 * Row types of the reports family: what a health-check report reads (orgs, meetings, alerts,
 * rectification items, imported assessments and vetoes, earlier headlines). A stored report's own
 * data is the reports module's JSON (`ReportData` in ./deliveries.ts is opaque to the store).
 */
import type { Domain, Level, MeetingType } from '../../domain/types.js';

/** What a report needs of an org (committee or branch). */
export interface OrgInfo {
  code: string;
  name: string;
  kind: 'committee' | 'branch';
  parent: string | null;
  domain: Domain | null;
  groups: number;
  establishedOn: string | null;
  electedOn: string | null;
  termYears: number | null;
  secretaryEmail: string | null;
  clerkEmail: string | null;
}

/** An org with its row id (meetings.org_id). */
export type OrgRow = OrgInfo & { id: number };

/** One meeting as the report reads it (`id` is the record id of the interchange format). */
export interface MeetingInfo {
  id: string;
  type: MeetingType;
  heldAt: number;
  expected: number;
  attended: number;
  minutes: boolean | null;
  lecturerRole: 'secretary' | 'other' | null;
}

/** An alert of the warning system, as far as reports care. */
export interface AlertFact {
  org: string;
  rule: string;
  period: string;
  level: Level;
  /** When the first warning (or worse) went out, epoch ms. */
  raisedAt: number;
  acknowledgedAt: number | null;
  /** Whether it is still open (not resolved, not acknowledged). */
  open: boolean;
}

/** A stored rectification item (限期整改). */
export interface RectificationFact {
  id: number;
  org: string;
  rule: string;
  problemPeriod: string;
  reportPeriod: string;
  title: string;
  dueAt: number;
  status: 'open' | 'closed';
  closedAt: number | null;
}

/** An imported indicator score. */
export interface AssessmentFact {
  org: string;
  indicator: string;
  period: string;
  score: number;
}

/** A negative-list entry (一票否决). */
export interface VetoFact {
  org: string;
  period: string;
  item: string;
}

/** A previous report's headline, for rank change and the trend chart. */
export interface HistoryPoint {
  period: string;
  score: number | null;
  stars: number | null;
  rank: number | null;
  committeeRank: number | null;
}

/** A rectification item as listed: the fact plus its org's name, when it was created and the closing note. */
export interface RectificationRow extends RectificationFact {
  orgName: string | null;
  createdAt: number;
  note: string | null;
}

/** A report to store: its headline columns and its data (the reports module's JSON). */
export interface StoredReportInput {
  org: string;
  period: string;
  kind: 'branch' | 'committee';
  score: number | null;
  grade: string | null;
  stars: number | null;
  rank: number | null;
  committeeRank: number | null;
  data: object;
}

/** A rectification item to create (kept as it is when (org, rule, problem period) exists). */
export interface NewRectification {
  org: string;
  rule: string;
  problemPeriod: string;
  reportPeriod: string;
  title: string;
  dueAt: number;
}

/** One branch's stored report score of a period and the items it has open (the "scores tell the truth" figure). */
export interface ScoreAndOpenItems {
  org: string;
  score: number;
  /** Open or acknowledged warnings and escalations, plus open rectification items past their deadline. */
  openItems: number;
}
