/** Row types of the orgs and facts families: what the rules, the check output and the importer read. */
import type { MeetingFacts } from '../../domain/facts.js';
import type { Domain, OrgKind } from '../../domain/types.js';

/** A branch as the rules and the check output need it. `id` is the org's row id (meetings refer to it). */
export interface BranchRow {
  id: number;
  code: string;
  name: string;
  parent: string | null;
  domain: Domain | null;
  groups: number;
  establishedOn: string | null;
  electedOn: string | null;
  termYears: number | null;
}

/** The little the check needs of any organization (to resolve --org and name committees). */
export interface OrgHeader {
  id: number;
  code: string;
  name: string;
  kind: OrgKind;
  parent: string | null;
}

/** An org marked removed (撤销) by `orglife orgs remove`: kept for history, out of evaluation, reports and deliveries. */
export interface RemovedOrg {
  code: string;
  name: string;
  kind: OrgKind;
  parent: string | null;
  removedAt: number;
  removedReason: string | null;
}

/** Meetings loaded for the rules: `id` is the meeting's row id (translate with recordIdsOf). */
export type LoadedMeeting = MeetingFacts & { id: number };

/** What the importer needs to know of an existing org. */
export interface OrgRef {
  id: number;
  kind: OrgKind;
  parent: string | null;
  /** Marked removed (撤销): set only then. */
  removed?: true;
}
