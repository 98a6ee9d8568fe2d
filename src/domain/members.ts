/**
 * Members (党员名册) and attendance (参会签到): the codes of the interchange format
 * (../shared/domain.md, "Members and attendance") and the record shapes import and rules share.
 */
import type { MeetingType } from './types.js';

export const MEMBER_STATUSES = ['full', 'probationary'] as const;
export type MemberStatus = (typeof MEMBER_STATUSES)[number];
export const MEMBER_STATUS_NAMES_ZH: Record<MemberStatus, string> = { full: '正式党员', probationary: '预备党员' };

export const ATTENDANCE_STATUSES = ['present', 'excused', 'absent'] as const;
export type AttendanceStatus = (typeof ATTENDANCE_STATUSES)[number];
export const ATTENDANCE_STATUS_NAMES_ZH: Record<AttendanceStatus, string> = { present: '出席', excused: '请假', absent: '缺席' };

export const SIGN_IN_METHODS = ['face', 'qr', 'manual', 'remote'] as const;
export type SignInMethod = (typeof SIGN_IN_METHODS)[number];
export const SIGN_IN_METHOD_NAMES_ZH: Record<SignInMethod, string> = { face: '人脸识别', qr: '扫码', manual: '手工', remote: '线上' };

/** Minutes elements (会议记录要素) a meeting may record; minutes-incomplete requires some of them. */
export const MINUTES_ELEMENTS = ['place', 'chair', 'recorder', 'agenda', 'resolutions'] as const;
export type MinutesElement = (typeof MINUTES_ELEMENTS)[number];
export const MINUTES_ELEMENT_NAMES_ZH: Record<MinutesElement, string> = {
  place: '地点',
  chair: '主持人',
  recorder: '记录人',
  agenda: '议程',
  resolutions: '决议',
};

/** One member of a branch's roster. Dates are 'YYYY-MM-DD' (Shanghai). */
export interface Member {
  id: string;
  org: string;
  name: string;
  status: MemberStatus;
  joinedOn: string;
  fullOn: string | null;
  flowing: boolean | null;
  phone: string | null;
  leftOn: string | null;
}

/** One sign-in row: a member at a meeting. */
export interface Attendance {
  meeting: string;
  member: string;
  status: AttendanceStatus;
  method: SignInMethod | null;
  /** Epoch ms. */
  signedAt: number | null;
}

/** Month number of a Shanghai calendar month: year·12 + (month − 1). */
export function monthIndex(year: number, month: number): number {
  return year * 12 + month - 1;
}

/** A meeting as the single-meeting checks read it (the store's MeetingDetail is this with its row id). */
export interface MeetingDetailFacts {
  id: string | number;
  type: MeetingType;
  heldAt: number;
  attended: number;
  minutes: boolean | null;
  place: boolean;
  chair: boolean;
  recorder: boolean;
  agenda: boolean;
  resolutions: boolean;
  durationMinutes: number | null;
  video: boolean | null;
  photos: number | null;
  /** Present sign-ins; null = not tracked (no sign-in rows). */
  present: number | null;
}
