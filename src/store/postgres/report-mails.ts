/**
 * PostgreSQL queries of report mail in the one delivery log (mirror of the SQLite module).
 */
import type { Contacts } from '../../alerts/plan.js';
import type { ReportSend, ReportToPlan } from '../../reports/mail.js';
import type { BranchReport, CommitteeSummary } from '../../reports/types.js';
import type { LogicalChannel } from '../../notifiers/types.js';
import type { DeliveryStatus, ReportDeliveryRecord, ReportMailState } from '../types/deliveries.js';
import { changes, one, rows, type Q } from './q.js';

export async function unplannedReports(q: Q, period: string): Promise<ReportToPlan[]> {
  return rows<ReportToPlan>(q, 'SELECT id, org, kind FROM reports WHERE period = $1 AND mail_planned_at IS NULL ORDER BY kind, id', [period]);
}

/** Write report deliveries (dedup key: never a second one) and mark the reports planned. Batched. */
export async function writeReportPlan(
  q: Q,
  sends: readonly ReportSend[],
  notes: ReadonlyMap<number, string>,
  notBefore: number,
  sendDay: string,
  now: number,
): Promise<number> {
  let created = 0;
  for (let i = 0; i < sends.length; i += 5000) {
    const c = sends.slice(i, i + 5000);
    created += await changes(
      q,
      `INSERT INTO deliveries (dedup_key, report_id, route, contacts, channel, logical, recipient, status, not_before, send_day, created_at)
       SELECT k, r, ro, co, ch, l, re, 'pending', $8, $9, $10
         FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[]) AS t(k, r, ro, co, ch, l, re)
       ON CONFLICT (dedup_key) DO NOTHING`,
      [
        c.map((s) => s.dedupKey),
        c.map((s) => s.reportId),
        c.map((s) => JSON.stringify(s.route)),
        c.map((s) => JSON.stringify(s.contacts)),
        c.map((s) => s.channel),
        c.map((s) => s.logical),
        c.map((s) => s.recipient),
        notBefore,
        sendDay,
        now,
      ],
    );
  }
  if (notes.size) {
    await q.query(
      `UPDATE reports r SET mail_planned_at = $3, mail_note = t.note FROM unnest($1::int[], $2::text[]) AS t(id, note)
        WHERE r.id = t.id AND r.mail_planned_at IS NULL`,
      [[...notes.keys()], [...notes.values()], now],
    );
  }
  return created;
}

export async function reportDeliveryRecord(q: Q, id: number): Promise<ReportDeliveryRecord | undefined> {
  const r = await one<Omit<ReportDeliveryRecord, 'route' | 'contacts' | 'report'> & { route: string | null; contacts: string | null; data: string | null }>(
    q,
    `SELECT d.id, d.report_id AS "reportId", d.channel, d.logical, d.recipient, d.status, d.not_before AS "notBefore", d.route, d.contacts, r.data
       FROM deliveries d LEFT JOIN reports r ON r.id = d.report_id
      WHERE d.id = $1 AND d.report_id IS NOT NULL`,
    [id],
  );
  if (!r) return undefined;
  const { data, route, contacts, ...rest } = r;
  return {
    ...rest,
    route: route ? (JSON.parse(route) as LogicalChannel[]) : [r.logical],
    contacts: contacts ? (JSON.parse(contacts) as Contacts) : { phone: null, email: null, robot: null },
    report: data ? (JSON.parse(data) as BranchReport | CommitteeSummary) : null,
  };
}

export async function reportMailState(q: Q, org: string, period: string, kind: 'branch' | 'committee'): Promise<ReportMailState | undefined> {
  const report = await one<{ id: number; plannedAt: number | null; note: string | null }>(
    q,
    'SELECT id, mail_planned_at AS "plannedAt", mail_note AS note FROM reports WHERE org = $1 AND period = $2 AND kind = $3',
    [org, period, kind],
  );
  if (!report) return undefined;
  const ds = await rows<{ status: DeliveryStatus; recipient: string }>(q, 'SELECT status, recipient FROM deliveries WHERE report_id = $1 ORDER BY id', [report.id]);
  const sent = ds.filter((d) => d.status === 'sent');
  const status: ReportMailState['status'] =
    report.plannedAt === null ? 'unplanned' : !ds.length ? 'skipped' : ds.some((d) => d.status === 'pending') ? 'pending' : sent.length ? 'sent' : 'failed';
  return { status, plannedAt: report.plannedAt, note: report.note, sentTo: sent.map((d) => d.recipient), deliveries: ds.length };
}
