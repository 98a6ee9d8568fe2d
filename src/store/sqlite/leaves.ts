/** Secretaries' leave (请假): add, list, end early (rows are kept). */
import type { SecretaryLeave } from '../../domain/exemptions.js';
import { prepared } from './alerts.js';
import type { Db } from './db.js';

const COLUMNS = `id, org, starts_on AS startsOn, ends_on AS endsOn, reason, created_by AS createdBy, created_at AS createdAt, ended_at AS endedAt, ended_by AS endedBy`;

export function addLeave(db: Db, l: Pick<SecretaryLeave, 'org' | 'startsOn' | 'endsOn' | 'reason' | 'createdBy'>, now: number): SecretaryLeave {
  return prepared(db, `INSERT INTO secretary_leaves (org, starts_on, ends_on, reason, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING ${COLUMNS}`).get(
    l.org, l.startsOn, l.endsOn, l.reason, l.createdBy, now,
  ) as SecretaryLeave;
}

export function listLeaves(db: Db, opts: { org?: string; all?: boolean; since?: string } = {}): SecretaryLeave[] {
  return prepared(
    db,
    `SELECT ${COLUMNS} FROM secretary_leaves
      WHERE (@org IS NULL OR org = @org) AND (@all = 1 OR (ended_at IS NULL AND (@since IS NULL OR ends_on >= @since)))
      ORDER BY id DESC`,
  ).all({ org: opts.org ?? null, all: opts.all ? 1 : 0, since: opts.since ?? null }) as SecretaryLeave[];
}

export function getLeave(db: Db, id: number): SecretaryLeave | undefined {
  return prepared(db, `SELECT ${COLUMNS} FROM secretary_leaves WHERE id = ?`).get(id) as SecretaryLeave | undefined;
}

export function endLeave(db: Db, id: number, by: string, now: number): SecretaryLeave | 'unknown' | 'ended' {
  const r = prepared(db, `UPDATE secretary_leaves SET ended_at = ?, ended_by = ? WHERE id = ? AND ended_at IS NULL RETURNING ${COLUMNS}`).get(now, by, id) as SecretaryLeave | undefined;
  if (r) return r;
  return prepared(db, 'SELECT id FROM secretary_leaves WHERE id = ?').get(id) ? 'ended' : 'unknown';
}
