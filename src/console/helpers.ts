/**
 * Formatting helpers templates call as `it.h.…`: Beijing dates, Chinese names of levels, states,
 * rules and channels, masked contacts, grade colours, and query strings for links. Pure.
 */
import { ALERT_STATE_NAMES_ZH, EVENT_KIND_NAMES_ZH, EVENT_REASONS_ZH, type AlertState } from '../alerts/types.js';
import { periodLabelZh } from '../alerts/compose.js';
import { shanghaiDate, shanghaiDateTime } from '../domain/calendar.js';
import { DOMAIN_NAMES_ZH, LEVEL_NAMES_ZH, MEETING_TYPE_NAMES_ZH, RULE_NAMES_ZH, type Domain, type Level, type MeetingType, type RuleId } from '../domain/types.js';
import { CHANNEL_NAMES_ZH, type ChannelName } from '../notifiers/types.js';
import { rankChangeText, scoreText, starsText } from '../reports/render/text.js';
import { maskEmail, maskPhone, maskRecipient } from './security.js';
import { maskPhones } from '../log.js';

const GRADE_CLASS: Record<string, string> = { 优秀: 'g5', 良好: 'g4', 一般: 'g3', 较差: 'g2', 差: 'g1' };

export const helpers = {
  date: (t: number | null | undefined) => (t === null || t === undefined ? '—' : shanghaiDate(t)),
  dateTime: (t: number | null | undefined) => (t === null || t === undefined ? '—' : shanghaiDateTime(t)),
  level: (l: string) => LEVEL_NAMES_ZH[l as Level] ?? l,
  state: (s: string) => ALERT_STATE_NAMES_ZH[s as AlertState] ?? s,
  rule: (r: string) => RULE_NAMES_ZH[r as RuleId] ?? r,
  period: (rule: string, p: string) => (RULE_NAMES_ZH[rule as RuleId] ? periodLabelZh(rule as RuleId, p) : p),
  event: (k: string) => EVENT_KIND_NAMES_ZH[k as keyof typeof EVENT_KIND_NAMES_ZH] ?? k,
  reason: (r: string) => EVENT_REASONS_ZH[r as keyof typeof EVENT_REASONS_ZH] ?? r,
  channel: (c: string) => CHANNEL_NAMES_ZH[c as ChannelName] ?? c,
  domain: (d: string | null) => (d ? (DOMAIN_NAMES_ZH[d as Domain] ?? d) : '—'),
  meetingType: (t: string) => MEETING_TYPE_NAMES_ZH[t as MeetingType] ?? t,
  deliveryStatus: (s: string) => ({ pending: '待发送', sent: '已发送', failed: '失败', cancelled: '已取消' })[s] ?? s,
  score: (s: number | null) => scoreText(s),
  stars: (s: number | null) => starsText(s),
  rankChange: (d: number | null) => rankChangeText(d),
  gradeClass: (g: string | null) => (g ? (GRADE_CLASS[g] ?? 'g0') : 'g0'),
  phone: maskPhone,
  email: maskEmail,
  recipient: maskRecipient,
  masked: (s: string | null) => (s ? maskPhones(s) : ''),
  num: (n: number) => n.toLocaleString('zh-CN'),
  /** A query string from the current filters with some keys replaced (empty values dropped). */
  qs: (base: Record<string, unknown>, patch: Record<string, unknown> = {}) => {
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries({ ...base, ...patch })) if (v !== undefined && v !== null && v !== '') p.set(k, String(v));
    const s = p.toString();
    return s ? `?${s}` : '';
  },
  json: (v: unknown) => JSON.stringify(v),
};

export type Helpers = typeof helpers;
