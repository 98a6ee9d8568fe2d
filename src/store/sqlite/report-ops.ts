/**
 * The report transactions of the port on SQLite: storing reports with their rectification items,
 * and the generation claim `storeAndPlan` (the IMMEDIATE transaction is the "reports:<period>"
 * lock: a replica that stored the period meanwhile is seen here, and wins; a report stored before
 * — `orglife report --save --org X` — stays, the others are added).
 */
import type { OrgContacts } from '../../domain/digest.js';
import type { ReportPlanLoad } from '../port.js';
import type { ReportSend, ReportToPlan } from '../types/deliveries.js';
import type { NewRectification, StoredReportInput } from '../types/reports.js';
import { inTransaction, prepared } from './alerts.js';
import type { Db } from './db.js';
import { orgContacts, smsCountsOn } from './deliveries.js';
import { unplannedReports, writeReportPlan } from './report-mails.js';
import { missingReports } from '../rows/missing-reports.js';

/** Store reports (the mail marker of an existing (org, period, kind) stays) and create their rectification items; returns items created. */
export function storeReportRows(db: Db, reports: readonly StoredReportInput[], items: readonly NewRectification[], now: number): number {
  const upsert = prepared(
    db,
    `INSERT INTO reports (org, period, kind, generated_at, score, grade, stars, rank, committee_rank, data)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (org, period, kind) DO UPDATE SET generated_at = excluded.generated_at, score = excluded.score,
       grade = excluded.grade, stars = excluded.stars, rank = excluded.rank, committee_rank = excluded.committee_rank,
       data = excluded.data`,
  );
  const insert = prepared(
    db,
    `INSERT INTO rectification_items (org, rule, problem_period, report_period, title, created_at, due_at)
     VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (org, rule, problem_period) DO NOTHING`,
  );
  return inTransaction(db, () => {
    for (const r of reports) upsert.run(r.org, r.period, r.kind, now, r.score, r.grade, r.stars, r.rank, r.committeeRank, JSON.stringify(r.data));
    let created = 0;
    for (const i of items) created += insert.run(i.org, i.rule, i.problemPeriod, i.reportPeriod, i.title, now, i.dueAt).changes;
    return created;
  });
}

export function storeAndPlanTx<R>(
  db: Db,
  input: {
    period: string;
    built: { reports: StoredReportInput[]; rectifications: NewRectification[] } | null;
    sendDay: string;
    notBefore: number;
    now: number;
    phonesOf(todo: readonly ReportToPlan[], contacts: ReadonlyMap<string, OrgContacts>): string[];
  },
  decide: (load: ReportPlanLoad) => { sends: ReportSend[]; notes: ReadonlyMap<number, string>; result: R },
): { result: R; stored: boolean; storedReports: { branch: number; committee: number }; rectificationItems: number; deliveries: number } {
  return inTransaction(db, () => {
    const existing = input.built
      ? (prepared(db, 'SELECT org, kind FROM reports WHERE period = ?').all(input.period) as { org: string; kind: 'branch' | 'committee' }[])
      : [];
    const add = input.built ? missingReports(input.built, existing) : null;
    const stored = !!add && add.reports.length > 0;
    const rectificationItems = stored ? storeReportRows(db, add.reports, add.rectifications, input.now) : 0;
    const todo = unplannedReports(db, input.period);
    const contacts = orgContacts(db, todo.map((r) => r.org));
    const phones = input.phonesOf(todo, contacts);
    const smsCounts = phones.length ? smsCountsOn(db, phones, input.sendDay) : new Map<string, number>();
    const { sends, notes, result } = decide({ todo, contacts, smsCounts });
    const deliveries = writeReportPlan(db, sends, notes, input.notBefore, input.sendDay, input.now);
    return { result, stored, storedReports: add?.counts ?? { branch: 0, committee: 0 }, rectificationItems, deliveries };
  });
}
