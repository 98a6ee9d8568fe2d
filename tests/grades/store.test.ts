/**
 * Colour grades end to end on the store tempStore() gives (SQLite or PostgreSQL): warning spans
 * from the alert history, the month's grades, and the real `orglife grades` command.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePeriod, shanghaiMidnight } from '../../src/domain/calendar.js';
import type { Org } from '../../src/domain/types.js';
import { monthGrades } from '../../src/grades/gather.js';
import { buildReports } from '../../src/reports/gather.js';
import { renderBranchHtml } from '../../src/reports/render/html.js';
import { renderCommitteeHtml } from '../../src/reports/render/committee-html.js';
import { renderCommitteeMarkdown } from '../../src/reports/render/markdown.js';
import type { Store } from '../../src/store/port.js';
import type { AlertRow } from '../../src/store/types/alerts.js';
import { shippedConfig } from '../helpers/config.js';
import { tempStore, type TempStore } from '../helpers/store.js';

const ROOT = join(import.meta.dirname, '../..');
const at = (y: number, m: number, d: number) => shanghaiMidnight(y, m, d) + 10 * 3600_000;
const NOW = at(2026, 11, 25);

function org(code: string, over: Partial<Org> = {}): Org {
  return {
    code, name: `${code}村党支部`, kind: 'branch', parent: 'C1', domain: 'rural', members: 10, groups: 0,
    secretary: '张三', secretaryPhone: '13800000001', secretaryEmail: null, clerk: null, clerkPhone: null, clerkEmail: null,
    electedOn: null, termYears: null, establishedOn: '2000-01-01', ...over,
  };
}

function alert(code: string, period: string, now: number): Omit<AlertRow, 'id'> {
  return {
    org: code, rule: 'committee-monthly', period, subject: '', state: 'open', level: 'warning', ruleLevel: 'warning', dueAt: now, message: '请按时召开支委会',
    openedAt: now, updatedAt: now, resolvedAt: null, lastNotifiedAt: now, notifications: 1, repeats: 0,
    ackPlan: null, ackBy: null, ackDeadline: null, ackWho: null, ackAt: null,
  };
}

/** Open a warning of `code` at `now` (one reconcile, as the lifecycle writes it). */
async function warn(store: Store, code: string, period: string, now: number): Promise<void> {
  await store.alerts.reconcile({ orgs: [code], identities: [], now }, () => ({
    changes: { inserts: [{ row: alert(code, period, now), event: { kind: 'opened', level: 'warning', fromLevel: null, reason: 'new' }, notify: false }], updates: [] },
    result: null,
  }));
}

async function resolve(store: Store, code: string, now: number): Promise<void> {
  await store.alerts.reconcile({ orgs: [code], identities: [], now }, ({ open }) => ({
    changes: { inserts: [], updates: open.map((a) => ({ id: a.id, patch: { state: 'resolved' as const, resolvedAt: now }, event: { kind: 'resolved' as const, level: a.level, fromLevel: a.level, reason: 'met-on-time' as const }, notify: false })) },
    result: null,
  }));
}

function run(args: string[], spec: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [join(ROOT, 'bin/orglife.js'), ...args], { cwd: ROOT, env: { ...process.env, ORGLIFE_DB: spec, ORGLIFE_CONFIG: join(ROOT, 'config') }, timeout: 60_000 }, (err, stdout, stderr) =>
      done({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('colour grades on the store', () => {
  let t: TempStore;
  beforeAll(async () => {
    t = await tempStore();
    const s = await t.store.imports.begin();
    await s.beginFile('orgs');
    await s.upsert('orgs', [org('C1', { kind: 'committee', parent: null, domain: null, name: '岭阳镇党委' }), org('B1'), org('B2'), org('B3'), org('B4')], [2, 3, 4, 5, 6], NOW);
    await s.commit();
    await warn(t.store, 'B1', '2026-07', at(2026, 8, 3)); // standing August → November: red 2 months → 约谈
    await warn(t.store, 'B2', '2026-10', at(2026, 11, 4)); // this month only: yellow
    await warn(t.store, 'B3', '2026-08', at(2026, 9, 4));
    await resolve(t.store, 'B3', at(2026, 10, 20)); // resolved in October: green in November
    // B4: a reminder only (never a warning): green.
    await t.store.alerts.reconcile({ orgs: ['B4'], identities: [], now: at(2026, 11, 2) }, () => ({
      changes: { inserts: [{ row: { ...alert('B4', '2026-11', at(2026, 11, 2)), level: 'reminder' }, event: { kind: 'opened', level: 'reminder', fromLevel: null, reason: 'new' }, notify: false }], updates: [] },
      result: null,
    }));
  });
  afterAll(async () => t.cleanup());

  it('reads warning spans: from the first warning to the resolution, only those overlapping the range', async () => {
    const spans = await t.store.alerts.warningSpans(shanghaiMidnight(2026, 7, 1), NOW);
    expect(spans.get('B1')).toEqual([{ rule: 'committee-monthly', period: '2026-07', from: at(2026, 8, 3), to: null }]);
    expect(spans.get('B3')).toEqual([{ rule: 'committee-monthly', period: '2026-08', from: at(2026, 9, 4), to: at(2026, 10, 20) }]);
    expect(spans.has('B4')).toBe(false);
    const later = await t.store.alerts.warningSpans(shanghaiMidnight(2026, 11, 1), NOW);
    expect([...later.keys()].sort()).toEqual(['B1', 'B2']);
    expect((await t.store.alerts.warningSpans(0, at(2026, 8, 3))).has('B1')).toBe(false); // until is exclusive
  });

  it("grades the month's branches per committee", async () => {
    const g = await monthGrades(t.store, shippedConfig(), parsePeriod('2026-11')!, NOW);
    expect(g.counts).toEqual({ red: 1, yellow: 1, green: 2 });
    expect(g.branches.map((b) => [b.code, b.colour, b.warningMonths, b.redMonths])).toEqual([
      ['B1', 'red', 4, 2],
      ['B2', 'yellow', 1, 0],
      ['B3', 'green', 0, 0],
      ['B4', 'green', 0, 0],
    ]);
    expect(g.committees).toHaveLength(1);
    expect(g.committees[0]).toMatchObject({ code: 'C1', name: '岭阳镇党委' });
    expect(g.committees[0]!.consequences.map((b) => [b.code, b.consequence])).toEqual([['B1', '乡镇（街道）党委书记约谈支部书记']]);
    // October: B3 still stood (resolved on the 20th).
    const oct = await monthGrades(t.store, shippedConfig(), parsePeriod('2026-10')!, NOW);
    expect(oct.branches.find((b) => b.code === 'B3')).toMatchObject({ colour: 'yellow', warningMonths: 2 });
  });

  it('reports carry the colour of the period\'s last month; committee summaries the counts and consequences', async () => {
    const built = await buildReports(t.store, shippedConfig(), parsePeriod('2026-11')!, at(2026, 12, 5));
    const b1 = built.reports.find((r) => r.org === 'B1')!;
    expect(b1.colour).toMatchObject({ month: '2026-11', colour: 'red', name: '红', meaning: '长期不开展组织生活', redMonths: 2, consequence: '乡镇（街道）党委书记约谈支部书记' });
    expect(built.reports.find((r) => r.org === 'B3')!.colour).toMatchObject({ colour: 'green', warningMonths: 0 });
    const c1 = built.summaries.find((s) => s.org === 'C1')!;
    expect(c1.colours).toMatchObject({ month: '2026-11', counts: { red: 1, yellow: 1, green: 2 } });
    expect(c1.colours!.consequences).toEqual([{ org: 'B1', name: 'B1村党支部', redMonths: 2, consequence: '乡镇（街道）党委书记约谈支部书记' }]);
    expect(c1.colours!.flagged.map((f) => [f.org, f.colour])).toEqual([['B1', 'red'], ['B2', 'yellow']]);
    expect(renderBranchHtml(b1)).toContain('2026-11 组织生活红黄绿评定：红（长期不开展组织生活），连续 4 个月存在预警；连续 2 个月为红，按规定：乡镇（街道）党委书记约谈支部书记');
    const html = renderCommitteeHtml(c1);
    expect(html).toContain('组织生活红黄绿（2026-11）');
    expect(html).toContain('需落实的后果');
    expect(renderCommitteeMarkdown(c1)).toContain('- B1村党支部（B1）连续 2 个月为红：乡镇（街道）党委书记约谈支部书记');
  });

  it('`orglife grades` prints the month per committee in Chinese, --json per branch, and clear errors', async () => {
    const text = await run(['grades', '--period', '2026-11', '--at', '2026-11-25T10:00'], t.spec);
    expect(text.stderr).toBe('');
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('2026年11月组织生活红黄绿评定（截至 2026-11-25）');
    expect(text.stdout).toContain('共 4 个支部：红 1 · 黄 1 · 绿 2');
    expect(text.stdout).toContain('■ 岭阳镇党委（C1）：红 1 · 黄 1 · 绿 2');
    expect(text.stdout).toContain('B1村党支部（B1）连续 2 个月为红：乡镇（街道）党委书记约谈支部书记');
    expect(text.stdout).toContain('黄（组织生活运行不畅）B2村党支部（B2）连续 1 个月有预警，本月 1 项');
    const json = await run(['grades', '--period', '2026-11', '--at', '2026-11-25T10:00', '--json'], t.spec);
    const lines = json.stdout.trim().split('\n').map((l) => JSON.parse(l) as { code: string; colour: string; period: string });
    expect(lines.map((l) => [l.code, l.colour, l.period])).toEqual([['B1', 'red', '2026-11'], ['B2', 'yellow', '2026-11'], ['B3', 'green', '2026-11'], ['B4', 'green', '2026-11']]);
    const scoped = await run(['grades', '--period', '2026-11', '--at', '2026-11-25T10:00', '--org', 'B2', '--json'], t.spec);
    expect(scoped.stdout.trim().split('\n')).toHaveLength(1);
    const quarter = await run(['grades', '--period', '2026-Q4'], t.spec);
    expect(quarter.code).toBe(1);
    expect(quarter.stderr).toContain('红黄绿按月评定');
    expect(quarter.stderr).not.toMatch(/\n\s+at /); // no stack trace
    const unknown = await run(['grades', '--period', '2026-11', '--org', 'X9'], t.spec);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('未知的组织代码');
    const future = await run(['grades', '--period', '2027-03', '--at', '2026-11-25'], t.spec);
    expect(future.stderr).toContain('尚未开始');
  }, 120_000);
});
