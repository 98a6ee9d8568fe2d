/**
 * Emails stored reports: each branch its report (secretary and Party-affairs worker), each
 * committee its summary (its own secretary and Party-affairs worker). Once per report, keyed by
 * (org, period, kind): a replica claims the stored report's mail before sending, records every
 * address it reached, and marks the outcome, so restarts and other replicas never send it twice.
 */
import type { Logger } from 'pino';
import type { Db } from '../store/db.js';
import {
  claimReportMail,
  finishReportMail,
  loadStoredReportById,
  pendingReportMails,
  recordReportMailSent,
  type PendingReportMail,
} from '../store/reports.js';
import type { Notifiers } from '../notifiers/registry.js';
import { NotifierError } from '../notifiers/errors.js';
import type { OutgoingMessage } from '../notifiers/types.js';
import type { BranchReport, CommitteeSummary, OrgInfo } from './types.js';
import { renderBranchHtml, renderBranchMarkdown, renderCommitteeHtml, renderCommitteeMarkdown } from './render/index.js';
import { scoreText } from './render/text.js';

/** A claim older than this is taken over (its holder died mid-send). */
export const MAIL_CLAIM_STALE_MS = 10 * 60_000;

/** The email addresses of an org's secretary and Party-affairs worker, trimmed and deduplicated. */
export function reportRecipients(org: Pick<OrgInfo, 'secretaryEmail' | 'clerkEmail'>): string[] {
  const out: string[] = [];
  for (const a of [org.secretaryEmail, org.clerkEmail]) {
    const t = a?.trim();
    if (t && !out.some((x) => x.toLowerCase() === t.toLowerCase())) out.push(t);
  }
  return out;
}

/** Subject, text and HTML of a branch report email (without the recipient). */
export function branchMail(r: BranchReport): Omit<OutgoingMessage, 'to'> {
  const head = r.score === null ? '本期不评定' : `${scoreText(r.score)}分，${r.grade}，预估${r.stars}星`;
  return {
    subject: `【组织生活体检报告】${r.name} ${r.periodName}：${head}`,
    text: renderBranchMarkdown(r),
    html: renderBranchHtml(r),
  };
}

/** Subject, text and HTML of a committee summary email. */
export function committeeMail(s: CommitteeSummary): Omit<OutgoingMessage, 'to'> {
  return {
    subject: `【组织生活体检汇总】${s.name} ${s.periodName}：${s.branchCount} 个支部，平均 ${scoreText(s.averageScore)} 分`,
    text: renderCommitteeMarkdown(s),
    html: renderCommitteeHtml(s),
  };
}

export interface MailDeps {
  db: Db;
  notifiers: Pick<Notifiers, 'route'> | null;
  log: Logger;
  /** Who claims (the daemon instance id). */
  claimer: string;
  /** Recipients by org code. */
  contacts: ReadonlyMap<string, Pick<OrgInfo, 'secretaryEmail' | 'clerkEmail'>>;
  /** Which kinds to send (config reports.email). */
  send: { branches: boolean; committees: boolean };
  /** Sends in flight at once. */
  concurrency?: number;
}

export interface MailStats {
  sent: number;
  skipped: number;
  failed: number;
  /** Temporary errors: left pending for the next run. */
  retry: number;
}

/** Email every stored report of `period` whose mail is still pending. */
export async function mailReports(deps: MailDeps, period: string, now: number): Promise<MailStats> {
  const stats: MailStats = { sent: 0, skipped: 0, failed: 0, retry: 0 };
  const queue = pendingReportMails(deps.db, period, now, MAIL_CLAIM_STALE_MS);
  const worker = async () => {
    for (let job = queue.shift(); job; job = queue.shift()) stats[await mailOne(deps, job, now)]++;
  };
  await Promise.all(Array.from({ length: Math.max(1, deps.concurrency ?? 4) }, worker));
  return stats;
}

async function mailOne(deps: MailDeps, job: PendingReportMail, now: number): Promise<keyof MailStats> {
  const { db, claimer, log } = deps;
  const claim = claimReportMail(db, job.id, claimer, now, MAIL_CLAIM_STALE_MS);
  if (!claim) return 'skipped';
  const wanted = job.kind === 'branch' ? deps.send.branches : deps.send.committees;
  const email = deps.notifiers?.route('email');
  const org = deps.contacts.get(job.org);
  const to = org ? reportRecipients(org).filter((a) => !claim.sentTo.includes(a)) : [];
  if (!wanted || !email || (!to.length && !claim.sentTo.length)) {
    const why = !wanted ? '配置为不发送 / disabled in config' : !email ? '邮件通道未启用 / email channel disabled' : '无邮箱地址 / no email address';
    finishReportMail(db, job.id, claimer, 'skipped', why, now);
    return 'skipped';
  }
  const data = loadStoredReportById(db, job.id);
  if (!data) return 'skipped';
  const content = data.kind === 'branch' ? branchMail(data) : committeeMail(data);
  let reached = claim.sentTo.length;
  for (const address of to) {
    try {
      await email.send({ ...content, to: address });
      recordReportMailSent(db, job.id, claimer, address);
      reached++;
    } catch (e) {
      const permanent = e instanceof NotifierError && e.permanent;
      const message = e instanceof Error ? e.message : String(e);
      log.warn({ org: job.org, period: job.period, kind: job.kind, permanent, err: message }, 'report email failed');
      if (permanent) continue; // the other address may still work
      finishReportMail(db, job.id, claimer, 'pending', message, now);
      return 'retry';
    }
  }
  finishReportMail(db, job.id, claimer, reached ? 'sent' : 'failed', reached ? null : '全部收件地址被拒收 / every address was rejected', now);
  log.info({ org: job.org, period: job.period, kind: job.kind }, reached ? 'report emailed' : 'report email rejected');
  return reached ? 'sent' : 'failed';
}
