/**
 * The console's alert list (console.alertPage) picks a page's ids from an index first and reads and
 * names only those rows: every page, with and without filters and scope, is the matching alerts
 * newest first, contiguous with the next page, with the right total; and EXPLAIN of the adapter's
 * own statement shows the ids come from an index and orgs is looked up for the page's rows only,
 * not for every skipped row. Runs on the store tempStore() gives (SQLite, or PostgreSQL with
 * ORGLIFE_TEST_STORE=postgres).
 */
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { Org, RuleId } from '../../src/domain/types.js';
import { alertPageSql as pgSql } from '../../src/store/postgres/console-reads.js';
import { alertPageSql as sqliteSql } from '../../src/store/sqlite/console-reads.js';
import type { AlertRow } from '../../src/store/types/alerts.js';
import type { AlertFilter } from '../../src/store/types/console.js';
import { tempStore, type TempStore } from '../helpers/store.js';

const NOW = Date.UTC(2026, 10, 20, 2, 0);
const BRANCHES = 600;
const PER_BRANCH = 5;
const STATES = ['open', 'resolved', 'open', 'acknowledged', 'resolved'] as const;
const LEVELS = ['reminder', 'warning', 'escalation'] as const;
const RULES = ['committee-monthly', 'group-monthly', 'theme-day-monthly', 'assembly-quarterly', 'lecture-quarterly'] as const satisfies readonly RuleId[];

const committeeOf = (b: number) => `C${(b % 3) + 1}`;

function org(code: string, parent: string | null, kind: Org['kind']): Org {
  return {
    code, name: `组织${code}`, kind, parent, domain: kind === 'branch' ? 'organ' : null, members: 10, groups: 0,
    secretary: '张三', secretaryPhone: '13800000001', secretaryEmail: null, clerk: null, clerkPhone: null, clerkEmail: null,
    electedOn: null, termYears: null, establishedOn: '2000-01-01',
  };
}

let t: TempStore;
beforeEach(async () => {
  t = await tempStore();
  const orgs = [org('C0', null, 'committee'), ...[1, 2, 3].map((c) => org(`C${c}`, 'C0', 'committee')), ...Array.from({ length: BRANCHES }, (_, b) => org(`B${b}`, committeeOf(b), 'branch'))];
  const s = await t.store.imports.begin();
  await s.beginFile('orgs');
  await s.upsert('orgs', orgs, orgs.map((_, i) => i + 2), NOW);
  await s.commit();
  const inserts = Array.from({ length: BRANCHES * PER_BRANCH }, (_, i) => {
    const row: Omit<AlertRow, 'id'> = {
      org: `B${i % BRANCHES}`, rule: RULES[Math.floor(i / BRANCHES)]!, period: '2026-11', subject: '', state: STATES[i % 5]!, level: LEVELS[i % 3]!, ruleLevel: 'reminder',
      dueAt: NOW, message: '请按时召开'.repeat(20), openedAt: NOW, updatedAt: NOW, resolvedAt: null, lastNotifiedAt: null, notifications: 0, repeats: 0,
      ackPlan: null, ackBy: null, ackDeadline: null, ackWho: null, ackAt: null,
    };
    return { row, event: { kind: 'opened' as const, level: row.level, fromLevel: null, reason: 'new' as const }, notify: false };
  });
  await t.store.alerts.reconcile({ orgs: null, identities: [], now: NOW }, () => ({ changes: { inserts, updates: [] }, result: null }));
}, 60_000);
afterEach(async () => t.cleanup());

it('pages every filter and scope newest first, contiguous, with the right total', async () => {
  const scope = Array.from({ length: BRANCHES }, (_, b) => b).filter((b) => committeeOf(b) === 'C2').map((b) => `B${b}`);
  const cases: [AlertFilter, string[] | null, (i: number) => boolean][] = [
    [{}, null, (i) => STATES[i % 5] !== 'resolved'],
    [{ state: 'all' }, null, () => true],
    [{ state: 'resolved', committee: 'C1' }, null, (i) => STATES[i % 5] === 'resolved' && committeeOf(i % BRANCHES) === 'C1'],
    [{ level: 'escalation' }, scope, (i) => STATES[i % 5] !== 'resolved' && LEVELS[i % 3] === 'escalation' && committeeOf(i % BRANCHES) === 'C2'],
  ];
  for (const [f, orgs, matches] of cases) {
    const want = Array.from({ length: BRANCHES * PER_BRANCH }, (_, i) => i).filter(matches).length;
    const seen: number[] = [];
    for (let offset = 0; ; offset += 50) {
      const page = await t.store.console.alertPage(f, orgs, 50, offset);
      expect(page.total).toBe(want);
      if (!page.rows.length) break;
      for (const r of page.rows) {
        expect(r.orgName).toBe(`组织${r.org}`);
        expect(r.parent).toBe(committeeOf(Number(r.org.slice(1))));
        if (f.state === 'resolved') expect(r.state).toBe('resolved');
        if (f.level) expect(r.level).toBe(f.level);
      }
      seen.push(...page.rows.map((r) => r.id));
    }
    expect(seen).toHaveLength(want);
    expect(seen).toEqual([...seen].sort((a, b) => b - a)); // newest first, no page overlapping the next
    expect(new Set(seen).size).toBe(want);
  }
}, 60_000);

it('takes the page ids from an index and names only the page rows', async () => {
  const offset = 1000;
  if (t.store.kind === 'sqlite') {
    const db = new Database(t.spec, { readonly: true });
    try {
      const { page, params } = sqliteSql({}, null);
      const plan = (db.prepare(`EXPLAIN QUERY PLAN ${page}`).all({ ...params, limit: 50, offset }) as { id: number; parent: number; detail: string }[]);
      const text = plan.map((r) => r.detail).join('\n');
      // The ids from the (state, org) index, which holds the rowid; whole rows by primary key after.
      expect(text).toMatch(/SEARCH a USING COVERING INDEX alerts_state_org \(state=\?\)/);
      expect(text).toMatch(/SEARCH a USING INTEGER PRIMARY KEY \(rowid=\?\)/);
      // orgs is searched in the outer query (over the page), not inside the subquery that skips rows.
      const sub = plan.find((r) => /^(CO-ROUTINE|MATERIALIZE) p/.test(r.detail))!;
      expect(sub).toBeDefined();
      expect(plan.filter((r) => r.parent === sub.id).map((r) => r.detail).join('\n')).not.toMatch(/ o /);
    } finally {
      db.close();
    }
  } else {
    const c = new pg.Client({ connectionString: t.spec });
    await c.connect();
    try {
      await c.query('VACUUM ANALYZE alerts');
      await c.query('ANALYZE orgs');
      const { page, params } = pgSql({}, null, 50, offset);
      const [{ 'QUERY PLAN': [{ Plan: plan }] }] = (await c.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${page}`, params)).rows;
      type Node = { 'Node Type': string; 'Relation Name'?: string; 'Index Name'?: string; 'Actual Rows': number; 'Actual Loops': number; Plans?: Node[] };
      const all: Node[] = [];
      const walk = (n: Node) => (all.push(n), n.Plans?.forEach(walk));
      walk(plan as Node);
      // The Limit over the id pick sits on an index scan of alerts. (Fetching the 50 rows after may
      // hash them against a scan of this small table; at 47,000 alerts it reads them by alerts_pkey.)
      const limit = all.find((n) => n['Node Type'] === 'Limit' && n.Plans?.[0]?.['Relation Name'] === 'alerts')!;
      expect(limit.Plans![0]!['Index Name']).toMatch(/^alerts_(pkey|state_org)$/);
      expect(limit['Actual Rows']).toBe(50);
      // Whatever reads orgs is fed the page's 50 rows, not the 1,050 the offset walks through.
      const orgReaders = all.filter((n) => n.Plans?.some((k) => k['Relation Name'] === 'orgs' || k.Plans?.some((g) => g['Relation Name'] === 'orgs')));
      expect(orgReaders.length).toBeGreaterThan(0);
      for (const n of orgReaders) expect(n['Actual Rows'] * n['Actual Loops']).toBeLessThanOrEqual(50);
    } finally {
      await c.end();
    }
  }
});
