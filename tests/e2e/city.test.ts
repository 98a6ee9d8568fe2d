/**
 * End to end on a small synthetic city: the generator writes the files, the real `orglife import`
 * loads them into a temp SQLite file, the real `orglife check --json --at …` evaluates every branch,
 * and the findings are compared with what the generator says it injected (its manifest, read through
 * src/synth/expected.ts, which follows the documented rules independently of src/rules).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTimestamp, periodOf, shanghaiParts } from '../../src/domain/calendar.js';
import type { Level } from '../../src/domain/types.js';
import { closeDb, openDb } from '../../src/store/sqlite/db.js';
import { countByLevel, expectedFindings, generateCity, writeCityFiles, type City, type CityFilesInfo, type ExpectedFinding } from '../../src/synth/index.js';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/orglife.js');
/** 7 December: November's lapses are reminders in grace, Q3's and 2025's warnings, 2026's yearly duties reminders. */
const NOW = '2026-12-07T10:00:00+08:00';
const OPTIONS = { branches: 60, seed: 23, now: NOW };

interface Reported extends ExpectedFinding {
  message: string;
}

let dir: string;
let files: CityFilesInfo;
let city: City;
let reported: Reported[];
let expected: ExpectedFinding[];
let importOut: string;
let dbPath: string;

const key = (f: ExpectedFinding) => `${f.org} ${f.rule} ${f.period} ${f.level}`;

async function orglife(args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const r = await run(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, ORGLIFE_DB: dbPath }, maxBuffer: 64 << 20 });
    return { ...r, code: 0 };
  } catch (e) {
    const err = e as { stdout: string; stderr: string; code: number };
    return { stdout: err.stdout, stderr: err.stderr, code: err.code };
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'orglife-e2e-city-'));
  dbPath = join(dir, 'orglife.db');
  // Small parts, so the import also reads several meeting files in one command.
  files = writeCityFiles({ ...OPTIONS, out: join(dir, 'city'), partRows: 2500 });
  city = generateCity(OPTIONS);
  const imp = await orglife(['import', files.orgsFile, ...files.meetingFiles]);
  if (imp.code !== 0) throw new Error(`orglife import failed (${imp.code}): ${imp.stderr}`);
  importOut = imp.stdout;
  const check = await orglife(['check', '--json', '--at', NOW]);
  reported = check.stdout.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as Reported);
  if (!reported.length) throw new Error(`orglife check printed no findings (${check.code}): ${check.stderr}`);
  const now = parseTimestamp(NOW)!;
  expected = city.manifest.flatMap((b) => expectedFindings(b, now));
}, 60_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('a generated city imported and checked end to end', () => {
  it('imports every generated org and record', () => {
    expect(files.meetingFiles.length).toBeGreaterThan(1);
    const db = openDb(dbPath);
    try {
      const count = (t: string) => (db.$client.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n;
      expect(count('orgs')).toBe(files.counts.orgs);
      expect(count('meetings')).toBe(files.counts.meetings);
    } finally {
      closeDb(db);
    }
    expect(importOut).not.toBe('');
  });

  it('reports exactly the findings the generator injected, with the right rule, level and period', () => {
    const got = new Set(reported.map(key));
    const want = new Set(expected.map(key));
    const missing = [...want].filter((k) => !got.has(k));
    const extra = [...got].filter((k) => !want.has(k));
    expect({ missing, extra }).toEqual({ missing: [], extra: [] });
    expect(reported).toHaveLength(got.size); // no duplicates
  });

  it('counts findings by level as the generator does, with every level present', () => {
    const got = countByLevel(reported);
    expect(got).toEqual(countByLevel(expected));
    for (const level of ['reminder', 'warning'] as Level[]) expect(got[level]).toBeGreaterThan(0);
    // The rules never escalate by the calendar: 督办 comes only from a delivered, unanswered warning.
    expect(got.escalation).toBe(0);
  });

  it('warns about last month for every chronically lax branch (长期不开展组织生活)', () => {
    const lax = city.manifest.filter((b) => b.health === 'lax');
    expect(lax.length).toBeGreaterThan(0);
    for (const b of lax) {
      for (const rule of ['committee-monthly', 'theme-day-monthly']) {
        expect(reported.find((f) => f.org === b.code && f.rule === rule && f.period === '2026-11'), `${b.code} ${rule}`).toMatchObject({
          level: 'warning',
        });
      }
    }
  });

  it('reports nothing for the branches the generator kept clean', () => {
    const now = parseTimestamp(NOW)!;
    const clean = city.manifest.filter((b) => expectedFindings(b, now).length === 0).map((b) => b.code);
    expect(clean.length).toBeGreaterThan(city.manifest.length / 3);
    expect(reported.filter((f) => clean.includes(f.org))).toEqual([]);
  });

  it('flags the injected quorum failures and records without minutes in the periods they happened', () => {
    const injected = city.manifest.flatMap((b) =>
      b.lapses
        .filter((l) => l.rule === 'assembly-quorum' || l.rule === 'minutes-missing')
        .filter((l) => ['2026-Q4', '2026-Q3', '2026-12', '2026-11'].includes(l.period))
        .map((l) => ({ org: b.code, rule: l.rule, period: l.period })),
    );
    expect(injected.some((l) => l.rule === 'assembly-quorum')).toBe(true);
    expect(injected.some((l) => l.rule === 'minutes-missing')).toBe(true);
    for (const l of injected) expect(reported.some((f) => f.org === l.org && f.rule === l.rule && f.period === l.period), JSON.stringify(l)).toBe(true);
  });

  it('counts a record written in UTC on the previous evening in the Shanghai month it was held', () => {
    // '2026-10-31T23:30:00Z' is 1 November 07:30 in Shanghai: it satisfies November, not October.
    const edge = city.meetings.filter((m) => {
      const t = parseTimestamp(m.held_at)!;
      return m.held_at.endsWith('Z') && shanghaiParts(t).day === 1 && periodOf('month', t).label === '2026-11';
    });
    expect(edge.length).toBeGreaterThan(0);
    const rule = { committee: 'committee-monthly', theme_day: 'theme-day-monthly', group: 'group-monthly' } as Record<string, string>;
    for (const m of edge) {
      if (!rule[m.type] || m.type === 'group') continue;
      expect(reported.some((f) => f.org === m.org && f.rule === rule[m.type] && f.period === '2026-11'), m.id).toBe(false);
    }
  });

  it('writes every finding with a Chinese message', () => {
    for (const f of reported) expect(f.message).toMatch(/[\u4e00-\u9fff]/);
  });
});
