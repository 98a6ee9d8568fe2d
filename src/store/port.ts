/**
 * The store port: everything the rest of orglife asks of a database, as one `Store` with a
 * repository per family. Async (a PostgreSQL adapter answers over the network), batch-shaped
 * (arrays in, arrays out: no per-row round trips on hot paths), and transactional by shape:
 * an operation that must read and write atomically takes a PURE synchronous `decide` callback and
 * runs load → decide → apply inside one transaction of the adapter. Guarantees SQLite gave by
 * locking the whole database are named operations here (see README.md next to this file):
 * `alerts.reconcile` / `alerts.amend`, `outbox.plan`, `deliveries.claim` / `giveUp`,
 * `reports.storeAndPlan`, `runs.claimTick`. Row types live in ./types/ or src/domain.
 *
 * Adapters: ./sqlite/ (better-sqlite3, the embedded default) and ./postgres/. Opened by
 * `openStore()` in ./open.ts from ORGLIFE_DB.
 */
import type { AlertState } from '../domain/alerts.js';
import type { EvalRequest, TallyLayout, TypeWindow } from '../domain/facts.js';
import type { DigestItemRow, OrgContacts } from '../domain/digest.js';
import type { MeetingType, Meeting, Org, OrgKind } from '../domain/types.js';
import type { AlertEventRow, AlertListRow, AlertRow, NewEvent, OrgAlertSummary, WarningSpan } from './types/alerts.js';
import type {
  AttemptRow,
  DeliveryClaimRow,
  DeliveryListRow,
  FallbackPolicy,
  NewAckLinkRow,
  OutboxEntry,
  OutboxPlanLoad,
  OutboxPlanWrite,
  PendingDeliveryRow,
  PeriodStats,
  PlanWriteResult,
  ReportData,
  ReportMailState,
  ReportSend,
  ReportToPlan,
  StoredDelivery,
} from './types/deliveries.js';
import type { LiveBoardRow, LiveFigureRow, ReevaluationClaim } from './types/live.js';
import type { BranchRow, LoadedMeeting, OrgHeader, OrgRef, RemovedOrg } from './types/facts.js';
import type {
  ImportRecord,
  ImportRows,
  ImportTable,
  MeetingRef,
  MemberRef,
  SelfAssessmentState,
  UpsertBatchResult,
  DeferredOutcomes,
} from './types/imports.js';
import type {
  AlertFact,
  AssessmentFact,
  HistoryPoint,
  MeetingInfo,
  NewRectification,
  OrgInfo,
  RectificationFact,
  RectificationRow,
  ScoreAndOpenItems,
  StoredReportInput,
  VetoFact,
} from './types/reports.js';
import type { ClaimTickInput, RunRow, RunStart, TickClaim, TickRow } from './types/runs.js';
import type { Exemption, NewExemption, SecretaryLeave } from '../domain/exemptions.js';
import type { MeetingDetail, MemberCounts, RosterMember, StoredMember, TrackedMeeting, TrackedParticipation } from './types/members.js';
import type {
  Campaign,
  CampaignEntry,
  CampaignLoad,
  CampaignStepInput,
  CampaignWrite,
  DemoSiteLoad,
  DemoSiteRow,
  EstimateFacts,
  NewReminder,
  ObjectionRow,
  ReminderPlanLoad,
  ReminderSend,
  ReminderState,
  TransitionRow,
  WeakLoad,
  WeakStepInput,
  WeakWrite,
} from './types/rating.js';
import type { AckLinkRow, AuditEntry, AuditRow, NewUser, SessionRow, UserRow } from './types/accounts.js';
import type {
  ActiveAlertCounts,
  AlertFilter,
  AlertPage,
  AttemptLine,
  CommitteeLevelCount,
  DeliveryLine,
  MeetingLine,
  MonthLevelCount,
  PendingSend,
  ReportLine,
  RunLine,
  TreeOrg,
} from './types/console.js';
import type { RatingBranch, RatingFact, StarChangeFact } from '../rating/types.js';
import type { WeakDesignation } from '../rating/weak.js';

export type StoreKind = 'sqlite' | 'postgres';

/**
 * An opaque spec a worker thread (or another process) passes to openStore() to reach the same
 * database read-only. Never parse it: it may be a file path or a URL.
 */
export type StoreWorkerSpec = string & { readonly __storeWorkerSpec: unique symbol };

/** The database behind orglife. */
export interface Store {
  readonly kind: StoreKind;
  /** Where the data is, for logs and /readyz: a file path, or a URL with its password masked. */
  describe(): string;
  /** True when this open created the database (a first run). */
  readonly created: boolean;
  readonly orgs: OrgsRepo;
  readonly facts: FactsRepo;
  readonly alerts: AlertsRepo;
  readonly outbox: OutboxRepo;
  readonly deliveries: DeliveriesRepo;
  readonly reports: ReportsRepo;
  readonly runs: RunsRepo;
  readonly imports: ImportsRepo;
  readonly rating: RatingRepo;
  readonly exemptions: ExemptionsRepo;
  readonly leaves: LeavesRepo;
  readonly members: MembersRepo;
  readonly accounts: AccountsRepo;
  readonly ackLinks: AckLinksRepo;
  readonly console: ConsoleRepo;
  readonly live: LiveRepo;
  readonly reevaluations: ReevaluationsRepo;
  /** A cheap round trip (readiness probes); rejects when the database does not answer. */
  ping(): Promise<void>;
  /** Apply pending migrations; returns how many were applied. */
  migrate(): Promise<number>;
  /**
   * After bulk writes (an evaluation's reconcile, planning): bring the query planner's statistics up
   * to date for the tables that changed a lot, so the reads that follow are planned for the data as it
   * is now. PostgreSQL: ANALYZE of those tables (it does not wait for autovacuum, which may be off);
   * SQLite: nothing (its adapter's queries do not depend on statistics). Returns the tables refreshed.
   */
  refreshStatistics(): Promise<string[]>;
  /** The spec worker threads open (read-only) to read this database; null when they cannot (an in-memory database). */
  workerSpec(): StoreWorkerSpec | null;
  /** Finish pending writes and release connections. Idempotent. */
  close(): Promise<void>;
}

// ---------------------------------------------------------------- orgs

export interface OrgsRepo {
  /** All orgs not marked removed, ordered by code; a branch with a roster has `members` = its roster size as of `now`'s day (Beijing time). */
  list(now: number): Promise<Org[]>;
  /** Orgs marked removed (撤销), ordered by code. */
  removed(): Promise<RemovedOrg[]>;
  /**
   * Mark orgs removed (kept for history; an import of the code later re-activates it) with the audit
   * entries, in one transaction; returns the codes newly marked (unknown or already removed ones are skipped).
   */
  remove(codes: readonly string[], reason: string | null, now: number, audit: readonly AuditEntry[]): Promise<string[]>;
  /** One org by code (roster size as of `now`, as in `list`; a removed one too: its `removedAt` is set). */
  get(code: string, now: number): Promise<Org | undefined>;
  /** How many orgs there are. */
  count(): Promise<number>;
  /** Whether an org code exists, and its kind. */
  kindOf(code: string): Promise<OrgKind | undefined>;
  /** Header (id, code, name, kind, parent) of one org. */
  header(code: string): Promise<OrgHeader | undefined>;
  /** Headers by code; unknown codes are absent. */
  headers(codes: readonly string[]): Promise<Map<string, OrgHeader>>;
  /** Contacts of the given orgs and of their parents, by code. */
  contacts(codes: readonly string[]): Promise<Map<string, OrgContacts>>;
}

// ---------------------------------------------------------------- facts (branches and meetings)

export interface FactsRepo {
  /** Ids of every branch not marked removed, ascending. */
  allBranchIds(): Promise<number[]>;
  /** Ids of the branches not marked removed at or under an org (itself if a branch; the subtree if a committee), ascending. */
  branchIdsUnder(code: string): Promise<number[]>;
  /** Ids of the branches at or under any of these orgs (a touched set: unknown codes add nothing), ascending, each once. */
  branchIdsUnderAny(codes: readonly string[]): Promise<number[]>;
  /** The parent committee code of each branch, by id. */
  branchParents(ids: readonly number[]): Promise<Map<number, string | null>>;
  /** Branch rows by id, ascending by id. */
  branchesByIds(ids: readonly number[]): Promise<BranchRow[]>;
  /** Meetings of the branches inside the rules' load window (types absent from `window` are not read), up to `until`; by org id. */
  windowMeetings(orgIds: readonly number[], window: ReadonlyMap<MeetingType, TypeWindow>, until: number): Promise<Map<number, LoadedMeeting[]>>;
  /**
   * The same window as counts per slice of `layout` (TALLY_FIELDS per slice, a view per org id; every
   * branch asked has one), except the meetings the layout lists, which come back in full, by org id.
   */
  windowTallies(orgIds: readonly number[], layout: TallyLayout): Promise<{ counts: Map<number, Uint32Array>; listed: Map<number, LoadedMeeting[]> }>;
  /** Every meeting of one branch with since ≤ held_at ≤ until. */
  branchMeetingsBetween(orgId: number, since: number, until: number): Promise<LoadedMeeting[]>;
  /** Every meeting of each branch (org id → since) with since ≤ held_at ≤ until, any type, by org id (older periods re-judged). */
  branchMeetingsSince(since: ReadonlyMap<number, number>, until: number): Promise<Map<number, LoadedMeeting[]>>;
  /** The record ids (interchange `id`) of meetings by row id. */
  recordIdsOf(rowIds: readonly number[]): Promise<Map<number, string>>;
  /** Meetings of one org (by code), oldest first. */
  meetingsOf(orgCode: string): Promise<Meeting[]>;
  /** One meeting by record id. */
  meeting(recordId: string): Promise<Meeting | undefined>;
  /** How many meeting records there are. */
  countMeetings(): Promise<number>;
}

// ---------------------------------------------------------------- alerts and events

/** An alert identity. */
export interface AlertIdentity {
  org: string;
  rule: string;
  period: string;
}

/** What reconcile reads in its transaction. */
export interface ReconcileLoad {
  /** Open or acknowledged alerts of the scope's orgs (every org when `orgs` is null). */
  open: AlertRow[];
  /** Alerts of the asked identities (every subject) that are not open or acknowledged (resolved ones that may reopen). */
  others: AlertRow[];
  /**
   * For the open (not acknowledged) alerts of `open` at warning level: when a message carrying the
   * alert at warning level or above was first SENT to its branch (secretary or clerk) since it last
   * opened or reopened, by alert id (escalation counts from there). Absent = not delivered yet.
   */
  warnedAt: Map<number, number>;
}

/** Alert writes of one transaction; the store assigns ids and writes events and outbox rows. */
export interface AlertChanges {
  /** New alerts, each with its first event; `notify` writes an outbox row for it. */
  inserts: { row: Omit<AlertRow, 'id'>; event: NewEvent; notify: boolean }[];
  /** Changes of existing alerts: changed columns (updated_at is set to `now`), an event, an outbox row. */
  updates: { id: number; patch: Partial<AlertRow>; event: NewEvent | null; notify: boolean }[];
}

/** Which alerts `amend` loads: one by id, or the open and acknowledged alerts of an org. */
export type AlertTarget = { id: number } | { org: string };

/** What `amend` reads: the alerts of the target (the alert of an id whatever its state), and the org's kind for an org target. */
export interface AmendLoad {
  alerts: AlertRow[];
  orgKind: OrgKind | undefined;
}

export interface AlertsRepo {
  /**
   * The reconcile transaction (named lock "alerts"): loads open alerts of `orgs` and the other
   * alerts of `identities`, calls `decide` (pure), writes its changes with their events and
   * outbox rows atomically, and returns decide's result. An acknowledgement committed meanwhile
   * is seen, never overwritten.
   */
  reconcile<R>(input: { orgs: readonly string[] | null; identities: readonly AlertIdentity[]; now: number }, decide: (load: ReconcileLoad) => { changes: AlertChanges; result: R }): Promise<R>;
  /** What `reconcile` would load for `input`, read without writing or locking (the preview's dry run decides on it in memory). */
  reconcileLoad(input: { orgs: readonly string[] | null; identities: readonly AlertIdentity[] }): Promise<ReconcileLoad>;
  /** Change alerts of a target atomically (acknowledge): load → decide (pure; may throw to write nothing) → apply. Same lock as reconcile. */
  amend<R>(target: AlertTarget, now: number, decide: (load: AmendLoad) => { changes: AlertChanges; result: R }): Promise<R>;
  /** An alert by id. */
  get(id: number): Promise<AlertRow | undefined>;
  /** Open and acknowledged alerts of one org, by id. */
  activeOf(org: string): Promise<AlertRow[]>;
  /** Alerts with org names, newest first. */
  list(opts?: { open?: boolean; org?: string; limit?: number }): Promise<AlertListRow[]>;
  /** The history of an alert, oldest first. */
  history(alertId: number): Promise<AlertEventRow[]>;
  /** Counts of alerts by state. */
  countByState(): Promise<Record<AlertState, number>>;
  /** (rule, period) of every open or acknowledged alert by org code (only of `orgs` when given), for the evaluator to re-check. */
  openPeriods(orgs?: readonly string[]): Promise<Map<string, EvalRequest[]>>;
  /** Per org, how the alerts opened in [start, end) went (for reports). */
  summaryByOrg(start: number, end: number): Promise<Map<string, OrgAlertSummary>>;
  /** Per org code, the alerts that stood at warning or worse at some time in [since, until) (colour grades); only of `orgs` (codes) when given. */
  warningSpans(since: number, until: number, orgs?: readonly string[]): Promise<Map<string, WarningSpan[]>>;
  /** Open and acknowledged alerts of the orgs, and per alert id when a warning of it was first delivered to its branch (absent = never): a finding's standing for `check`. */
  standingOf(orgs: readonly string[]): Promise<{ alerts: AlertRow[]; warnedAt: Map<number, number> }>;
}

// ---------------------------------------------------------------- alert outbox → digests and deliveries

export interface OutboxRepo {
  /**
   * The planning transaction (named lock "sms-day", shared with every SMS count): loads the
   * unplanned outbox, the contacts of its open alerts' orgs and the day's SMS counts of the phones
   * `phonesOf` names (pure), calls `decide` (pure), then writes digests, their items and
   * deliveries (dedup keys: never a second one) and marks the outbox rows planned.
   */
  plan<R>(
    spec: {
      sendDay: string;
      now: number;
      phonesOf(contacts: ReadonlyMap<string, OrgContacts>): string[];
      /** Only the rows of alerts of orgs whose parent committee is one of these ('' = no parent): one planning chunk; [] loads none. Absent = every row. */
      committees?: readonly string[];
    },
    decide: (load: OutboxPlanLoad) => { write: OutboxPlanWrite; result: R },
  ): Promise<{ result: R; written: PlanWriteResult }>;
  /** The unplanned outbox rows `plan` would load for `committees` (absent = every row; [] = none), oldest event first; read only (the preview's dry run). */
  unplanned(committees?: readonly string[]): Promise<OutboxEntry[]>;
  /** Unplanned outbox rows per parent committee code of their alert's org ('' for none), in code order (binary): what planning chunks. */
  unplannedByCommittee(): Promise<{ committee: string; rows: number }[]>;
}

// ---------------------------------------------------------------- deliveries (alert digests and report mail)

export interface DeliveriesRepo {
  /**
   * Claim a pending delivery for `owner` until now + leaseMs (compare-and-set: two workers never
   * both win), BEFORE the provider is called. Sent/failed/cancelled is never claimed again; a
   * digest whose alerts are no longer open, or a report that is gone, is cancelled instead.
   * `linkFor` (pure) may name a one-tap acknowledgement link to store with a won claim.
   */
  claim(id: number, owner: string, now: number, leaseMs: number, linkFor?: (d: StoredDelivery) => NewAckLinkRow | null): Promise<DeliveryClaimRow>;
  /**
   * Claim several deliveries for one owner (a batch job) in one store call: per id, in order, the
   * outcome `claim` would give it (each row's compare-and-set as in `claim`).
   */
  claimMany(ids: readonly number[], owner: string, now: number, leaseMs: number, linkFor?: (d: StoredDelivery) => NewAckLinkRow | null): Promise<DeliveryClaimRow[]>;
  /** Success: record the attempt and mark the delivery sent (first provider id stays), releasing the claim; one transaction. */
  markSent(attempt: AttemptRow, now: number): Promise<void>;
  /** `markSent` for several successful attempts in one store call (one transaction: every attempt row with its sent mark). */
  markSentMany(attempts: readonly AttemptRow[], now: number): Promise<void>;
  /** A failed attempt that will be retried: record it and release the claim. */
  recordFailure(attempt: AttemptRow, now: number): Promise<void>;
  /**
   * Give up: record the attempt, mark failed, and create (or reuse) the fallback chosen by the pure
   * `policy` over candidates loaded with their existing delivery and SMS count — one transaction,
   * named lock "sms-day". Returns the fallback, or null.
   */
  giveUp(attempt: AttemptRow, now: number, policy: FallbackPolicy): Promise<PendingDeliveryRow | null>;
  /** One delivery with what it carries. */
  get(id: number): Promise<StoredDelivery | undefined>;
  /** Pending deliveries, oldest first; with `dueBy`, only those with not_before ≤ dueBy. */
  pending(opts?: { dueBy?: number }): Promise<PendingDeliveryRow[]>;
  /** The delivery of a dedup key. */
  byKey(dedupKey: string): Promise<PendingDeliveryRow & { status: StoredDelivery['status'] } | undefined>;
  /** Every delivery, oldest first (tests, tools). */
  list(): Promise<DeliveryListRow[]>;
  /** The items of a digest, by event id. */
  digestItems(digestId: number): Promise<DigestItemRow[]>;
  /** SMS pending or sent per phone on a Shanghai day. */
  smsCounts(phones: readonly string[], day: string): Promise<Map<string, number>>;
  /** Sent notifications by period (Shanghai months, or one `range`) and committee; report mail apart. */
  stats(range?: { label: string; start: number; end: number }): Promise<PeriodStats[]>;
  /** Remember that these deliveries were acknowledged by the Redis of `epoch` (batch). */
  markEnqueued(deliveryIds: readonly number[], epoch: string, now: number): Promise<void>;
  /** Of these ids, those the Redis of `epoch` already acknowledged. */
  enqueuedIn(deliveryIds: readonly number[], epoch: string): Promise<Set<number>>;
  /** Forget epoch marks older than `before`; returns how many. */
  pruneEnqueued(before: number): Promise<number>;
}

// ---------------------------------------------------------------- reports and rectification

/** What planning report mail reads in the storeAndPlan transaction. */
export interface ReportPlanLoad {
  /** Stored reports of the period whose mail is not planned yet (branch reports first). */
  todo: ReportToPlan[];
  /** Contacts of their orgs (and parents). */
  contacts: Map<string, OrgContacts>;
  /** SMS per phone on the send day, of the phones `phonesOf` names. */
  smsCounts: Map<string, number>;
}

export interface ReportsRepo {
  /** Every org with what a report needs, ascending by row id. */
  orgs(): Promise<(OrgInfo & { id: number })[]>;
  /**
   * The orgs of these codes and every org above them, as `orgs()` has them (not removed; the walk
   * up stops at a removed org), ascending by row id: what a report of just those branches needs.
   */
  orgsOf(codes: readonly string[]): Promise<(OrgInfo & { id: number })[]>;
  /** The orgs of these row ids as `orgs()` has them (not removed), ascending by row id: one chunk of a pass over the city. */
  orgsByIds(ids: readonly number[]): Promise<(OrgInfo & { id: number })[]>;
  /** Every org that is not a branch (the committees), as `orgs()` has them, ascending by row id: the tree above the branches. */
  committees(): Promise<(OrgInfo & { id: number })[]>;
  /**
   * Meetings held before `to` by the branches, of each type from its `since` instant on (a type not
   * in `since` is not read), by org row id (`id` = meeting row id as a string); each branch's list
   * in MEETING_TYPES order, then by time.
   */
  periodMeetings(orgIds: readonly number[], since: ReadonlyMap<MeetingType, number>, to: number): Promise<Map<number, MeetingInfo[]>>;
  /** Assessments of the period labels, by org code (each list by row id); only of `orgs` (codes) when given. */
  assessments(periods: readonly string[], orgs?: readonly string[]): Promise<Map<string, AssessmentFact[]>>;
  /** Negative-list entries of the period labels, by org code (each list by row id); only of `orgs` when given. */
  vetoes(periods: readonly string[], orgs?: readonly string[]): Promise<Map<string, VetoFact[]>>;
  /** Rectification items open, or due within [from, to), by org code (each list by row id); only of `orgs` when given. */
  rectificationFacts(from: number, to: number, orgs?: readonly string[]): Promise<Map<string, RectificationFact[]>>;
  /** Headlines of stored branch reports of the periods, by org code. */
  history(periods: readonly string[]): Promise<Map<string, HistoryPoint[]>>;
  /** Alerts that reached warning or worse since `since`, plus open escalations, by org code (each list by alert id); only of `orgs` when given. */
  alertFacts(since: number, orgs?: readonly string[]): Promise<Map<string, AlertFact[]>>;
  /** Whether any branch report of the period is stored. */
  hasStored(period: string): Promise<boolean>;
  /** (org, kind) of every report stored for the period. */
  storedOrgs(period: string): Promise<{ org: string; kind: 'branch' | 'committee' }[]>;
  /**
   * The report generation claim (named lock "reports:<period>"): store the reports of `built` whose
   * (org, kind) is not stored for the period yet, with the rectification items of those branches
   * (one stored before — another daemon, `report --save --org X` — stays as it is); then plan the
   * mail of the period's unplanned reports with the pure `decide` and write it. Returns decide's
   * result, whether this call stored any report and how many of each kind.
   */
  storeAndPlan<R>(
    input: {
      period: string;
      built: { reports: StoredReportInput[]; rectifications: NewRectification[] } | null;
      sendDay: string;
      notBefore: number;
      now: number;
      phonesOf(todo: readonly ReportToPlan[], contacts: ReadonlyMap<string, OrgContacts>): string[];
    },
    decide: (load: ReportPlanLoad) => { sends: ReportSend[]; notes: ReadonlyMap<number, string>; result: R },
  ): Promise<{ result: R; stored: boolean; storedReports: { branch: number; committee: number }; rectificationItems: number; deliveries: number }>;
  /** Store reports (replacing the data of (org, period, kind); the mail marker stays) and create rectification items; returns items created. */
  store(reports: readonly StoredReportInput[], rectifications: readonly NewRectification[], now: number): Promise<number>;
  /** A stored report's data. */
  stored(org: string, period: string, kind: 'branch' | 'committee'): Promise<ReportData | undefined>;
  /** Where a stored report's mail stands. */
  mailState(org: string, period: string, kind: 'branch' | 'committee'): Promise<ReportMailState | undefined>;
  /** Rectification items, earliest deadline first (open by default; `all`; one `org`; `overdueAt`). */
  rectifications(opts?: { org?: string; all?: boolean; overdueAt?: number }): Promise<RectificationRow[]>;
  /** One rectification item. */
  rectification(id: number): Promise<RectificationRow | undefined>;
  /** Close an open item; false when it does not exist or is closed already. */
  closeRectification(id: number, note: string | null, now: number): Promise<boolean>;
  /**
   * A cheap token that changes whenever anything is written to the database (conservatively: it may
   * change without a write of orglife's): equal tokens mean nothing committed in between. The key of
   * caches of reports computed on the fly.
   */
  changeToken(): Promise<string>;
  /** Branches with a scored stored report of `period`, by code, with their open items as of `now`. */
  scoresAndOpenItems(period: string, now: number): Promise<ScoreAndOpenItems[]>;
}

// ---------------------------------------------------------------- runs: ticks, schedules, cycle runs

export interface RunsRepo {
  /** The tick claim (atomic): done stays done, a live claim is respected, a dead one (stale heartbeat) is taken over. */
  claimTick(t: ClaimTickInput): Promise<TickClaim>;
  /** Keep a running claim alive. */
  heartbeatTick(kind: string, tickAt: number, instanceId: string, now: number): Promise<void>;
  /** Record the end of a claimed tick. */
  finishTick(kind: string, tickAt: number, status: 'done' | 'failed', now: number, error?: string): Promise<void>;
  /** The stored state of one tick. */
  getTick(kind: string, tickAt: number): Promise<TickRow | undefined>;
  /** Claimed ticks (of a kind), newest first. */
  listTicks(kind?: string): Promise<TickRow[]>;
  /** Count of ticks per status. */
  tickCounts(): Promise<Record<string, number>>;
  /** Note that schedule `kind` runs `expr`; returns since when (a changed expression restarts it). */
  noteSchedule(kind: string, expr: string, now: number): Promise<number>;
  /** Backdate a schedule's first sight (tests, maintenance). */
  setScheduleSince(kind: string, expr: string, since: number): Promise<void>;
  /** Open a cycle run; returns its id. */
  startRun(r: RunStart): Promise<number>;
  /** Close a cycle run with its outcome and figures. */
  finishRun(id: number, r: { status: 'done' | 'failed'; now: number; stats?: object; error?: string }): Promise<void>;
  /** Recent runs (of a kind), newest first. */
  recentRuns(limit?: number, kind?: string): Promise<RunRow[]>;
}

// ---------------------------------------------------------------- imports

/**
 * One import command, all or nothing: rows are written in batches as files stream, and nothing is
 * visible to others until `commit`. `rollback` (or a failed commit) leaves the database as it was.
 * A key written twice in one command (in one file or in two) with other content is a 'conflict'
 * naming the earlier row's source and line. Derived data (sign-in copies of changed meetings,
 * members' participation months) is brought up to date by `commit`, in the same transaction.
 */
export interface ImportSession {
  /** Every org's id, kind and parent by code, as this session sees them (its own writes included). */
  orgRefs(): Promise<Map<string, OrgRef>>;
  /** Meetings by record id, as this session sees them; unknown ids are absent. */
  meetingRefs(recordIds: readonly string[]): Promise<Map<string, MeetingRef>>;
  /** Roster members by member id, as this session sees them; unknown ids are absent. */
  memberRefs(memberIds: readonly string[]): Promise<Map<string, MemberRef>>;
  /** The state of each year's rating campaign, by year. */
  campaignStates(): Promise<Map<number, string>>;
  /** The stored self step of each (year, org), in the order asked (undefined: no entry). */
  selfAssessments(keys: readonly { year: number; org: string }[]): Promise<(SelfAssessmentState | undefined)[]>;
  /** A new file (or pushed batch) of `table` begins; `source` names it in conflicts found later (default: none). */
  beginFile(table: ImportTable, source?: string): Promise<void>;
  /**
   * Upsert a batch of rows of `table` (with their source lines, for duplicate reports, and their positions
   * in the command, `seqs`); outcomes in order. An adapter may stage a table's rows instead (every outcome
   * 'deferred'): their outcomes then come from `finishTable`.
   */
  upsert<T extends ImportTable>(table: T, rows: readonly ImportRows[T][], lines: readonly number[], now: number, seqs?: readonly number[]): Promise<UpsertBatchResult>;
  /**
   * The last file of `table` in the command has been written (rows a table keeps open or staged are written
   * now). Returns the outcomes of staged rows, if the table was staged.
   */
  finishTable(table: ImportTable): Promise<DeferredOutcomes | undefined>;
  /** Record an accepted file in the audit trail. */
  record(rec: ImportRecord): Promise<void>;
  /** Bring derived data up to date, then commit. */
  commit(): Promise<void>;
  /**
   * The org codes whose data this command changed (sorted): the org of every inserted or updated
   * meeting, member, sign-in, rating, star change, assessment and negative-list entry, the previous
   * org of a meeting or member moved to another, and every inserted or updated org itself. Rows
   * found unchanged touch nothing. After commit: what the command committed (incremental
   * re-evaluation starts from it); before: what the tables finished so far wrote.
   */
  touchedOrgs(): Promise<string[]>;
  rollback(): Promise<void>;
}

export interface ImportsRepo {
  /** Start an import command (its own connection or transaction: other work of this process is not part of it). */
  begin(): Promise<ImportSession>;
  /** The most recent imports, newest first. */
  list(limit?: number): Promise<(ImportRecord & { id: number })[]>;
}

/**
 * The star-rating year (评星定级): filed ratings, star changes, the yearly campaign (四步走),
 * weak-branch designations and demonstration sites. The campaign's and the designations' changes
 * are load → decide (pure, src/rating) → apply transactions under the named lock "rating" (two
 * admins acting at once: the second decides on what the first committed).
 */
export interface RatingRepo {
  /** Every branch with its committee's name and its secretary, by code. */
  branches(): Promise<RatingBranch[]>;
  /** One branch with its committee's name and its secretary (undefined: unknown or not a branch). */
  branch(code: string): Promise<RatingBranch | undefined>;
  /** Filed ratings (optionally of one branch), by branch code, oldest year first. */
  ratings(org?: string): Promise<Map<string, RatingFact[]>>;
  /** Star changes (optionally of one branch), by branch code, in date order. */
  starChanges(org?: string): Promise<Map<string, StarChangeFact[]>>;
  /** Record (or replace) a star change keyed by its id. */
  saveStarChange(change: StarChangeFact, now: number): Promise<'inserted' | 'updated' | 'unchanged'>;
  /** Weak-and-lax designations with their items: open ones, or all; optionally of one branch. */
  weakDesignations(opts?: { org?: string; all?: boolean }): Promise<WeakDesignation[]>;
  /** One designation with its items. */
  weakDesignation(id: number): Promise<WeakDesignation | undefined>;
  /** Demonstration sites, optionally of one year or branch. */
  demoSites(opts?: { year?: number; org?: string }): Promise<DemoSiteRow[]>;
  /** The campaign of a year. */
  campaign(year: number): Promise<Campaign | undefined>;
  /** A year's campaign entries, by org. */
  campaignEntries(year: number): Promise<CampaignEntry[]>;
  /** A year's transitions and step actions, in order. */
  transitions(year: number): Promise<TransitionRow[]>;
  /** A year's objections, by id. */
  objections(year: number): Promise<ObjectionRow[]>;
  /** One objection. */
  objection(id: number): Promise<ObjectionRow | undefined>;
  /**
   * A campaign step (named lock "rating"): loads the year's campaign with the entries, objections,
   * negative-list items and weak designations in scope, calls `decide` (pure; may throw to write
   * nothing), writes its changes atomically. Returns decide's result and the new objection's id.
   */
  campaignStep<R>(input: CampaignStepInput, decide: (load: CampaignLoad) => { write: CampaignWrite; result: R }): Promise<{ result: R; objectionId: number | null }>;
  /** A weak-designation change (named lock "rating"): load → decide (pure; may throw) → apply. Returns the new designation's or item's id. */
  weakStep<R>(input: WeakStepInput, decide: (load: WeakLoad) => { write: WeakWrite; result: R }): Promise<{ result: R; id: number | null }>;
  /** Choose (or re-level) a demonstration site after the pure `check` (may throw) of the branch and its filed rating, in one transaction. */
  chooseDemoSite(site: DemoSiteRow, now: number, check: (load: DemoSiteLoad) => void): Promise<'inserted' | 'updated' | 'unchanged'>;
  /** Remove a demonstration site; false when there was none. */
  removeDemoSite(org: string, year: number): Promise<boolean>;
  /** One branch's assessments, vetoes, rectification items and alerts as the reports read them (the estimate of a single branch without city-wide reads). */
  estimateFacts(org: string, q: { periods: readonly string[]; from: number; to: number; alertsSince: number }): Promise<EstimateFacts>;
  /**
   * Plan the monthly weak-branch reminders (named lock "sms-day", shared with every SMS count):
   * loads the open designations, the contacts of their branches and committees and the send day's
   * SMS counts of the phones `phonesOf` names, calls `decide` (pure), stores its reminders (one per
   * recipient and month: an existing one is kept, with the designations it named) and their deliveries (dedup keys: never a
   * second one). Returns decide's result and how many reminders and deliveries are new.
   */
  planReminders<R>(
    spec: { sendDay: string; notBefore: number; now: number; phonesOf(open: readonly WeakDesignation[], contacts: ReadonlyMap<string, OrgContacts>): string[] },
    decide: (load: ReminderPlanLoad) => { reminders: NewReminder[]; sends: ReminderSend[]; result: R },
  ): Promise<{ result: R; reminders: number; deliveries: number }>;
  /** The stored reminders of a month ('YYYY-MM'), oldest first, with the designations each names and its deliveries. */
  reminderStates(month: string): Promise<ReminderState[]>;
}

// ---------------------------------------------------------------- members (roster and sign-ins)

/** The roster (党员名册) and sign-ins (参会签到) as the member rules, the meeting checks and the reports read them. */
export interface MembersRepo {
  /** Rosters of the given branches (org ids), by org id, by member id within each; branches without a roster are absent. */
  rosters(orgIds: readonly number[]): Promise<Map<number, RosterMember[]>>;
  /** Per branch (org id), the time of its first tracked meeting held at or before `until`; absent = none. */
  firstTrackedAt(orgIds: readonly number[], until: number): Promise<Map<number, number>>;
  /**
   * Meetings of the branches held in [from, until] with their minutes elements and present sign-ins, by org id.
   * `informative`: only meetings with sign-ins or at least one minutes element recorded (all that
   * attendance-mismatch and minutes-incomplete can flag; most meetings of a city without such data are skipped).
   */
  meetingDetails(orgIds: readonly number[], from: number, until: number, opts?: { informative?: boolean }): Promise<Map<number, MeetingDetail[]>>;
  /** Roster sizes as of `at` ('YYYY-MM-DD': joined by then, not left by then), by org code. */
  rosterCounts(at: string): Promise<Map<string, number>>;
  /** Tracked meetings of the branches held in [from, until), oldest first, with their decoded sign-ins, by org id. */
  trackedMeetings(orgIds: readonly number[], from: number, until: number): Promise<Map<number, TrackedMeeting[]>>;
  /** Tracked meetings of the branches held in [from, until), by org id: time and who took part. */
  trackedIn(orgIds: readonly number[], from: number, until: number): Promise<Map<number, TrackedParticipation[]>>;
  /** Every member of one branch (org code) as stored, phones included (callers mask them), by member id. */
  listOf(orgCode: string): Promise<StoredMember[]>;
  /** How many members, tracked meetings and sign-ins are stored. */
  counts(): Promise<MemberCounts>;
}

// ---------------------------------------------------------------- exemptions (豁免)

export interface ExemptionsRepo {
  /** Record a new exemption; returns it with its id. */
  add(e: NewExemption, now: number): Promise<Exemption>;
  /** One exemption by id. */
  get(id: number): Promise<Exemption | undefined>;
  /** Exemptions, newest first: those not ended whose last day is on or after `since` (YYYY-MM-DD) by default; `all` for every one; `org` for one org's own. */
  list(opts?: { org?: string; all?: boolean; since?: string }): Promise<Exemption[]>;
  /** End an exemption early (kept, with who and why); 'unknown' or 'ended' when it cannot be. */
  end(id: number, by: string, note: string | null, now: number): Promise<Exemption | 'unknown' | 'ended'>;
}

// ---------------------------------------------------------------- accounts: console users, sessions, audit log

export interface AccountsRepo {
  /** Add a user (and its audit entry, same transaction); null when the username is taken. */
  addUser(u: NewUser, now: number, audit?: AuditEntry): Promise<UserRow | null>;
  /** A user by username. */
  userByName(username: string): Promise<UserRow | undefined>;
  /** A user by id. */
  userById(id: number): Promise<UserRow | undefined>;
  /** Every user, by username. */
  users(): Promise<UserRow[]>;
  /** Set a password hash (clears failures and lockout) and end the user's sessions; with its audit entry, one transaction. */
  setPassword(id: number, passwordHash: string, now: number, audit?: AuditEntry): Promise<void>;
  /** Disable (ending the user's sessions) or enable a user; with its audit entry, one transaction. */
  setDisabled(id: number, disabled: boolean, now: number, audit?: AuditEntry): Promise<void>;
  /**
   * Count a failed sign-in, atomically (one statement: concurrent failures are all counted): at
   * `maxFailures` the count restarts and the account is locked until `lockUntil`.
   */
  noteFailedLogin(id: number, maxFailures: number, lockUntil: number, now: number): Promise<{ locked: boolean }>;
  /** A good sign-in: failures and lockout cleared. */
  noteGoodLogin(id: number, now: number): Promise<void>;
  /** Store a new session. */
  startSession(s: SessionRow): Promise<void>;
  /** A session by the hash of its id, with its user (absent when either is gone). */
  session(idHash: string): Promise<{ session: SessionRow; user: UserRow } | undefined>;
  /** Slide a session's expiry. */
  touchSession(idHash: string, now: number, expiresAt: number): Promise<void>;
  /** End a session. */
  endSession(idHash: string): Promise<void>;
  /** Delete expired sessions; returns how many. */
  pruneSessions(now: number): Promise<number>;
  /** Append audit entries (batch). */
  audit(entries: readonly AuditEntry[], now: number): Promise<void>;
  /** Audit entries newest first, a page at a time; with `orgs`, only entries of those org codes. */
  auditPage(opts: { orgs: readonly string[] | null; limit: number; offset: number }): Promise<{ rows: AuditRow[]; total: number }>;
}

// ---------------------------------------------------------------- one-tap acknowledgement links

/** What acknowledging through a link reads in its transaction: the link (undefined when gone) and, per org of the link, what alerts.amend would load for it. */
export interface LinkAckLoad {
  link: AckLinkRow | undefined;
  orgs: Map<string, AmendLoad>;
}

export interface AckLinksRepo {
  /** Store links (the token's hash only); returns their ids in order. (A won delivery claim stores its link itself: deliveries.claim.) */
  insert(links: readonly NewAckLinkRow[], now: number): Promise<number[]>;
  /** A link by its token's hash. */
  byToken(tokenHash: string): Promise<AckLinkRow | undefined>;
  /** The links a delivery carried, oldest first. */
  ofDelivery(deliveryId: number): Promise<AckLinkRow[]>;
  /**
   * Acknowledge through a link in ONE transaction (the "alerts" lock, as alerts.amend): loads the
   * link by id and, per org of the stored link, its kind and open/acknowledged alerts; `decide`
   * (pure; may throw to write nothing) returns the alert changes and the audit entries; the store
   * writes the changes, marks the link used (its first use stays) and appends the audit — all or
   * nothing, so a crash never leaves items acknowledged without their audit. With no audit entry
   * (a second submit: the items are acknowledged already) the link and the audit are left alone.
   */
  acknowledge<R>(id: number, now: number, decide: (load: LinkAckLoad) => { changes: AlertChanges; audit: readonly AuditEntry[]; result: R }): Promise<R>;
  /** Revoke a link, or every link of a recipient key; returns how many were revoked. */
  revoke(by: { id: number } | { recipientKey: string }, now: number): Promise<number>;
}

// ---------------------------------------------------------------- console: the web console's read queries

/** `orgs` arguments: the branch codes a user may see, or null for everything (the county). One statement each. */
export interface ConsoleRepo {
  /** Every org as the tree needs it, by code. */
  orgTree(): Promise<TreeOrg[]>;
  /** Changes whenever an import touches the orgs (a cheap cache key for the tree). */
  orgTreeVersion(): Promise<string>;
  /** One page of alerts (newest first) matching the filter, with the total. */
  alertPage(f: AlertFilter, orgs: readonly string[] | null, limit: number, offset: number): Promise<AlertPage>;
  /** Open and acknowledged alerts counted by committee, level and state. */
  openAlertsByCommittee(orgs: readonly string[] | null): Promise<CommitteeLevelCount[]>;
  /** Open/acknowledged/escalated alert counts per branch. */
  activeAlertCounts(orgs: readonly string[] | null): Promise<Map<string, ActiveAlertCounts>>;
  /** Alert messages (digest deliveries) sent in [from, to). */
  alertMessagesSent(from: number, to: number): Promise<number>;
  /** Alert messages sent per Shanghai month and digest level since `from`. */
  alertMessagesPerMonth(from: number): Promise<MonthLevelCount[]>;
  /** Deliveries by status (pending, sent, failed, cancelled: all present). */
  deliveryStatusCounts(): Promise<Record<string, number>>;
  /** The newest cycle run of each kind. */
  lastRuns(): Promise<RunLine[]>;
  /** Periods with stored branch reports, newest first. */
  reportPeriods(): Promise<string[]>;
  /** A version of a period's stored branch reports (count and last generation): the ranking cache key. */
  reportsVersion(period: string): Promise<string>;
  /** The data (JSON text) of every stored branch report of a period. */
  branchReportsData(period: string): Promise<string[]>;
  /** Stored reports of one org, newest period first. */
  reportsOf(org: string): Promise<ReportLine[]>;
  /** The last `limit` meetings of a branch, newest first. */
  recentMeetingsOf(org: string, limit: number): Promise<MeetingLine[]>;
  /** Alerts of one org (any state), newest first. */
  alertsOfOrg(org: string, limit: number): Promise<AlertListRow[]>;
  /** Alerts by id (any state), by org then id. */
  alertsByIds(ids: readonly number[]): Promise<AlertListRow[]>;
  /** Deliveries that carried an alert, oldest first. */
  deliveriesOfAlert(alertId: number): Promise<DeliveryLine[]>;
  /** The last `limit` deliveries that carried alerts of a branch, newest first. */
  deliveriesOfOrg(org: string, limit: number): Promise<DeliveryLine[]>;
  /** Attempts of deliveries, by delivery then attempt. */
  attemptsOf(deliveryIds: readonly number[]): Promise<AttemptLine[]>;
  /** Every pending delivery (digests and report mail) with what it carries, earliest first. */
  pendingSends(): Promise<PendingSend[]>;
}

// ---------------------------------------------------------------- incremental evaluation

/**
 * Live 大比武 figures: one row per branch for the current period, written by the full evaluate
 * tick (every branch, then `prune`) and by re-evaluation (the touched branches only).
 */
export interface LiveRepo {
  /** Upsert these branches' figures and delete the rows of `remove` (codes), in one transaction. */
  write(rows: readonly LiveFigureRow[], remove?: readonly string[]): Promise<void>;
  /** After a full pass as of `asOf`: delete rows of another period or computed before `asOf`; returns how many. */
  prune(period: string, asOf: number): Promise<number>;
  /** Every row with its org's name, committee and domain (orgs not removed), ordered by org code. */
  list(): Promise<LiveBoardRow[]>;
  /** The same rows a page at a time: at most `limit` rows whose org code comes after `after` (binary order; '' = from the first). */
  listPage(after: string, limit: number): Promise<LiveBoardRow[]>;
  /** Changes with every write (count and last write): the board's cache key. */
  version(): Promise<string>;
}

/**
 * Durable re-evaluation requests: an import session's commit writes one (its touched org codes) in
 * the import's transaction; runners claim them with a lease (compare-and-set: two runners never hold
 * the same request), re-evaluate, then delete them with `done`. A claim not done by its lease's end
 * (the runner died) is claimable again.
 */
export interface ReevaluationsRepo {
  /** Write a request (outside an import: tools, tests). */
  request(orgs: readonly string[], now: number): Promise<void>;
  /** Claim up to `limit` claimable requests (oldest first) until now + leaseMs; null when none. */
  claim(c: { owner: string; now: number; leaseMs: number; limit?: number }): Promise<ReevaluationClaim | null>;
  /** Delete the requests of a claim still held by `owner`; returns how many. */
  done(owner: string, ids: readonly number[]): Promise<number>;
  /** How many requests are claimable at `now` (unclaimed, or their claim expired). */
  pending(now: number): Promise<number>;
}

// ---------------------------------------------------------------- secretaries' leave (请假)

export interface LeavesRepo {
  /** Record a leave; returns it with its id. */
  add(l: Pick<SecretaryLeave, 'org' | 'startsOn' | 'endsOn' | 'reason' | 'createdBy'>, now: number): Promise<SecretaryLeave>;
  /** Leaves, newest first: not ended early whose last day is on or after `since` by default; `all` for every one; `org` for one branch. */
  list(opts?: { org?: string; all?: boolean; since?: string }): Promise<SecretaryLeave[]>;
  /** One leave by id (ended ones too), or undefined. */
  get(id: number): Promise<SecretaryLeave | undefined>;
  /** End a leave early (kept); 'unknown' or 'ended' when it cannot be. */
  end(id: number, by: string, now: number): Promise<SecretaryLeave | 'unknown' | 'ended'>;
}
