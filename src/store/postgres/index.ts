/**
 * The PostgreSQL adapter of the store port (loaded by ../open.ts for a postgres:// URL): one `pg`
 * Pool, the schema migrated at open under an advisory lock, the repositories over the modules
 * beside this file. Safe under concurrency from several processes on several hosts: the named
 * operations take advisory transaction locks (./ops.ts), claims are compare-and-set, and a tick is
 * claimed in one INSERT … ON CONFLICT (./runs.ts).
 */
import { addLeave, endLeave, getLeave, listLeaves } from './leaves.js';
import { addExemption, endExemption, getExemption, listExemptions } from './exemptions.js';
import { warningSpans } from './grades.js';
import type { OpenStoreOptions } from '../open.js';
import { StoreMissingError } from '../errors.js';
import type { Store, StoreWorkerSpec } from '../port.js';
import type { ImportRecord } from '../types/imports.js';
import { activeAlertsOf, alertHistory, alertSummaryByOrg, countAlertsByState, getAlert, listAlerts, openAlertPeriods, orgKindOf, standingOf } from './alerts.js';
import { closePg, maskPgUrl, migratePg, openPg } from './db.js';
import { DeliveryBatcher, markSentManyTx } from './delivery-batch.js';
import { deliveryByKey, deliveryStats, digestItemsOf, listDeliveries, orgContacts, pendingDeliveries, smsCountsOn } from './deliveries.js';
import { allBranchIds, branchesByIds, branchIdsUnder, branchIdsUnderAny, branchMeetingsBetween, branchMeetingsSince, branchParents, findOrgHeader, orgHeadersByCode, recordIdsOf, windowMeetings, windowTallies } from './facts.js';
import { beginPgImport } from './import-session.js';
import { countMembersAndTracked, firstTrackedAt, listMembersOf, meetingDetails, rosterCounts, rostersOf, trackedIn, trackedMeetings } from './members.js';
import { amendTx, linkAckTx, reconcileLoad, unplannedEntries, giveUpTx, planOutboxTx, reconcileTx, recordFailureTx, storeAndPlanTx, storedDelivery, storeReportsTx } from './ops.js';
import { countMeetings, countOrgs, getMeeting, getOrg, listMeetingsOf, listOrgs, listRemovedOrgs, removeOrgs } from './orgs.js';
import { one, rows } from './q.js';
import { unplannedByCommittee } from './plan-chunks.js';
import { refreshStatistics } from './statistics.js';
import { reportMailState } from './report-mails.js';
import {
  campaignStepTx,
  chooseDemoSiteTx,
  deleteDemoSite,
  getCampaign,
  getObjection,
  getWeak,
  listDemoSites,
  listEntries,
  listObjections,
  listTransitions,
  listWeak,
  loadEstimateFacts,
  loadRatingBranch,
  loadRatingBranches,
  loadRatings,
  loadStarChanges,
  planRemindersTx,
  reminderStatesOf,
  saveStarChange,
  weakStepTx,
} from './rating.js';
import {
  closeRectification,
  getRectification,
  hasStoredReports,
  listRectifications,
  scoresAndOpenItems,
  loadAssessments,
  loadHistory,
  loadRectifications,
  loadReportAlerts,
  loadReportOrgs,
  loadReportOrgsOf,
  loadReportOrgsByIds,
  loadReportCommittees,
  loadVetoes,
  periodMeetings,
} from './reports.js';
import {
  claimTick,
  enqueuedIn,
  finishRun,
  finishTick,
  getTick,
  heartbeatTick,
  listTicks,
  markEnqueued,
  noteSchedule,
  pruneEnqueued,
  recentRuns,
  setScheduleSince,
  startRun,
  tickCounts,
} from './runs.js';
import * as accounts from './accounts.js';
import * as links from './ack-links.js';
import * as reads from './console-reads.js';
import * as live from './live.js';

/** Open the PostgreSQL store at `url` (migrated unless told otherwise). */
export async function openPostgresStore(url: string, opts: OpenStoreOptions = {}): Promise<Store> {
  const where = maskPgUrl(url);
  const pool = await openPg(url, { migrate: false, max: opts.connections ?? (opts.readonly ? 4 : 10) });
  const db = pool;
  let created = false;
  try {
    const hasSchema = !!(await one<{ t: string | null }>(pool.$client, "SELECT to_regclass('public.orgs')::text AS t"))?.t;
    if (!hasSchema && opts.mustExist) throw new StoreMissingError(where);
    created = !hasSchema;
    if (opts.migrate ?? !opts.readonly) await migratePg(db);
  } catch (e) {
    await closePg(db);
    throw e;
  }
  const p = db.$client;
  const batcher = new DeliveryBatcher(p);
  let closed = false;
  const store: Store = {
    kind: 'postgres',
    created,
    describe: () => where,
    async ping() {
      await p.query('SELECT 1');
    },
    migrate: () => migratePg(db),
    refreshStatistics: () => refreshStatistics(p),
    workerSpec: () => url as StoreWorkerSpec,
    async close() {
      if (closed) return;
      closed = true;
      await closePg(db);
    },
    rating: {
      branches: () => loadRatingBranches(p),
      ratings: (org) => loadRatings(p, org),
      starChanges: (org) => loadStarChanges(p, org),
      saveStarChange: (c, now) => saveStarChange(p, c, now),
      weakDesignations: (opts) => listWeak(p, opts),
      demoSites: (opts) => listDemoSites(p, opts),
      branch: (code) => loadRatingBranch(p, code),
      weakDesignation: (id) => getWeak(p, id),
      campaign: (year) => getCampaign(p, year),
      campaignEntries: (year) => listEntries(p, year),
      transitions: (year) => listTransitions(p, year),
      objections: (year) => listObjections(p, year),
      objection: (id) => getObjection(p, id),
      campaignStep: (input, decide) => campaignStepTx(p, input, decide),
      weakStep: (input, decide) => weakStepTx(p, input, decide),
      chooseDemoSite: (site, now, check) => chooseDemoSiteTx(p, site, now, check),
      removeDemoSite: (org, year) => deleteDemoSite(p, org, year),
      estimateFacts: (org, q) => loadEstimateFacts(p, org, q),
      planReminders: (spec, decide) => planRemindersTx(p, spec, decide),
      reminderStates: (month) => reminderStatesOf(p, month),
    },
    leaves: {
      add: (l, now) => addLeave(p, l, now),
      list: (opts) => listLeaves(p, opts),
      get: (id) => getLeave(p, id),
      end: (id, by, now) => endLeave(p, id, by, now),
    },
    exemptions: {
      add: (e, now) => addExemption(p, e, now),
      get: (id) => getExemption(p, id),
      list: (opts) => listExemptions(p, opts),
      end: (id, by, note, now) => endExemption(p, id, by, note, now),
    },
    members: {
      rosters: (ids) => rostersOf(p, ids),
      firstTrackedAt: (ids, until) => firstTrackedAt(p, ids, until),
      meetingDetails: (ids, from, until, opts) => meetingDetails(p, ids, from, until, opts),
      rosterCounts: (at) => rosterCounts(p, at),
      trackedMeetings: (ids, from, until) => trackedMeetings(p, ids, from, until),
      trackedIn: (ids, from, until) => trackedIn(p, ids, from, until),
      listOf: (code) => listMembersOf(p, code),
      counts: () => countMembersAndTracked(p),
    },
    accounts: {
      addUser: (u, now, audit) => accounts.addUser(p, u, now, audit),
      userByName: (name) => accounts.findUserByName(p, name),
      userById: (id) => accounts.findUserById(p, id),
      users: () => accounts.listUsers(p),
      setPassword: (id, hash, now, audit) => accounts.setPassword(p, id, hash, now, audit),
      setDisabled: (id, disabled, now, audit) => accounts.setDisabled(p, id, disabled, now, audit),
      noteFailedLogin: (id, max, lockUntil, now) => accounts.noteFailedLogin(p, id, max, lockUntil, now),
      noteGoodLogin: (id) => accounts.noteGoodLogin(p, id),
      startSession: (s) => accounts.insertSession(p, s),
      session: (idHash) => accounts.findSession(p, idHash),
      touchSession: (idHash, now, expiresAt) => accounts.touchSession(p, idHash, now, expiresAt),
      endSession: (idHash) => accounts.deleteSession(p, idHash),
      pruneSessions: (now) => accounts.deleteExpiredSessions(p, now),
      audit: (entries, now) => accounts.writeAudit(p, entries, now),
      auditPage: (opts) => accounts.listAudit(p, opts),
    },
    ackLinks: {
      insert: (list, now) => links.insertAckLinks(p, list, now),
      byToken: (hash) => links.findAckLink(p, hash),
      ofDelivery: (id) => links.ackLinksOfDelivery(p, id),
      acknowledge: (id, now, decide) => linkAckTx(p, id, now, decide),
      revoke: (by, now) => links.revokeAckLinks(p, by, now),
    },
    live: {
      write: (rows, remove) => live.writeLive(p, rows, remove),
      prune: (period, asOf) => live.pruneLive(p, period, asOf),
      list: () => live.listLive(p),
      listPage: (after, limit) => live.listLive(p, { after, limit }),
      version: () => live.liveVersion(p),
    },
    reevaluations: {
      request: (orgs, now) => live.requestReevaluation(p, orgs, now),
      claim: (c) => live.claimReevaluations(p, c),
      done: (owner, ids) => live.reevaluationsDone(p, owner, ids),
      pending: (now) => live.pendingReevaluations(p, now),
    },
    console: {
      orgTree: () => reads.orgTreeRows(p),
      orgTreeVersion: () => reads.orgTreeVersion(p),
      alertPage: (f, orgs, limit, offset) => reads.alertPage(p, f, orgs, limit, offset),
      openAlertsByCommittee: (orgs) => reads.openAlertsByCommittee(p, orgs),
      activeAlertCounts: (orgs) => reads.activeAlertCounts(p, orgs),
      alertMessagesSent: (from, to) => reads.alertMessagesSent(p, from, to),
      alertMessagesPerMonth: (from) => reads.alertMessagesPerMonth(p, from),
      deliveryStatusCounts: () => reads.deliveryStatusCounts(p),
      lastRuns: () => reads.lastRuns(p),
      reportPeriods: () => reads.reportPeriods(p),
      reportsVersion: (period) => reads.reportsVersion(p, period),
      branchReportsData: (period) => reads.branchReportsData(p, period),
      reportsOf: (org) => reads.reportsOf(p, org),
      recentMeetingsOf: (org, limit) => reads.recentMeetingsOf(p, org, limit),
      alertsOfOrg: (org, limit) => reads.alertsOfOrg(p, org, limit),
      alertsByIds: (ids) => reads.alertsByIds(p, ids),
      deliveriesOfAlert: (id) => reads.deliveriesOfAlert(p, id),
      deliveriesOfOrg: (org, limit) => reads.deliveriesOfOrg(p, org, limit),
      attemptsOf: (ids) => reads.attemptsOf(p, ids),
      pendingSends: () => reads.pendingSends(p),
    },
    orgs: {
      list: (now) => listOrgs(p, now),
      get: (code, now) => getOrg(p, code, now),
      removed: () => listRemovedOrgs(p),
      remove: (codes, reason, now, audit) => removeOrgs(p, codes, reason, now, audit),
      count: () => countOrgs(p),
      kindOf: (code) => orgKindOf(p, code),
      header: (code) => findOrgHeader(p, code),
      headers: (codes) => orgHeadersByCode(p, codes),
      contacts: (codes) => orgContacts(p, codes),
    },
    facts: {
      allBranchIds: () => allBranchIds(p),
      branchIdsUnder: (code) => branchIdsUnder(p, code),
      branchIdsUnderAny: (codes) => branchIdsUnderAny(p, codes),
      branchParents: (ids) => branchParents(p, ids),
      branchesByIds: (ids) => branchesByIds(p, ids),
      windowTallies: (ids, layout) => windowTallies(p, ids, layout),
      windowMeetings: (ids, window, until) => windowMeetings(p, ids, window, until),
      branchMeetingsBetween: (id, since, until) => branchMeetingsBetween(p, id, since, until),
      branchMeetingsSince: (since, until) => branchMeetingsSince(p, since, until),
      recordIdsOf: (ids) => recordIdsOf(p, ids),
      meetingsOf: (code) => listMeetingsOf(p, code),
      meeting: (id) => getMeeting(p, id),
      countMeetings: () => countMeetings(p),
    },
    alerts: {
      reconcile: (input, decide) => reconcileTx(p, input, decide),
      amend: (target, now, decide) => amendTx(p, target, now, decide),
      reconcileLoad: (input) => reconcileLoad(p, input),
      get: (id) => getAlert(p, id),
      activeOf: (org) => activeAlertsOf(p, org),
      list: (opts) => listAlerts(p, opts),
      history: (id) => alertHistory(p, id),
      countByState: () => countAlertsByState(p),
      openPeriods: (orgs) => openAlertPeriods(p, orgs),
      summaryByOrg: (start, end) => alertSummaryByOrg(p, start, end),
      warningSpans: (since, until, orgs) => warningSpans(p, since, until, orgs),
      standingOf: (orgs) => standingOf(p, orgs),
    },
    outbox: {
      plan: (spec, decide) => planOutboxTx(p, spec, decide),
      unplanned: (committees) => unplannedEntries(p, committees),
      unplannedByCommittee: () => unplannedByCommittee(p),
    },
    deliveries: {
      claim: (id, owner, now, leaseMs, linkFor) => batcher.claim(id, owner, now, leaseMs, linkFor),
      // A batch's claims go through the batcher (its per-turn statement takes up to 256 rows); its sent-marks are one transaction.
      claimMany: (ids, owner, now, leaseMs, linkFor) => Promise.all(ids.map((id) => batcher.claim(id, owner, now, leaseMs, linkFor))),
      markSent: (a, now) => batcher.markSent(a, now),
      markSentMany: (list, now) => markSentManyTx(p, list, now),
      recordFailure: (a) => recordFailureTx(p, a),
      giveUp: (a, now, policy) => giveUpTx(p, a, now, policy),
      get: (id) => storedDelivery(p, id),
      pending: (opts) => pendingDeliveries(p, opts),
      byKey: (key) => deliveryByKey(p, key),
      list: () => listDeliveries(p),
      digestItems: (id) => digestItemsOf(p, id),
      smsCounts: (phones, day) => smsCountsOn(p, phones, day),
      stats: (range) => deliveryStats(p, range),
      markEnqueued: (ids, epoch, now) => markEnqueued(p, ids, epoch, now),
      enqueuedIn: (ids, epoch) => enqueuedIn(p, ids, epoch),
      pruneEnqueued: (before) => pruneEnqueued(p, before),
    },
    reports: {
      orgs: () => loadReportOrgs(p),
      orgsOf: (codes) => loadReportOrgsOf(p, codes),
      orgsByIds: (ids) => loadReportOrgsByIds(p, ids),
      committees: () => loadReportCommittees(p),
      periodMeetings: (ids, since, to) => periodMeetings(p, ids, since, to),
      assessments: (periods, orgs) => loadAssessments(p, periods, orgs),
      vetoes: (periods, orgs) => loadVetoes(p, periods, orgs),
      rectificationFacts: (from, to, orgs) => loadRectifications(p, from, to, orgs),
      history: (periods) => loadHistory(p, periods),
      alertFacts: (since, orgs) => loadReportAlerts(p, since, orgs),
      hasStored: (period) => hasStoredReports(p, period),
      storedOrgs: (period) => rows<{ org: string; kind: 'branch' | 'committee' }>(p, 'SELECT org, kind FROM reports WHERE period = $1 ORDER BY kind, org', [period]),
      storeAndPlan: (input, decide) => storeAndPlanTx(p, input, decide),
      store: (reports, items, now) => storeReportsTx(p, reports, items, now),
      stored: async (org, period, kind) => {
        const r = await one<{ data: string }>(p, 'SELECT data FROM reports WHERE org = $1 AND period = $2 AND kind = $3', [org, period, kind]);
        return r ? (JSON.parse(r.data) as object) : undefined;
      },
      mailState: (org, period, kind) => reportMailState(p, org, period, kind),
      rectifications: (opts) => listRectifications(p, opts),
      rectification: (id) => getRectification(p, id),
      closeRectification: (id, note, now) => closeRectification(p, id, note, now),
      scoresAndOpenItems: (period, now) => scoresAndOpenItems(p, period, now),
      // This database's change counter, bumped at the commit of every transaction that wrote a table
      // (migration 0012: triggers), on any connection of any host; other databases of the server do not move it.
      changeToken: async () => `pg:${(await one<{ n: number }>(p, 'SELECT n FROM change_counter WHERE id = 1'))!.n}`,
    },
    runs: {
      claimTick: (t) => claimTick(p, t),
      heartbeatTick: (kind, tickAt, who, now) => heartbeatTick(p, kind, tickAt, who, now),
      finishTick: (kind, tickAt, status, now, error) => finishTick(p, kind, tickAt, status, now, error),
      getTick: (kind, tickAt) => getTick(p, kind, tickAt),
      listTicks: (kind) => listTicks(p, kind),
      tickCounts: () => tickCounts(p),
      noteSchedule: (kind, expr, now) => noteSchedule(p, kind, expr, now),
      setScheduleSince: (kind, expr, since) => setScheduleSince(p, kind, expr, since),
      startRun: (r) => startRun(p, r),
      finishRun: (id, r) => finishRun(p, id, r),
      recentRuns: (limit, kind) => recentRuns(p, limit, kind),
    },
    imports: {
      begin: () => beginPgImport(p, where),
      list: (limit = 50) =>
        rows<ImportRecord & { id: number }>(
          p,
          `SELECT id, file, sha256, "table", rows, inserted, updated, unchanged, imported_at AS "importedAt" FROM imports ORDER BY id DESC LIMIT $1`,
          [limit],
        ),
    },
  };
  return store;
}
