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
import { importFiles } from '../../src/import/index.js';
import { buildReports } from '../../src/reports/gather.js';
import { renderBranch, renderCommittee } from '../../src/reports/render/index.js';
import { streamReports } from '../../src/reports/stream.js';
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
      for (const chunk of [7, 2000]) {
        const streamed: BranchReport[] = [];
        const chunks: number[] = [];
        const out = await streamReports(t.store, config, p, NOW, {
          chunk,
          onChunk: (reports) => {
            chunks.push(reports.length);
            // Handed over as soon as computed: the rendering is the caller's.
            streamed.push(...reports);
          },
        });
        if (chunk === 7) expect(chunks.length).toBeGreaterThan(4);
        expect(streamed.map((r) => JSON.stringify(r))).toEqual(whole.reports.map((r) => JSON.stringify(r)));
        expect(streamed.map((r) => renderBranch(r, 'html'))).toEqual(whole.reports.map((r) => renderBranch(r, 'html')));
        expect(out.summaries.map((s) => JSON.stringify(s))).toEqual(whole.summaries.map((s) => JSON.stringify(s)));
        expect(out.summaries.map((s) => renderCommittee(s, 'html'))).toEqual(whole.summaries.map((s) => renderCommittee(s, 'html')));
        expect(out.rows.map((r) => r.org)).toEqual(whole.reports.map((r) => r.org));
      }
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
