/**
 * The scheduled report run (daemon): on the 2nd of the month at 09:00 the reports of the period
 * that just ended are computed, streamed a chunk of branches at a time (./stream.ts, bounded
 * memory) — and each chunk goes through the generation claim `store.reports.storeAndPlan`, which
 * stores its reports with their rectification items and writes their mail deliveries to the
 * delivery log in ONE transaction (transactional outbox; its planning decision is pure); the
 * committee summaries are claimed last. The daemon's drainer and delivery workers send them like warnings: quiet
 * hours and holidays (not_before), retries with backoff, every attempt recorded, fallbacks along
 * `routing.report`. Idempotent: a report that is stored is kept (one saved before by `orglife
 * report --save --org X` too: the others are added), and a report whose deliveries are planned is
 * never planned again (across restarts, replicas and hosts).
 */
import { onLeave as onLeaveAt } from '../domain/exemptions.js';
import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import { periodOf, previousPeriod, shanghaiDate, type PeriodKind } from '../domain/calendar.js';
import { sendTime } from '../delivery/schedule.js';
import { physicalChannel, robotsFor } from '../notifiers/config.js';
import type { ChannelName } from '../notifiers/types.js';
import type { Store } from '../store/port.js';
import type { NewRectification, OrgInfo, StoredReportInput } from '../store/types/reports.js';
import { reportBranches } from './gather.js';
import { streamReports } from './stream.js';
import { planReportMails, reportPeople, type ReportMailPolicy } from './mail.js';
import type { BranchReport, CommitteeSummary } from './types.js';

export interface ReportRunDeps {
  store: Store;
  config: Config;
  /** Channels with a working notifier (the daemon's `notifiers.enabled`). */
  available: Iterable<ChannelName>;
  log: Logger;
  /** When the run really happens (the tick job's clock reading; default the tick time): mail goes out from then (delivery/schedule.ts sendTime). */
  sendFrom?: number;
}

export interface ReportRunStats {
  period: string;
  /** False when every report of the period was already stored (a re-run, or another replica was first). */
  generated: boolean;
  /** Reports this run stored (a report stored before is kept and not counted). */
  branches: number;
  committees: number;
  rectificationItems: number;
  /** Reports whose mail was planned by this run, and the deliveries written for them. */
  planned: number;
  deliveries: number;
  /** Planned reports nobody could be sent (no address, no usable channel, or disabled in config). */
  skipped: number;
  /** When the deliveries may go out (quiet hours, working days), ISO. */
  notBefore: string;
}

/** The period a report run at `now` covers: the one of `kind` that ended last. */
export function reportPeriodAt(kind: PeriodKind, now: number) {
  return previousPeriod(periodOf(kind, now));
}

/** The report-mail policy of a config and the channels that can send. */
export function reportMailPolicy(config: Config, available: Iterable<ChannelName>): ReportMailPolicy {
  return {
    route: config.routing.report,
    smsChannel: physicalChannel(config.channels, 'sms'),
    available: new Set(available),
    send: config.reports.email,
    smsDailyCap: config.delivery.sms_daily_cap,
    copyDeputy: config.routing.copy_deputy,
    robotsFor: (channel, committee) => robotsFor(config.channels, channel, committee),
    robotNotices: config.reports.robot_notices,
  };
}

/** Built reports as the store keeps them: headline columns, the report as data, and the rectification item of each problem. */
export function storedReports(branch: readonly BranchReport[], committees: readonly CommitteeSummary[]): { reports: StoredReportInput[]; rectifications: NewRectification[] } {
  const reports: StoredReportInput[] = [
    ...branch.map((r) => ({ org: r.org, period: r.period, kind: 'branch' as const, score: r.score, grade: r.grade, stars: r.stars, rank: r.rank, committeeRank: r.committeeRank, data: r })),
    ...committees.map((s) => ({ org: s.org, period: s.period, kind: 'committee' as const, score: s.averageScore, grade: null, stars: null, rank: null, committeeRank: null, data: s })),
  ];
  // One item per problem (overdue-rectification problems are the items themselves); an item that
  // exists for (org, rule, problem period) is kept, so regenerating never moves a deadline.
  const rectifications: NewRectification[] = [];
  for (const r of branch) {
    for (const p of r.problems) {
      if (p.rule === 'rectification-overdue') continue;
      rectifications.push({ org: r.org, rule: p.rule, problemPeriod: p.period, reportPeriod: r.period, title: p.title, dueAt: r.rectification.dueAt });
    }
  }
  return { reports, rectifications };
}

/** Store built reports (replacing the data of those stored; their mail marker stays) with their rectification items; returns items created. */
export function saveReports(store: Store, branch: readonly BranchReport[], committees: readonly CommitteeSummary[], now: number): Promise<number> {
  const s = storedReports(branch, committees);
  return store.reports.store(s.reports, s.rectifications, now);
}

/** The committees that get a summary: those with a reporting branch somewhere below them (as computeCommitteeSummaries). */
export function summaryCommittees(orgs: readonly Pick<OrgInfo, 'code' | 'kind' | 'parent'>[], branches: readonly Pick<OrgInfo, 'parent'>[]): string[] {
  const byCode = new Map(orgs.map((o) => [o.code, o]));
  const out = new Set<string>();
  for (const b of branches) {
    const seen = new Set<string>(); // a malformed cycle ends the walk
    for (let code = b.parent; code && !seen.has(code); code = byCode.get(code)?.parent ?? null) {
      seen.add(code);
      if (byCode.get(code)?.kind === 'committee') out.add(code);
    }
  }
  return [...out];
}

/** Generate and store the reports of the `kind` period that ended before `now`, with their deliveries. */
export async function runReportTick(deps: ReportRunDeps, kind: PeriodKind, now: number): Promise<ReportRunStats> {
  const { store, config, log } = deps;
  const p = reportPeriodAt(kind, now);
  // Computing takes long (tens of seconds for a city): outside the claim's transaction, and only
  // when some report of the period (a branch's, or a committee's summary) is not stored yet.
  const [orgs, stored] = await Promise.all([store.reports.orgs(), store.reports.storedOrgs(p.label)]);
  const have = new Set(stored.map((s) => `${s.kind}:${s.org}`));
  const branches = reportBranches(orgs, p);
  const missing = branches.some((b) => !have.has(`branch:${b.code}`)) || summaryCommittees(orgs, branches).some((c) => !have.has(`committee:${c}`));
  // Secretaries on leave now: their branch's report goes to the deputy (orglife leave).
  const onLeave = new Set((await store.leaves.list({ since: shanghaiDate(now) })).filter((l) => onLeaveAt(l, now)).map((l) => l.org));
  const policy = { ...reportMailPolicy(config, deps.available), onLeave };
  const notBefore = sendTime(config, now, deps.sendFrom);
  const sendDay = shanghaiDate(notBefore);
  const total = { stored: false, branch: 0, committee: 0, rectificationItems: 0, planned: 0, deliveries: 0, skipped: 0 };
  /** One claim: store what of `built` is missing, then plan the period's unplanned mail (SMS counts read from the delivery log each time, so the daily cap holds across calls). */
  const claim = async (built: ReturnType<typeof storedReports> | null) => {
    const r = await store.reports.storeAndPlan(
      {
        period: p.label,
        built,
        sendDay,
        notBefore,
        now,
        phonesOf: (todo, contacts) => todo.flatMap((x) => (contacts.has(x.org) ? reportPeople(contacts.get(x.org)!, policy) : [])).flatMap((c) => (c.phone ? [c.phone] : [])),
      },
      ({ todo, contacts, smsCounts }) => {
        const plan = planReportMails(todo, contacts, policy, smsCounts);
        return { sends: plan.sends, notes: plan.notes, result: { planned: todo.length, skipped: [...plan.notes.values()].filter((n) => n.startsWith('skipped')).length } };
      },
    );
    total.stored ||= r.stored;
    total.branch += r.storedReports.branch;
    total.committee += r.storedReports.committee;
    total.rectificationItems += r.rectificationItems;
    total.planned += r.result.planned;
    total.deliveries += r.deliveries;
    total.skipped += r.result.skipped;
  };
  if (missing) {
    // Streamed (bounded memory at a province's size): each chunk of branch reports is claimed as it
    // is computed, the committee summaries last; branch reports are planned before summaries as in one claim.
    const { summaries } = await streamReports(store, config, p, now, { onChunk: (reports) => claim(storedReports(reports, [])) });
    await claim(storedReports([], summaries));
  } else await claim(null);
  const stats: ReportRunStats = {
    period: p.label,
    generated: total.stored,
    branches: total.branch,
    committees: total.committee,
    rectificationItems: total.rectificationItems,
    planned: total.planned,
    deliveries: total.deliveries,
    skipped: total.skipped,
    notBefore: new Date(notBefore).toISOString(),
  };
  log.info(stats, stats.generated ? 'reports generated and stored; mail planned' : 'reports already stored; pending mail planned');
  return stats;
}
