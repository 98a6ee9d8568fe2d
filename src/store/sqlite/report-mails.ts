/**
 * Report mail in the one delivery log: stored reports not yet planned (their outbox marker is
 * reports.mail_planned_at), writing their deliveries and marking them planned (call inside the
 * transaction that stores the reports), a report delivery as the worker sends it, and where a
 * report's mail stands (derived from its deliveries).
 */
import type { Contacts } from '../../domain/digest.js';
import type { LogicalChannel } from '../../domain/channels.js';
import type { ReportData, ReportDeliveryRecord, ReportMailState, ReportSend, ReportToPlan } from '../types/deliveries.js';

type BranchReport = ReportData;
type CommitteeSummary = ReportData;
import { prepared } from './alerts.js';
import type { Db } from './db.js';
import type { DeliveryStatus } from '../types/deliveries.js';

/** Stored reports of a period whose deliveries are not planned yet (branch reports first). */
export function unplannedReports(db: Db, period: string): ReportToPlan[] {
  return prepared(db, `SELECT id, org, kind FROM reports WHERE period = ? AND mail_planned_at IS NULL ORDER BY kind, id`).all(period) as ReportToPlan[];
}

/**
 * Write report deliveries (a dedup key that exists is left alone: never a second one) and mark
 * the reports planned with their note. Returns how many deliveries were created. Call inside the
 * caller's transaction.
 */
export function writeReportPlan(
  db: Db,
  sends: readonly ReportSend[],
  notes: ReadonlyMap<number, string>,
  notBefore: number,
  sendDay: string,
  now: number,
): number {
  const ins = prepared(
    db,
    `INSERT INTO deliveries (dedup_key, report_id, route, contacts, channel, logical, recipient, status, not_before, send_day, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?) ON CONFLICT (dedup_key) DO NOTHING`,
  );
  const planned = prepared(db, 'UPDATE reports SET mail_planned_at = ?, mail_note = ? WHERE id = ? AND mail_planned_at IS NULL');
  let created = 0;
  for (const s of sends) {
    created += ins.run(s.dedupKey, s.reportId, JSON.stringify(s.route), JSON.stringify(s.contacts), s.channel, s.logical, s.recipient, notBefore, sendDay, now).changes;
  }
  for (const [id, note] of notes) planned.run(now, note, id);
  return created;
}

/** One report delivery with its report, or undefined (no such delivery, or an alert delivery). */
export function reportDeliveryRecord(db: Db, id: number): ReportDeliveryRecord | undefined {
  const r = prepared(
    db,
    `SELECT d.id, d.report_id AS reportId, d.channel, d.logical, d.recipient, d.status, d.not_before AS notBefore, d.route, d.contacts, r.data
       FROM deliveries d LEFT JOIN reports r ON r.id = d.report_id
      WHERE d.id = ? AND d.report_id IS NOT NULL`,
  ).get(id) as
    | (Omit<ReportDeliveryRecord, 'route' | 'contacts' | 'report'> & { route: string | null; contacts: string | null; data: string | null })
    | undefined;
  if (!r) return undefined;
  const { data, route, contacts, ...rest } = r;
  return {
    ...rest,
    route: route ? (JSON.parse(route) as LogicalChannel[]) : [r.logical],
    contacts: contacts ? (JSON.parse(contacts) as Contacts) : { phone: null, email: null, robot: null },
    report: data ? (JSON.parse(data) as BranchReport | CommitteeSummary) : null,
  };
}

/** The mail state of a stored report, or undefined if no such report is stored. */
export function reportMailState(db: Db, org: string, period: string, kind: 'branch' | 'committee'): ReportMailState | undefined {
  const report = prepared(db, 'SELECT id, mail_planned_at AS plannedAt, mail_note AS note FROM reports WHERE org = ? AND period = ? AND kind = ?').get(org, period, kind) as
    | { id: number; plannedAt: number | null; note: string | null }
    | undefined;
  if (!report) return undefined;
  const ds = prepared(db, 'SELECT status, recipient FROM deliveries WHERE report_id = ? ORDER BY id').all(report.id) as { status: DeliveryStatus; recipient: string }[];
  const sent = ds.filter((d) => d.status === 'sent');
  const status: ReportMailState['status'] =
    report.plannedAt === null ? 'unplanned' : !ds.length ? 'skipped' : ds.some((d) => d.status === 'pending') ? 'pending' : sent.length ? 'sent' : 'failed';
  return { status, plannedAt: report.plannedAt, note: report.note, sentTo: sent.map((d) => d.recipient), deliveries: ds.length };
}
