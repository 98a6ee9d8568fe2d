/** The rules engine: pure functions of (records, config, now). Import from here. */
export { evaluateBranch, requestsBeyondWindow, type BranchExtras } from './evaluate.js';
export { evaluateAbsence, evaluateProbation, lastCompletedMonth, lastTookPart, monthNumber, monthStart, monthLabel, isCurrentMember, type MemberFacts, type MemberData } from './members.js';
export { evaluateMeetingCheck, meetingCheckWindow, type MeetingDetailFacts } from './meeting-checks.js';
export {
  windowFor,
  loadWindow,
  tallyLayout,
  inLoadWindow,
  meetingReadsOf,
  isFrequencyRule,
  isRecordRule,
  isMeetingCheckRule,
  isMemberRule,
  type TypeWindow,
  type TallyLayout,
  type TallyBucket,
  type MeetingRead,
} from './window.js';
export { lapseState, daysLeft, daysOverdue, type LapseState, type Phase } from './levels.js';
export { requiredCount } from './frequency.js';
export { isFlagged, recordLevel } from './records.js';
export { addYearsToDate } from './term.js';
export { dueDate } from './due.js';
export { hasQuorum, countsFor, FREQUENCY_MEETING_TYPE, type BranchFacts, type MeetingFacts, type EvalRequest } from './types.js';
