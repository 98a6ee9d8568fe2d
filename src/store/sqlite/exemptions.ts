/** Exemptions (豁免): add, read, end early (rows are kept: the audit trail). */
import type { Exemption, NewExemption } from '../../domain/exemptions.js';
import { prepared } from './alerts.js';
import type { Db } from './db.js';

const COLUMNS = `id, org, rule, starts_on AS startsOn, ends_on AS endsOn, reason, approver, created_by AS createdBy,
  created_at AS createdAt, ended_at AS endedAt, ended_by AS endedBy, end_note AS endNote`;

export function addExemption(db: Db, e: NewExemption, now: number): Exemption {
  const r = prepared(
    db,
    `INSERT INTO exemptions (org, rule, starts_on, ends_on, reason, approver, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING ${COLUMNS}`,
  ).get(e.org, e.rule, e.startsOn, e.endsOn, e.reason, e.approver, e.createdBy, now) as Exemption;
  return r;
}

export function getExemption(db: Db, id: number): Exemption | undefined {
  return prepared(db, `SELECT ${COLUMNS} FROM exemptions WHERE id = ?`).get(id) as Exemption | undefined;
}

export function listExemptions(db: Db, opts: { org?: string; all?: boolean; since?: string } = {}): Exemption[] {
  return prepared(
    db,
    `SELECT ${COLUMNS} FROM exemptions
      WHERE (@org IS NULL OR org = @org) AND (@all = 1 OR (ended_at IS NULL AND (@since IS NULL OR ends_on >= @since)))
      ORDER BY id DESC`,
  ).all({ org: opts.org ?? null, all: opts.all ? 1 : 0, since: opts.since ?? null }) as Exemption[];
}

export function endExemption(db: Db, id: number, by: string, note: string | null, now: number): Exemption | 'unknown' | 'ended' {
  const r = prepared(db, `UPDATE exemptions SET ended_at = ?, ended_by = ?, end_note = ? WHERE id = ? AND ended_at IS NULL RETURNING ${COLUMNS}`).get(now, by, note, id) as
    | Exemption
    | undefined;
  if (r) return r;
  return getExemption(db, id) ? 'ended' : 'unknown';
}
