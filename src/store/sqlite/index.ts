/**
 * The SQLite adapter of the store port: today's synchronous better-sqlite3 modules (prepared
 * statements, JSON list parameters, batched writes) wrapped as the async `Store`. The worker's
 * per-message writes (claim, sent, failure, give-up) share one transaction per event-loop turn
 * (./group-commit.ts). SQLite has one writer at a time: every named lock of the port is the
 * database write lock here, taken at the start of an IMMEDIATE transaction.
 */
import { addLeave, endLeave, getLeave, listLeaves } from './leaves.js';
import { addExemption, endExemption, getExemption, listExemptions } from './exemptions.js';
import { warningSpans } from './grades.js';
import type { Store, StoreWorkerSpec } from '../port.js';
import { activeAlertsOf, alertHistory, alertSummaryByOrg, countAlertsByState, getAlert, listAlerts, loadOpenAlerts, openAlertPeriods, orgKindOf } from './alerts.js';
import { warningsDeliveredAt } from './alerts.js';
import { amendTx, reconcileLoad, reconcileTx } from './alert-ops.js';
import { closeDb, migrateDb, openDb, type Db, type OpenOptions } from './db.js';
import { deliveryByKey, deliveryStats, digestItemsOf, listDeliveries, orgContacts, pendingDeliveries, smsCountsOn, unplannedByCommittee, unplannedOutbox, unplannedOutboxUnder } from './deliveries.js';
import { claimManyTx, claimTx, giveUpTx, markSentTx, markSentManyTx,
  planOutboxTx, recordFailureTx, storedDelivery } from './delivery-ops.js';
import {
  allBranchIds,
  branchesByIds,
  branchIdsUnder,
  branchIdsUnderAny,
  branchMeetingsBetween,
  branchMeetingsSince,
  branchParents,
  findOrgHeader,
  orgHeadersByCode,
  recordIdsOf,
  windowMeetings,
  windowTallies,
} from './facts.js';
import { GroupCommit } from './group-commit.js';
import { beginImport } from './import-session.js';
import { listImports } from './imports.js';
import { countMeetings, getMeeting, listMeetingsOf } from './meetings.js';
import { countOrgs, getOrg, listOrgs, listRemovedOrgs, removeOrgs } from './orgs.js';
import { reportMailState } from './report-mails.js';
import { storeAndPlanTx, storeReportRows } from './report-ops.js';
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
import { prepared } from './alerts.js';
import { countMembersAndTracked, firstTrackedAt, listMembersOf, meetingDetails, rosterCounts, rostersOf, trackedIn, trackedMeetings } from './members.js';
import { campaignStepTx, getCampaign, getObjection, listEntries, listObjections, listTransitions } from './rating-campaign.js';
import { loadEstimateFacts, loadRatingBranch, loadRatingBranches, loadRatings, loadStarChanges, saveStarChange } from './ratings.js';
import { chooseDemoSiteTx, deleteDemoSite, getWeak, listDemoSites, listWeak, planRemindersTx, reminderStatesOf, weakStepTx } from './weak-branches.js';
import { existsSync } from 'node:fs';
import * as accounts from './accounts.js';
import * as links from './ack-links.js';
import * as reads from './console-reads.js';
import * as live from './live.js';
import type { RunRow, TickRow } from '../types/runs.js';

const HANDLES = new WeakMap<Store, Db>();

/**
 * The better-sqlite3 handle behind a SQLite store, undefined for any other store. Transitional,
 * for code not yet on the port (the escape hatch the job runtime keeps while tick handlers move)
 * and for tests that seed rows directly; never for new code.
 */
export function sqliteHandle(store: Store): Db | undefined {
  return HANDLES.get(store);
}

/** Open the SQLite store at `path` (created and migrated unless told otherwise). */
export function openSqliteStore(path: string, opts: OpenOptions = {}): Store {
  const memory = path === ':memory:' || path.startsWith('file::memory:');
  const created = memory || !existsSync(path);
  const db = openDb(path, opts);
  return storeOver(db, path, created, () => closeDb(db));
}

function storeOver(db: Db, path: string, created: boolean, release: () => void): Store {
  const memory = path === ':memory:' || path === '' || path.startsWith('file::memory:');
  const commit = new GroupCommit(db);
  let closed = false;
  const store: Store = {
    kind: 'sqlite',
    created,
    describe: () => path,
    async ping() {
      prepared(db, 'SELECT 1').get();
    },
    async migrate() {
      return migrateDb(db);
    },
    // SQLite's plans here do not come from statistics (no ANALYZE is ever run on the file): nothing to refresh.
    refreshStatistics: async () => [],
    workerSpec: () => (memory ? null : (path as StoreWorkerSpec)),
    async close() {
      if (closed) return;
      closed = true;
      // Let an already scheduled group commit run before the connection goes.
      await new Promise((r) => setImmediate(r));
      release();
    },
    rating: {
      branches: async () => loadRatingBranches(db),
      ratings: async (org) => loadRatings(db, org),
      starChanges: async (org) => loadStarChanges(db, org),
      saveStarChange: async (c, now) => saveStarChange(db, c, now),
      weakDesignations: async (opts) => listWeak(db, opts),
      demoSites: async (opts) => listDemoSites(db, opts),
      branch: async (code) => loadRatingBranch(db, code),
      weakDesignation: async (id) => getWeak(db, id),
      campaign: async (year) => getCampaign(db, year),
      campaignEntries: async (year) => listEntries(db, year),
      transitions: async (year) => listTransitions(db, year),
      objections: async (year) => listObjections(db, year),
      objection: async (id) => getObjection(db, id),
      campaignStep: async (input, decide) => campaignStepTx(db, input, decide),
      weakStep: async (input, decide) => weakStepTx(db, input, decide),
      chooseDemoSite: async (site, now, check) => chooseDemoSiteTx(db, site, now, check),
      removeDemoSite: async (org, year) => deleteDemoSite(db, org, year),
      estimateFacts: async (org, q) => loadEstimateFacts(db, org, q),
      planReminders: async (spec, decide) => planRemindersTx(db, spec, decide),
      reminderStates: async (month) => reminderStatesOf(db, month),
    },
    leaves: {
      add: async (l, now) => addLeave(db, l, now),
      list: async (opts) => listLeaves(db, opts),
      get: async (id) => getLeave(db, id),
      end: async (id, by, now) => endLeave(db, id, by, now),
    },
    exemptions: {
      add: async (e, now) => addExemption(db, e, now),
      get: async (id) => getExemption(db, id),
      list: async (opts) => listExemptions(db, opts),
      end: async (id, by, note, now) => endExemption(db, id, by, note, now),
    },
    members: {
      rosters: async (ids) => rostersOf(db, ids),
      firstTrackedAt: async (ids, until) => firstTrackedAt(db, ids, until),
      meetingDetails: async (ids, from, until, opts) => meetingDetails(db, ids, from, until, opts),
      rosterCounts: async (at) => rosterCounts(db, at),
      trackedMeetings: async (ids, from, until) => trackedMeetings(db, ids, from, until),
      trackedIn: async (ids, from, until) => trackedIn(db, ids, from, until),
      listOf: async (code) => listMembersOf(db, code),
      counts: async () => countMembersAndTracked(db),
    },
    accounts: {
      addUser: async (u, now, audit) => accounts.addUser(db, u, now, audit),
      userByName: async (name) => accounts.findUserByName(db, name),
      userById: async (id) => accounts.findUserById(db, id),
      users: async () => accounts.listUsers(db),
      setPassword: async (id, hash, now, audit) => accounts.setPassword(db, id, hash, now, audit),
      setDisabled: async (id, disabled, now, audit) => accounts.setDisabled(db, id, disabled, now, audit),
      noteFailedLogin: async (id, max, lockUntil, now) => accounts.noteFailedLogin(db, id, max, lockUntil, now),
      noteGoodLogin: async (id, now) => accounts.noteGoodLogin(db, id, now),
      startSession: async (s) => accounts.insertSession(db, s),
      session: async (idHash) => accounts.findSession(db, idHash),
      touchSession: async (idHash, now, expiresAt) => accounts.touchSession(db, idHash, now, expiresAt),
      endSession: async (idHash) => accounts.deleteSession(db, idHash),
      pruneSessions: async (now) => accounts.deleteExpiredSessions(db, now),
      audit: async (entries, now) => accounts.writeAudit(db, entries, now),
      auditPage: async (opts) => accounts.listAudit(db, opts),
    },
    ackLinks: {
      insert: async (list, now) => links.insertAckLinks(db, list, now),
      byToken: async (hash) => links.findAckLink(db, hash),
      ofDelivery: async (id) => links.ackLinksOfDelivery(db, id),
      acknowledge: async (id, now, decide) => links.acknowledgeThroughLinkTx(db, id, now, decide),
      revoke: async (by, now) => links.revokeAckLinks(db, by, now),
    },
    live: {
      write: async (rows, remove) => live.writeLive(db, rows, remove),
      prune: async (period, asOf) => live.pruneLive(db, period, asOf),
      list: async () => live.listLive(db),
      listPage: async (after, limit) => live.listLive(db, { after, limit }),
      version: async () => live.liveVersion(db),
    },
    reevaluations: {
      request: async (orgs, now) => live.requestReevaluation(db, orgs, now),
      claim: async (c) => live.claimReevaluations(db, c),
      done: async (owner, ids) => live.reevaluationsDone(db, owner, ids),
      pending: async (now) => live.pendingReevaluations(db, now),
    },
    console: {
      orgTree: async () => reads.orgTreeRows(db),
      orgTreeVersion: async () => reads.orgTreeVersion(db),
      alertPage: async (f, orgs, limit, offset) => reads.alertPage(db, f, orgs, limit, offset),
      openAlertsByCommittee: async (orgs) => reads.openAlertsByCommittee(db, orgs),
      activeAlertCounts: async (orgs) => reads.activeAlertCounts(db, orgs),
      alertMessagesSent: async (from, to) => reads.alertMessagesSent(db, from, to),
      alertMessagesPerMonth: async (from) => reads.alertMessagesPerMonth(db, from),
      deliveryStatusCounts: async () => reads.deliveryStatusCounts(db),
      lastRuns: async () => reads.lastRuns(db),
      reportPeriods: async () => reads.reportPeriods(db),
      reportsVersion: async (period) => reads.reportsVersion(db, period),
      branchReportsData: async (period) => reads.branchReportsData(db, period),
      reportsOf: async (org) => reads.reportsOf(db, org),
      recentMeetingsOf: async (org, limit) => reads.recentMeetingsOf(db, org, limit),
      alertsOfOrg: async (org, limit) => reads.alertsOfOrg(db, org, limit),
      alertsByIds: async (ids) => reads.alertsByIds(db, ids),
      deliveriesOfAlert: async (id) => reads.deliveriesOfAlert(db, id),
      deliveriesOfOrg: async (org, limit) => reads.deliveriesOfOrg(db, org, limit),
      attemptsOf: async (ids) => reads.attemptsOf(db, ids),
      pendingSends: async () => reads.pendingSends(db),
    },
    orgs: {
      list: async (now) => listOrgs(db, now),
      get: async (code, now) => getOrg(db, code, now),
      removed: async () => listRemovedOrgs(db),
      remove: async (codes, reason, now, audit) => removeOrgs(db, codes, reason, now, audit),
      count: async () => countOrgs(db),
      kindOf: async (code) => orgKindOf(db, code),
      header: async (code) => findOrgHeader(db, code),
      headers: async (codes) => orgHeadersByCode(db, codes),
      contacts: async (codes) => orgContacts(db, codes),
    },
    facts: {
      allBranchIds: async () => allBranchIds(db),
      branchIdsUnder: async (code) => branchIdsUnder(db, code),
      branchIdsUnderAny: async (codes) => branchIdsUnderAny(db, codes),
      branchParents: async (ids) => branchParents(db, ids),
      branchesByIds: async (ids) => branchesByIds(db, ids),
      windowTallies: async (ids, layout) => windowTallies(db, ids, layout),
      windowMeetings: async (ids, window, until) => windowMeetings(db, ids, window, until),
      branchMeetingsBetween: async (id, since, until) => branchMeetingsBetween(db, id, since, until),
      branchMeetingsSince: async (since, until) => branchMeetingsSince(db, since, until),
      recordIdsOf: async (ids) => recordIdsOf(db, ids),
      meetingsOf: async (code) => listMeetingsOf(db, code),
      meeting: async (id) => getMeeting(db, id),
      countMeetings: async () => countMeetings(db),
    },
    alerts: {
      reconcile: async (input, decide) => reconcileTx(db, input, decide),
      amend: async (target, now, decide) => amendTx(db, target, now, decide),
      reconcileLoad: async (input) => reconcileLoad(db, input),
      get: async (id) => getAlert(db, id),
      activeOf: async (org) => activeAlertsOf(db, org),
      list: async (opts) => listAlerts(db, opts),
      history: async (id) => alertHistory(db, id),
      countByState: async () => countAlertsByState(db),
      openPeriods: async (orgs) => openAlertPeriods(db, orgs),
      summaryByOrg: async (start, end) => alertSummaryByOrg(db, start, end),
      warningSpans: async (since, until, orgs) => warningSpans(db, since, until, orgs),
      standingOf: async (orgs) => {
        const alerts = [...loadOpenAlerts(db, (a) => String(a.id), orgs).values()];
        return { alerts, warnedAt: warningsDeliveredAt(db, alerts.map((a) => a.id)) };
      },
    },
    outbox: {
      plan: async (spec, decide) => planOutboxTx(db, spec, decide),
      unplanned: async (committees) => (committees === undefined ? unplannedOutbox(db) : committees.length ? unplannedOutboxUnder(db, committees) : []),
      unplannedByCommittee: async () => unplannedByCommittee(db),
    },
    deliveries: {
      claim: (id, owner, now, leaseMs, linkFor) => commit.run(() => claimTx(db, id, owner, now, leaseMs, linkFor)),
      claimMany: (ids, owner, now, leaseMs, linkFor) => commit.run(() => claimManyTx(db, ids, owner, now, leaseMs, linkFor)),
      markSent: (a, now) => commit.run(() => markSentTx(db, a, now)),
      markSentMany: (list, now) => commit.run(() => markSentManyTx(db, list, now)),
      recordFailure: (a) => commit.run(() => recordFailureTx(db, a)),
      giveUp: (a, now, policy) => commit.run(() => giveUpTx(db, a, now, policy)),
      get: async (id) => storedDelivery(db, id),
      pending: async (opts) => pendingDeliveries(db, opts),
      byKey: async (key) => deliveryByKey(db, key),
      list: async () => listDeliveries(db),
      digestItems: async (id) => digestItemsOf(db, id),
      smsCounts: async (phones, day) => smsCountsOn(db, phones, day),
      stats: async (range) => deliveryStats(db, range),
      markEnqueued: async (ids, epoch, now) => markEnqueued(db, ids, epoch, now),
      enqueuedIn: async (ids, epoch) => enqueuedIn(db, ids, epoch),
      pruneEnqueued: async (before) => pruneEnqueued(db, before),
    },
    reports: {
      orgs: async () => loadReportOrgs(db),
      orgsOf: async (codes) => loadReportOrgsOf(db, codes),
      orgsByIds: async (ids) => loadReportOrgsByIds(db, ids),
      committees: async () => loadReportCommittees(db),
      periodMeetings: async (ids, since, to) => periodMeetings(db, ids, since, to),
      assessments: async (periods, orgs) => loadAssessments(db, periods, orgs),
      vetoes: async (periods, orgs) => loadVetoes(db, periods, orgs),
      rectificationFacts: async (from, to, orgs) => loadRectifications(db, from, to, orgs),
      history: async (periods) => loadHistory(db, periods),
      alertFacts: async (since, orgs) => loadReportAlerts(db, since, orgs),
      hasStored: async (period) => hasStoredReports(db, period),
      storedOrgs: async (period) => prepared(db, 'SELECT org, kind FROM reports WHERE period = ? ORDER BY kind, org').all(period) as { org: string; kind: 'branch' | 'committee' }[],
      storeAndPlan: async (input, decide) => storeAndPlanTx(db, input, decide),
      store: async (reports, items, now) => storeReportRows(db, reports, items, now),
      stored: async (org, period, kind) => {
        const row = prepared(db, 'SELECT data FROM reports WHERE org = ? AND period = ? AND kind = ?').get(org, period, kind) as { data: string } | undefined;
        return row ? (JSON.parse(row.data) as object) : undefined;
      },
      mailState: async (org, period, kind) => reportMailState(db, org, period, kind),
      rectifications: async (opts) => listRectifications(db, opts),
      rectification: async (id) => getRectification(db, id),
      closeRectification: async (id, note, now) => closeRectification(db, id, note, now),
      // data_version moves when another connection commits, total_changes() when this one writes.
      scoresAndOpenItems: async (period, now) => scoresAndOpenItems(db, period, now),
      changeToken: async () => {
        const own = (prepared(db, 'SELECT total_changes() AS n').get() as { n: number }).n;
        return `${db.$client.pragma('data_version', { simple: true }) as number}:${own}`;
      },
    },
    runs: {
      claimTick: async (t) => claimTick(db, t),
      heartbeatTick: async (kind, tickAt, who, now) => heartbeatTick(db, kind, tickAt, who, now),
      finishTick: async (kind, tickAt, status, now, error) => finishTick(db, kind, tickAt, status, now, error),
      getTick: async (kind, tickAt) => getTick(db, kind, tickAt) as TickRow | undefined,
      listTicks: async (kind) => listTicks(db, kind) as TickRow[],
      tickCounts: async () => tickCounts(db),
      noteSchedule: async (kind, expr, now) => noteSchedule(db, kind, expr, now),
      setScheduleSince: async (kind, expr, since) => setScheduleSince(db, kind, expr, since),
      startRun: async (r) => startRun(db, r),
      finishRun: async (id, r) => finishRun(db, id, r),
      recentRuns: async (limit, kind) => recentRuns(db, limit, kind) as RunRow[],
    },
    imports: {
      begin: async () => beginImport(db, path),
      list: async (limit) => listImports(db, limit),
    },
  };
  HANDLES.set(store, db);
  return store;
}
