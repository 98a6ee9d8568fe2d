/**
 * Report mail as pure decisions and text: who is sent a stored report on which channel (each
 * branch its report — secretary and Party-affairs worker —, each committee its summary), and the
 * message of each channel. The deliveries themselves go through the one delivery log with the
 * warnings (src/store/report-mails.ts writes them; the delivery worker composes with
 * `reportMessage` at send time), so quiet hours, retries, attempts and fallbacks are shared.
 */
import type { Contacts, OrgContacts } from '../domain/digest.js';
import { chooseSends, reportDeliveryKey } from '../delivery/policy.js';
import { committeeRobots, contactsOf, orgPeople, personRoute, type RecipientPolicy, type RobotsFor } from '../delivery/recipients.js';
import { truncateSmsParam } from '../notifiers/sms-params.js';
import type { ChannelName, LogicalChannel, OutgoingMessage } from '../notifiers/types.js';
import { renderBranchHtml, renderBranchMarkdown, renderCommitteeHtml, renderCommitteeMarkdown } from './render/index.js';
import { scoreText } from './render/text.js';
import type { BranchReport, CommitteeSummary } from './types.js';
import { committeeXlsx } from './committee-xlsx.js';
import type { ReportSend, ReportToPlan } from '../store/types/deliveries.js';

export type { ReportSend, ReportToPlan } from '../store/types/deliveries.js';

/** What planning report mail reads of config and the running notifiers. */
export interface ReportMailPolicy {
  /** `routing.report`: logical channels in fallback order for people; wecom / dingtalk in it post a short notice to the committee's robots too (see robotNotices). */
  route: readonly LogicalChannel[];
  /** Robot names of a chat channel serving a committee (channels.<wecom|dingtalk>.robots); absent = no robots. */
  robotsFor?: RobotsFor;
  /** `reports.robot_notices`: robots announce committee summaries only (default), or every branch report too. */
  robotNotices?: 'summaries' | 'all';
  /** The physical channel behind logical 'sms' (channels.sms_provider). */
  smsChannel: ChannelName;
  /** Channels with a working notifier. */
  available: ReadonlySet<ChannelName>;
  /** `reports.email`: which kinds are sent at all. */
  send: { branches: boolean; committees: boolean };
  /** `delivery.sms_daily_cap`: SMS per phone per send day (then the email alone carries it). */
  smsDailyCap: number;
  /** Orgs whose secretary is on leave (请假) now: the deputy gets the report instead. */
  onLeave?: ReadonlySet<string>;
  /** routing.copy_deputy: the deputy always gets it too. */
  copyDeputy?: boolean;
}

/** The plan of a batch of reports: deliveries, and a note per report (what was planned, or why nothing). */
export interface ReportMailPlan {
  sends: ReportSend[];
  notes: Map<number, string>;
}

export { reportDeliveryKey };

/**
 * The people who get an org's report: its secretary (or the deputy standing in while the secretary
 * is on leave) and Party-affairs worker, and the deputy's copy with routing.copy_deputy — the one
 * recipient policy of src/delivery, as alert digests use it.
 */
export function reportPeople(org: OrgContacts, policy: RecipientPolicy = {}): Contacts[] {
  return orgPeople(org, policy).map(contactsOf);
}

export { personRoute };

/**
 * Plan the deliveries of stored reports. Per person the first usable channel of the route is
 * sent; when that is SMS (a short pointer), the full report goes by email too. An SMS over the
 * daily cap is dropped for the email. `smsCounts` = SMS already counted per phone on the send day
 * (updated as this plan adds some).
 */
export function planReportMails(
  reports: readonly ReportToPlan[],
  orgs: ReadonlyMap<string, OrgContacts>,
  policy: ReportMailPolicy,
  smsCounts: Map<string, number>,
): ReportMailPlan {
  const sends: ReportSend[] = [];
  const notes = new Map<number, string>();
  for (const r of reports) {
    if (!(r.kind === 'branch' ? policy.send.branches : policy.send.committees)) {
      notes.set(r.id, `skipped: 配置为不发送 / disabled in config (reports.email.${r.kind === 'branch' ? 'branches' : 'committees'})`);
      continue;
    }
    const org = orgs.get(r.org);
    const keys = new Set<string>();
    for (const c of org ? reportPeople(org, policy) : []) {
      const route = personRoute(policy.route, c, policy);
      // The one channel choice of src/delivery: the first channel; an SMS pointer with the email; the SMS cap.
      const { sends: chosen } = chooseSends(route, c, policy.smsChannel, c.phone ? (smsCounts.get(c.phone) ?? 0) : 0, policy.smsDailyCap);
      for (const s of chosen) {
        const l = s.logical;
        if (l === 'sms') smsCounts.set(c.phone!, (smsCounts.get(c.phone!) ?? 0) + 1);
        const dedupKey = reportDeliveryKey(r.id, s.channel, s.recipient);
        if (keys.has(dedupKey)) continue; // secretary and worker share an address
        keys.add(dedupKey);
        sends.push({ reportId: r.id, dedupKey, logical: l, channel: s.channel, recipient: s.recipient, route, contacts: c });
      }
    }
    // The chat robots of the committee concerned (a summary's own committee, a branch's parent): a short notice each.
    // Branch reports only when asked for: a group of a big township would get hundreds of posts a period.
    const committee = r.kind === 'committee' ? r.org : policy.robotNotices === 'all' ? org?.parent : undefined;
    if (committee && policy.robotsFor) {
      for (const c of committeeRobots(policy.route, committee, policy.available, policy.robotsFor)) {
        const channel = c.robot!.channel;
        const dedupKey = reportDeliveryKey(r.id, channel, c.robot!.name);
        if (keys.has(dedupKey)) continue;
        keys.add(dedupKey);
        sends.push({ reportId: r.id, dedupKey, logical: channel, channel, recipient: c.robot!.name, route: [channel], contacts: c });
      }
    }
    notes.set(
      r.id,
      keys.size
        ? `planned: ${keys.size}`
        : !org || !reportPeople(org, policy).length
          ? 'skipped: 无联系方式 / no address'
          : 'skipped: 无可用渠道 / no usable channel (routing.report, enabled channels, SMS cap)',
    );
  }
  return { sends, notes };
}

/** Subject of a branch report message. */
export function branchSubject(r: BranchReport): string {
  const head = r.score === null ? '本期不评定' : `${scoreText(r.score)}分，${r.grade}，预估${r.stars}星`;
  return `【组织生活体检报告】${r.name} ${r.periodName}：${head}`;
}

/** Subject of a committee summary message. */
export function committeeSubject(s: CommitteeSummary): string {
  return `【组织生活体检汇总】${s.name} ${s.periodName}：${s.branchCount} 个支部，平均 ${scoreText(s.averageScore)} 分`;
}

/** Subject, text and HTML of a branch report email (without the recipient). */
export function branchMail(r: BranchReport): Omit<OutgoingMessage, 'to'> {
  return { subject: branchSubject(r), text: renderBranchMarkdown(r), html: renderBranchHtml(r) };
}

/**
 * Lists of a committee summary longer than this are cut to their first rows in its mail (the
 * ranking best first, those needing attention most severe first); the full lists go along as an
 * XLSX attachment. A city's root committee has every branch below it: 20,000 rows are no mail.
 */
export const MAIL_LIST_ROWS = 30;

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** The file name of a summary's attachment (org codes are free text, file names are not). */
export function committeeAttachmentName(s: Pick<CommitteeSummary, 'org' | 'period'>): string {
  return `${s.org.replace(/[^\p{L}\p{N}._-]/gu, '_')}-${s.period}-党支部体检汇总.xlsx`;
}

/** The summary as its mail body shows it: null when every list fits, else the lists cut to `rows`. */
export function committeeMailView(s: CommitteeSummary, rows = MAIL_LIST_ROWS): CommitteeSummary | null {
  const r = s.rating;
  const long = [s.branches, s.attention, ...(r ? [r.fiveStarCandidates, r.weakBranches, r.demoSites] : [])].some((l) => l.length > rows);
  if (!long) return null;
  return {
    ...s,
    branches: s.branches.slice(0, rows),
    attention: s.attention.slice(0, rows),
    ...(r ? { rating: { ...r, fiveStarCandidates: r.fiveStarCandidates.slice(0, rows), weakBranches: r.weakBranches.slice(0, rows), demoSites: r.demoSites.slice(0, rows) } } : {}),
  };
}

/** Subject, text and HTML of a committee summary email; a summary with long lists carries them in full as an XLSX attachment. */
export function committeeMail(s: CommitteeSummary): Omit<OutgoingMessage, 'to'> {
  const view = committeeMailView(s);
  if (!view) return { subject: committeeSubject(s), text: renderCommitteeMarkdown(s), html: renderCommitteeHtml(s) };
  const filename = committeeAttachmentName(s);
  const note =
    `本汇总共 ${s.branchCount} 个支部（需重点关注 ${s.attention.length} 个），邮件正文中各名单只列前 ${MAIL_LIST_ROWS} 个` +
    `（支部排名按得分、需重点关注按严重程度排序），完整名单见附件《${filename}》。`;
  return {
    subject: committeeSubject(s),
    text: renderCommitteeMarkdown(view, { note }),
    html: renderCommitteeHtml(view, { note }),
    attachments: [{ filename, contentType: XLSX_TYPE, content: () => committeeXlsx(s) }],
  };
}

/** Where the console shows a stored report, under http.public_url (null without one). */
export function reportUrl(publicUrl: string | undefined, report: Pick<BranchReport, 'org' | 'period'>): string | null {
  if (!publicUrl) return null;
  return `${publicUrl.replace(/\/+$/, '')}/console/reports/${encodeURIComponent(report.org)}/${encodeURIComponent(report.period)}`;
}

/**
 * A chat robot's notice of a report (a committee's group): the score and grade in a few lines and a
 * link to the console when http.public_url is set. The full report stays in the mail to the people.
 */
export function robotNotice(report: BranchReport | CommitteeSummary, to: string, publicUrl?: string): OutgoingMessage {
  const lines: string[] = [];
  if (report.kind === 'branch') {
    lines.push(report.score === null ? '本期不评定得分' : `得分 ${scoreText(report.score)}，等级 ${report.grade ?? '—'}，预估 ${report.stars} 星`);
    if (report.rank !== null) lines.push(`同领域全市排名 ${report.rank}/${report.rankOf}`);
    lines.push(report.problems.length ? `发现问题 ${report.problems.length} 项，整改期限 ${report.rectification.deadline}` : '本期未发现问题');
  } else {
    lines.push(`${report.branchCount} 个支部，平均 ${scoreText(report.averageScore)} 分；需重点关注 ${report.attention.length} 个`);
  }
  lines.push('完整报告已通过邮件发送给书记和党务干部。');
  const url = reportUrl(publicUrl, report);
  if (url) lines.push(`查看：${url}`);
  return { to, subject: report.kind === 'branch' ? branchSubject(report) : committeeSubject(report), text: lines.join('\n') };
}

/**
 * The message of a stored report on a channel: the whole report by email, a pointer by SMS (its
 * text says 详见邮件 when `emailCopy`: the recipient is also sent the email).
 */
export function reportMessage(report: BranchReport | CommitteeSummary, logical: LogicalChannel, to: string, emailCopy = true, publicUrl?: string): OutgoingMessage {
  if (logical === 'wecom' || logical === 'dingtalk') return robotNotice(report, to, publicUrl);
  if (logical !== 'sms') return { to, ...(report.kind === 'branch' ? branchMail(report) : committeeMail(report)) };
  const subject = report.kind === 'branch' ? branchSubject(report) : committeeSubject(report);
  const score = report.kind === 'branch' ? report.score : report.averageScore;
  const name = report.kind === 'branch' ? report.name : `${report.name}（${report.branchCount}个支部）`;
  const grade = report.kind === 'branch' ? (report.grade ?? '不评定') : '平均分';
  return {
    to,
    subject,
    text: emailCopy ? `${subject}。详见邮件。` : `${subject}。`,
    sms: {
      template: 'report',
      params: { name: truncateSmsParam(name), period: report.periodName, score: score === null ? '—' : scoreText(score), grade },
    },
  };
}
