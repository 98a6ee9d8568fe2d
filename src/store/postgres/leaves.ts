/** Secretaries' leave (请假) on PostgreSQL (mirror of the SQLite module). */
import type { SecretaryLeave } from '../../domain/exemptions.js';
import { one, rows, type Q } from './q.js';

const COLUMNS = `id, org, starts_on AS "startsOn", ends_on AS "endsOn", reason, created_by AS "createdBy", created_at AS "createdAt", ended_at AS "endedAt", ended_by AS "endedBy"`;

const fix = (l: SecretaryLeave): SecretaryLeave => ({ ...l, createdAt: Number(l.createdAt), endedAt: l.endedAt === null ? null : Number(l.endedAt) });

export async function addLeave(q: Q, l: Pick<SecretaryLeave, 'org' | 'startsOn' | 'endsOn' | 'reason' | 'createdBy'>, now: number): Promise<SecretaryLeave> {
  const r = await one<SecretaryLeave>(q, `INSERT INTO secretary_leaves (org, starts_on, ends_on, reason, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${COLUMNS}`, [
    l.org, l.startsOn, l.endsOn, l.reason, l.createdBy, now,
  ]);
  return fix(r!);
}

export async function listLeaves(q: Q, opts: { org?: string; all?: boolean; since?: string } = {}): Promise<SecretaryLeave[]> {
  const r = await rows<SecretaryLeave>(
    q,
    `SELECT ${COLUMNS} FROM secretary_leaves
      WHERE ($1::text IS NULL OR org = $1) AND ($2::boolean OR (ended_at IS NULL AND ($3::text IS NULL OR ends_on >= $3)))
      ORDER BY id DESC`,
    [opts.org ?? null, opts.all ?? false, opts.since ?? null],
  );
  return r.map(fix);
}

export async function getLeave(q: Q, id: number): Promise<SecretaryLeave | undefined> {
  const r = await one<SecretaryLeave>(q, `SELECT ${COLUMNS} FROM secretary_leaves WHERE id = $1`, [id]);
  return r ? fix(r) : undefined;
}

export async function endLeave(q: Q, id: number, by: string, now: number): Promise<SecretaryLeave | 'unknown' | 'ended'> {
  const r = await one<SecretaryLeave>(q, `UPDATE secretary_leaves SET ended_at = $1, ended_by = $2 WHERE id = $3 AND ended_at IS NULL RETURNING ${COLUMNS}`, [now, by, id]);
  if (r) return fix(r);
  return (await one(q, 'SELECT id FROM secretary_leaves WHERE id = $1', [id])) ? 'ended' : 'unknown';
}
