/**
 * The streamed generation (src/reports/stream.ts: headline pass for the ranks, then full reports a
 * chunk at a time) gives the same reports and summaries, byte for byte, as the in-memory build
 * (buildReports: every branch's facts at once, ranks over them), on a synthetic city with rosters,
 * open warnings (colour grades) and an exemption, on the store tempStore() gives (SQLite or
 * PostgreSQL); the CLI's `report --all` writes the same files as rendering buildReports' result.
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePeriod, shanghaiMidnight } from '../../src/domain/calendar.js';
import { MEETING_TYPES } from '../../src/domain/types.js';
import { importFiles } from '../../src/import/index.js';
import { buildReports } from '../../src/reports/gather.js';
import { renderBranch, renderCommittee } from '../../src/reports/render/index.js';
import { streamReports } from '../../src/reports/stream.js';
import { summaryRow } from '../../src/reports/compute-committee.js';
import { rankingRowOf } from '../../src/reports/ranking-row.js';
import { MeetingsMemo } from '../../src/reports/meetings-memo.js';
import type { BranchReport } from '../../src/reports/types.js';
import type { Store } from '../../src/store/port.js';
import type { AlertRow } from '../../src/store/types/alerts.js';
import { writeCityFiles } from '../../src/synth/write.js';
import { shippedConfig } from '../helpers/config.js';
import { tempStore, type TempStore } from '../helpers/store.js';

const ROOT = join(import.meta.dirname, '../..');
const at = (y: number, m: number, d: number) => shanghaiMidnight(y, m, d) + 10 * 3600_000;
const NOW = at(2026, 11, 28);

/** Open a warning of `code` at `when` (one reconcile, as the lifecycle writes it): colour grades read these spans. */
async function warn(store: Store, code: string, period: string, when: number): Promise<void> {
  const row: Omit<AlertRow, 'id'> = {
    org: code, rule: 'committee-monthly', period, subject: '', state: 'open', level: 'warning', ruleLevel: 'warning', dueAt: when, message: '请按时召开支委会',
    openedAt: when, updatedAt: when, resolvedAt: null, lastNotifiedAt: when, notifications: 1, repeats: 0,
    ackPlan: null, ackBy: null, ackDeadline: null, ackWho: null, ackAt: null,
  };
  await store.alerts.reconcile({ orgs: [code], identities: [], now: when }, () => ({
    changes: { inserts: [{ row, event: { kind: 'opened', level: 'warning', fromLevel: null, reason: 'new' }, notify: false }], updates: [] },
    result: null,
  }));
}

function run(args: string[], spec: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [join(ROOT, 'bin/orglife.js'), ...args], { cwd: ROOT, env: { ...process.env, ORGLIFE_DB: spec, ORGLIFE_CONFIG: join(ROOT, 'config') }, timeout: 120_000 }, (err, stdout, stderr) =>
      done({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

let t: TempStore;
let branches: string[];
beforeAll(async () => {
  t = await tempStore();
  const info = writeCityFiles({ branches: 40, out: join(t.dir, 'city'), members: true, partRows: 5000 });
  await importFiles(t.store, [info.orgsFile, ...info.meetingFiles, info.memberFiles!.roster, ...info.memberFiles!.attendance], { now: NOW });
  branches = (await t.store.reports.orgs()).filter((o) => o.kind === 'branch').map((o) => o.code);
  for (const code of branches.slice(0, 3)) for (const m of [8, 9, 10]) await warn(t.store, code, `2026-${String(m).padStart(2, '0')}`, at(2026, m, 12));
  await t.store.exemptions.add({ org: branches[5]!, rule: null, startsOn: '2026-09-01', endsOn: '2026-12-31', reason: '受灾地区', approver: '县委组织部', createdBy: 'test' }, NOW);
}, 120_000);
afterAll(async () => t?.cleanup());

describe('the meetings memo of a streamed generation', () => {
  it('gives back what was put, in order, within its budget, once', async () => {
    const orgs = await t.store.reports.orgs();
    const ids = orgs.filter((o) => o.kind === 'branch').map((o) => o.id);
    const p = parsePeriod('2025')!;
    const read = await t.store.reports.periodMeetings(ids.slice(0, 10), new Map(MEETING_TYPES.map((k) => [k, p.start])), p.end);
    const n = [...read.values()].reduce((a, l) => a + l.length, 0);
    expect(n).toBeGreaterThan(100);
    const memo = new MeetingsMemo('k', n + 5);
    memo.put(0, read);
    memo.put(1, read); // over the budget: not kept
    expect(memo.take(1)).toBeUndefined();
    const back = memo.take(0)!;
    expect(JSON.stringify([...back])).toEqual(JSON.stringify([...read]));
    expect(memo.take(0)).toBeUndefined();
    // What would not unpack the same is not kept.
    memo.put(2, new Map([[1, [{ ...read.values().next().value![0]!, id: 'x-1' }]]]));
    expect(memo.take(2)).toBeUndefined();
  });
});

describe('streamed reports equal the in-memory build', () => {
  for (const label of ['2026-10', '2025']) {
    it(`period ${label}: every report and summary, as JSON and rendered`, async () => {
      const config = shippedConfig();
      const p = parsePeriod(label)!;
      const whole = await buildReports(t.store, config, p, NOW, { chunk: 7 });
      expect(whole.reports.length).toBeGreaterThan(30);
      // Ties, rosters, colours and the exemption are in the data, so the comparison covers them.
      expect(whole.reports.some((r) => r.members)).toBe(true);
      expect(whole.reports.some((r) => r.colour?.colour === 'yellow' || r.colour?.colour === 'red')).toBe(label === '2026-10');
      // The meetings memo of pass 1 (./meetings-memo.ts): every chunk kept, some (a budget of 1,000
      // meetings), none (read twice); and the previous period's headlines on a helper thread.
      for (const [chunk, meetingsMemo, helperMinBranches] of [[7, undefined, undefined], [7, 1000, undefined], [7, 0, undefined], [2000, undefined, undefined], [7, undefined, 0]] as const) {
        const streamed: BranchReport[] = [];
        const chunks: number[] = [];
        const out = await streamReports(t.store, config, p, NOW, {
          chunk,
          meetingsMemo,
          helperMinBranches,
          onChunk: (reports) => {
            chunks.push(reports.length);
            // Handed over as soon as computed: the rendering is the caller's.
            streamed.push(...reports);
          },
        });
        if (chunk === 7) expect(chunks.length).toBeGreaterThan(4);
        if (helperMinBranches === 0) expect(whole.reports.filter((r) => r.previous).length).toBeGreaterThan(30);
        expect(streamed.map((r) => JSON.stringify(r))).toEqual(whole.reports.map((r) => JSON.stringify(r)));
        expect(streamed.map((r) => renderBranch(r, 'html'))).toEqual(whole.reports.map((r) => renderBranch(r, 'html')));
        expect(out.summaries.map((s) => JSON.stringify(s))).toEqual(whole.summaries.map((s) => JSON.stringify(s)));
        expect(out.summaries.map((s) => renderCommittee(s, 'html'))).toEqual(whole.summaries.map((s) => renderCommittee(s, 'html')));
        expect(out.rows.map((r) => r.org)).toEqual(whole.reports.map((r) => r.org));
      }
      // Rendered where computed (report --all): on this thread, and every other chunk or so on a
      // helper thread (forced here: a city of 5,000 branches or more gets one), with kept meetings
      // transferred to it or (no memo) read there.
      for (const [helperMinBranches, meetingsMemo, pass2Here] of [[undefined, undefined, undefined], [0, undefined, undefined], [0, undefined, false], [0, 0, false]] as const) {
        const html: string[] = [];
        const ranking: string[] = [];
        const out = await streamReports(t.store, config, p, NOW, {
          chunk: 3,
          meetingsMemo,
          helperMinBranches,
          pass2Helper: helperMinBranches === 0,
          pass2Here,
          render: 'html',
          onRendered: (reports) => {
            for (const r of reports) html.push(new TextDecoder().decode(r.bytes));
            ranking.push(...reports.map((r) => JSON.stringify(r.ranking)));
          },
        });
        expect(html).toEqual(whole.reports.map((r) => renderBranch(r, 'html')));
        expect(ranking).toEqual(whole.reports.map((r) => JSON.stringify(rankingRowOf(r))));
        expect(out.summaries.map((s) => JSON.stringify(s))).toEqual(whole.summaries.map((s) => JSON.stringify(s)));
        expect(out.rows.map((r) => JSON.stringify(r))).toEqual(whole.reports.map((r) => JSON.stringify(summaryRow(r))));
      }
      // Summaries handed over one at a time (report --all without --save): the same, in order, none returned.
      const handed: string[] = [];
      const one = await streamReports(t.store, config, p, NOW, {
        chunk: 7,
        render: 'html',
        onRendered: () => {},
        onSummary: async (s) => {
          handed.push(JSON.stringify(s));
          await Promise.resolve();
        },
      });
      expect(whole.summaries.length).toBeGreaterThan(2);
      expect(handed).toEqual(whole.summaries.map((s) => JSON.stringify(s)));
      expect(one.summaries).toEqual([]);
      expect(one.committees).toBe(whole.summaries.length);
    }, 120_000);
  }

  it('orglife report --all writes the files the in-memory build renders, and --save stores the same reports', async () => {
    const p = parsePeriod('2026-10')!;
    const out = join(t.dir, 'out');
    // Built first: what --save stores (rectification items) changes the next build.
    const whole = await buildReports(t.store, shippedConfig(), p, Date.parse('2026-11-28T01:00:00Z'));
    const r = await run(['report', '--all', '--period', p.label, '--out', out, '--at', '2026-11-28T09:00', '--format', 'json', '--save'], t.spec);
    expect(r.stderr).toContain('reports stored');
    expect(r.code).toBe(0);
    const files = readdirSync(join(out, 'branches')).sort();
    expect(files).toHaveLength(whole.reports.length);
    for (const rep of whole.reports) expect(readFileSync(join(out, 'branches', `${rep.org}.json`), 'utf8'), rep.org).toBe(renderBranch(rep, 'json'));
    for (const s of whole.summaries) expect(readFileSync(join(out, 'committees', `${s.org}.json`), 'utf8'), s.org).toBe(renderCommittee(s, 'json'));
    // Saved chunk by chunk: every report stored, with the data the build gives.
    const stored = await t.store.reports.storedOrgs(p.label);
    expect(stored.filter((s) => s.kind === 'branch')).toHaveLength(whole.reports.length);
    expect(stored.filter((s) => s.kind === 'committee')).toHaveLength(whole.summaries.length);
    const one = whole.reports[whole.reports.length - 1]!;
    expect(JSON.stringify(await t.store.reports.stored(one.org, p.label, 'branch'))).toBe(JSON.stringify(one));
  }, 180_000);
});
