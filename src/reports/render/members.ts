/**
 * The 党员管理 section of a branch report and the roster line of a committee summary, in HTML and
 * Markdown (pure). Member names are escaped; phones are never part of a report.
 */
import type { MemberSection } from '../compute-members.js';
import type { CommitteeSummary } from '../types.js';

const pct = (x: number | null) => (x === null ? '—' : `${Number((x * 100).toFixed(1))}%`);

/** Escape for HTML. */
function e(v: unknown): string {
  return String(v).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** Rows of the member table: least participation first (the members to talk to). */
function ordered(s: MemberSection) {
  return [...s.lines].sort((a, b) => (b.monthsAbsent ?? -1) - (a.monthsAbsent ?? -1) || (a.rate ?? 2) - (b.rate ?? 2) || a.id.localeCompare(b.id));
}

function summaryText(s: MemberSection): string {
  return `党员 ${s.roster} 名，本期签到会议 ${s.tracked} 次，人均参加率 ${pct(s.meanRate)}；连续3个月以上未参加组织生活 ${s.absent3} 名（其中6个月以上 ${s.absent6} 名）；预备期满待转正 ${s.probationDue.length} 名`;
}

/** The HTML section; `h2` and `table` are the report's own helpers (cells already escaped). */
export function membersHtml(s: MemberSection, h2: (t: string) => string, table: (h: string[], rows: string[][]) => string): string {
  const rows = ordered(s).map((l) => [
    e(l.id),
    e(l.name),
    l.status === 'probationary' ? '预备党员' : '正式党员',
    `${l.tookPart} / ${l.eligible}`,
    e(pct(l.rate)),
    l.monthsAbsent === null ? '—' : l.monthsAbsent >= 6 ? `<b style="color:#b71c1c">${l.monthsAbsent}</b>` : e(l.monthsAbsent),
  ]);
  const due = s.probationDue.length
    ? `<p>预备期满待转正：${s.probationDue.map((p) => `${e(p.name)}（${e(p.due)}${p.overdue ? '，已逾期' : ''}）`).join('、')}</p>`
    : '';
  return `<section>${h2('党员管理')}<p>${e(summaryText(s))}</p>${due}${table(['党员编号', '姓名', '类别', '参加/应参加', '参加率', '连续未参加（月）'], rows)}</section>`;
}

/** The Markdown section lines. `m` escapes Markdown. */
export function membersMarkdown(s: MemberSection, m: (t: string) => string): string[] {
  const out = ['## 党员管理', '', `- ${summaryText(s)}`];
  if (s.probationDue.length) out.push(`- 预备期满待转正：${s.probationDue.map((p) => `${m(p.name)}（${p.due}${p.overdue ? '，已逾期' : ''}）`).join('、')}`);
  const absent = ordered(s).filter((l) => (l.monthsAbsent ?? 0) >= 3);
  if (absent.length) out.push(`- 长期未参加组织生活：${absent.map((l) => `${m(l.name)}（${l.monthsAbsent}个月）`).join('、')}`);
  out.push('');
  return out;
}

/** The committee summary's roster line (counts only). */
export function committeeMembersText(c: CommitteeSummary): string | null {
  const t = c.members;
  if (!t) return null;
  return `${t.branches} 个支部有党员名册，党员 ${t.roster} 名；连续3个月以上未参加组织生活 ${t.absent3} 名（其中6个月以上 ${t.absent6} 名）；预备期满待转正 ${t.probationDue} 名`;
}
