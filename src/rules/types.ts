/**
 * What the rules read and the fixed facts about each rule: which meetings it looks at and which of
 * them count. Everything here is pure data; the evaluation lives in the sibling files.
 */
import type { FrequencyRuleId, MeetingType, Org } from '../domain/types.js';
import type { MeetingFacts } from '../domain/facts.js';

export type { EvalRequest, MeetingFacts } from '../domain/facts.js';

/** What the rules need of a branch (an Org satisfies it). */
export type BranchFacts = Pick<Org, 'code' | 'groups' | 'establishedOn' | 'electedOn' | 'termYears'>;

/** The meeting type each recurring obligation counts. */
export const FREQUENCY_MEETING_TYPE: Record<FrequencyRuleId, MeetingType> = {
  'committee-monthly': 'committee',
  'group-monthly': 'group',
  'theme-day-monthly': 'theme_day',
  'assembly-quarterly': 'assembly',
  'lecture-quarterly': 'lecture',
  'secretary-lecture-yearly': 'lecture',
  'life-meeting-yearly': 'life_meeting',
  'review-yearly': 'review',
};

/** A party members' assembly is valid only when more than half of those expected attended. */
export function hasQuorum(m: Pick<MeetingFacts, 'expected' | 'attended'>): boolean {
  return m.attended * 2 > m.expected;
}

/** Whether a meeting of the rule's type counts towards the obligation (quorum, lecturer). */
export function countsFor(rule: FrequencyRuleId, m: MeetingFacts): boolean {
  if (rule === 'assembly-quarterly') return hasQuorum(m);
  if (rule === 'secretary-lecture-yearly') return m.lecturerRole === 'secretary';
  return true;
}
