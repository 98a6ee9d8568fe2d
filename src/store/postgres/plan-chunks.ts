/** PostgreSQL counterparts of the outbox chunking (src/store/plan-chunks.ts): counts per committee, one chunk's rows. */
import type { DigestItem } from '../../domain/digest.js';
import type { OutboxEntry } from '../types/deliveries.js';
import { one, rows, type Q } from './q.js';

/**
 * The unplanned outbox rows (event and alert ids, ascending by event id) with their alert's org and
 * that org's committee ('' for none): each row's alert and org looked up by key (OFFSET 0 keeps each
 * lateral from being flattened), so the work follows the unplanned rows, never the history. Joined
 * plainly, a planner without statistics (autovacuum off, a cycle's own inserts) hash-joined every
 * event of the history for each chunk of a plan, and sorted the wide rows on disk (work_mem).
 */
const UNPLANNED_WITH_COMMITTEE = `SELECT o.event_id, o.alert_id, a.org, a.rule, a.period, a.due_at, a.message, a.state, coalesce(g.parent, '') AS committee
       FROM (SELECT event_id, alert_id FROM alert_outbox WHERE planned_at IS NULL ORDER BY event_id OFFSET 0) o
       CROSS JOIN LATERAL (SELECT x.org, x.rule, x.period, x.due_at, x.message, x.state FROM alerts x WHERE x.id = o.alert_id OFFSET 0) a
       LEFT JOIN LATERAL (SELECT y.parent FROM orgs y WHERE y.code = a.org OFFSET 0) g ON true`;

export async function unplannedByCommittee(q: Q): Promise<{ committee: string; rows: number }[]> {
  return rows<{ committee: string; rows: number }>(
    q,
    `SELECT u.committee, count(*)::int AS rows FROM (${UNPLANNED_WITH_COMMITTEE}) u
      GROUP BY 1 ORDER BY u.committee COLLATE "C"`,
  );
}

/** The unplanned outbox rows with their events (read by key too), filtered by `where` (on `u`), by event id. */
const unplannedEntriesSql = (where: string) => `SELECT u.event_id AS "eventId", u.alert_id AS "alertId", e.kind, e.reason, e.level, e.detail,
              u.org, u.rule, u.period, u.due_at AS "dueAt", u.message, u.state AS "alertState"
         FROM (${UNPLANNED_WITH_COMMITTEE}) u
         CROSS JOIN LATERAL (SELECT z.kind, z.reason, z.level, z.detail FROM alert_events z WHERE z.id = u.event_id OFFSET 0) e
        ${where}
        ORDER BY u.event_id`;

/** The unplanned outbox rows of the branches under `committees` (''= none), by event id. */
export async function unplannedOutboxUnder(q: Q, committees: readonly string[]): Promise<OutboxEntry[]> {
  return outboxEntries(await rows<OutboxRow>(q, unplannedEntriesSql('WHERE u.committee = ANY($1::text[])'), [committees]));
}

/** Every unplanned outbox row, by event id (as unplannedOutboxUnder, for every committee). */
export async function unplannedOutboxAll(q: Q): Promise<OutboxEntry[]> {
  return outboxEntries(await rows<OutboxRow>(q, unplannedEntriesSql('')));
}

type OutboxRow = Omit<DigestItem, 'repeat'> & { detail: string | null; alertState: OutboxEntry['alertState'] };

function outboxEntries(r: OutboxRow[]): OutboxEntry[] {
  return r.map(({ detail, alertState, ...x }) => {
    const d = detail ? (JSON.parse(detail) as { repeat?: number }) : null;
    return { alertState, item: d?.repeat ? { ...x, repeat: d.repeat } : x };
  });
}

/**
 * A cheap "has the database changed?" token: the sum of the tables' insert/update/delete counters
 * (pg_stat_xact_* of this transaction plus pg_stat_user_tables of committed ones); equal tokens mean
 * no row changed in between, as far as the statistics collector has seen.
 */
export async function dataVersion(q: Q): Promise<string> {
  const r = await one<{ v: string }>(
    q,
    `SELECT (coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0))::text AS v FROM pg_stat_user_tables`,
  );
  return `pg:${r!.v}`;
}
