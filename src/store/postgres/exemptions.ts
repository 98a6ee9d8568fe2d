/** Exemptions (豁免) on PostgreSQL (mirror of the SQLite module). */
import type { Exemption, NewExemption } from '../../domain/exemptions.js';
import { one, rows, type Q } from './q.js';

const COLUMNS = `id, org, rule, starts_on AS "startsOn", ends_on AS "endsOn", reason, approver, created_by AS "createdBy",
  created_at AS "createdAt", ended_at AS "endedAt", ended_by AS "endedBy", end_note AS "endNote"`;

function fix(e: Exemption): Exemption {
  return { ...e, createdAt: Number(e.createdAt), endedAt: e.endedAt === null ? null : Number(e.endedAt) };
}

export async function addExemption(q: Q, e: NewExemption, now: number): Promise<Exemption> {
  const r = await one<Exemption>(
    q,
    `INSERT INTO exemptions (org, rule, starts_on, ends_on, reason, approver, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${COLUMNS}`,
    [e.org, e.rule, e.startsOn, e.endsOn, e.reason, e.approver, e.createdBy, now],
  );
  return fix(r!);
}

export async function getExemption(q: Q, id: number): Promise<Exemption | undefined> {
  const r = await one<Exemption>(q, `SELECT ${COLUMNS} FROM exemptions WHERE id = $1`, [id]);
  return r && fix(r);
}

export async function listExemptions(q: Q, opts: { org?: string; all?: boolean; since?: string } = {}): Promise<Exemption[]> {
  const r = await rows<Exemption>(
    q,
    `SELECT ${COLUMNS} FROM exemptions
      WHERE ($1::text IS NULL OR org = $1) AND ($2::boolean OR (ended_at IS NULL AND ($3::text IS NULL OR ends_on >= $3)))
      ORDER BY id DESC`,
    [opts.org ?? null, opts.all ?? false, opts.since ?? null],
  );
  return r.map(fix);
}

export async function endExemption(q: Q, id: number, by: string, note: string | null, now: number): Promise<Exemption | 'unknown' | 'ended'> {
  const r = await one<Exemption>(q, `UPDATE exemptions SET ended_at = $1, ended_by = $2, end_note = $3 WHERE id = $4 AND ended_at IS NULL RETURNING ${COLUMNS}`, [now, by, note, id]);
  if (r) return fix(r);
  return (await getExemption(q, id)) ? 'ended' : 'unknown';
}
