/** Literal inputs for the pure report computation: branches and their month of records. */
import { parseTimestamp } from '../../src/domain/calendar.js';
import type { MeetingType } from '../../src/domain/types.js';
import type { BranchRaw } from '../../src/reports/compute-facts.js';
import type { MeetingInfo, OrgInfo } from '../../src/reports/types.js';

/** A branch with defaults (rural, under T1, founded long ago). */
export function branch(code: string, over: Partial<OrgInfo> = {}): OrgInfo {
  return {
    code,
    name: `${code}党支部`,
    kind: 'branch',
    parent: 'T1',
    domain: 'rural',
    groups: 0,
    establishedOn: '2020-01-01',
    electedOn: null,
    termYears: null,
    secretaryEmail: null,
    clerkEmail: null,
    ...over,
  };
}

/** One meeting record. */
export function meeting(id: string, type: MeetingType, heldAt: string, over: Partial<MeetingInfo> = {}): MeetingInfo {
  return {
    id,
    type,
    heldAt: parseTimestamp(heldAt)!,
    expected: 10,
    attended: 10,
    minutes: true,
    lecturerRole: type === 'lecture' ? 'secretary' : null,
    ...over,
  };
}

/** Everything a branch owes in October 2026 (a month that ends no quarter), held on the 5th. */
export function fullOctober(code: string): MeetingInfo[] {
  return [meeting(`${code}-c`, 'committee', '2026-10-05T10:00'), meeting(`${code}-t`, 'theme_day', '2026-10-05T14:00')];
}

/** Raw data of one branch. */
export function raw(org: OrgInfo, meetings: MeetingInfo[], over: Partial<BranchRaw> = {}): BranchRaw {
  return { org, parentName: '甲镇党委', meetings, alerts: [], items: [], assessments: [], vetoes: [], ...over };
}
