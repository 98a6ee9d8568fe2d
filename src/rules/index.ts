/** The rules engine: pure functions of (records, config, now). Import from here. */
export { evaluateBranch } from './evaluate.js';
export {
  windowFor,
  loadWindow,
  inLoadWindow,
  meetingReadsOf,
  isFrequencyRule,
  isRecordRule,
  type TypeWindow,
  type MeetingRead,
} from './window.js';
export { lapseState, daysLeft, daysOverdue, type LapseState, type Phase } from './levels.js';
export { requiredCount } from './frequency.js';
export { isFlagged, recordLevel } from './records.js';
export { addYearsToDate } from './term.js';
export { dueDate } from './due.js';
export { hasQuorum, countsFor, FREQUENCY_MEETING_TYPE, type BranchFacts, type MeetingFacts, type EvalRequest } from './types.js';
