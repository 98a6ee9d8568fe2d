import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseTimestamp } from '../../src/domain/calendar.js';
import { generateCity, iterateCity, toMeeting, writeCityFiles } from '../../src/synth/index.js';

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'orglife-synth-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Every file of a folder, by name, as bytes. */
function snapshot(dir: string): Record<string, Buffer> {
  return Object.fromEntries(readdirSync(dir).sort().map((f) => [f, readFileSync(join(dir, f))]));
}

describe('the synthetic city generator', () => {
  it('writes byte-identical files for the same seed and options', () => {
    const [a, b] = [tempDir(), tempDir()];
    writeCityFiles({ branches: 150, seed: 7, now: '2026-11-28', out: a, partRows: 5000 });
    writeCityFiles({ branches: 150, seed: 7, now: '2026-11-28', out: b, partRows: 5000 });
    const [sa, sb] = [snapshot(a), snapshot(b)];
    expect(Object.keys(sa).filter((f) => f.startsWith('meetings-')).length).toBeGreaterThan(1);
    expect(Object.keys(sb)).toEqual(Object.keys(sa));
    for (const f of Object.keys(sa)) {
      if (f === 'city.json') continue; // names its own folder
      expect(sb[f]!.equals(sa[f]!), f).toBe(true);
    }
  });

  it('writes NDJSON with the same records as CSV', () => {
    const [csv, nd] = [tempDir(), tempDir()];
    const a = writeCityFiles({ branches: 30, seed: 3, out: csv });
    const b = writeCityFiles({ branches: 30, seed: 3, out: nd, format: 'ndjson' });
    expect(b.counts).toEqual(a.counts);
    const first = JSON.parse(readFileSync(b.meetingFiles[0]!, 'utf8').split('\n')[0]!) as Record<string, unknown>;
    expect(Object.keys(first)).toEqual(['id', 'org', 'type', 'held_at', 'expected', 'attended', 'minutes', 'lecturer_role', 'topic']);
  });

  it('gives a different city for a different seed', () => {
    const a = generateCity({ branches: 50, seed: 1 });
    const b = generateCity({ branches: 50, seed: 2 });
    expect(JSON.stringify(b.orgs)).not.toEqual(JSON.stringify(a.orgs));
  });

  it('generates branch i the same whether streamed in order or asked for alone', () => {
    const city = iterateCity({ branches: 40, seed: 9 });
    const streamed = [...city.branches()];
    expect(iterateCity({ branches: 40, seed: 9 }).branch(17)).toEqual(streamed[17]);
  });

  it('produces a plausible tree: committees before branches, every parent a committee, villages and communities most common', () => {
    const city = generateCity({ branches: 400, seed: 42 });
    const committees = new Set(city.orgs.filter((o) => o.kind === 'committee').map((o) => o.code));
    const roots = city.orgs.filter((o) => o.parent === null);
    expect(roots).toHaveLength(1);
    expect(roots[0]!.name).toMatch(/市委员会$/);
    const seen = new Set<string>();
    for (const o of city.orgs) {
      if (o.parent) expect(seen.has(o.parent) && committees.has(o.parent), o.code).toBe(true);
      seen.add(o.code);
    }
    const branches = city.orgs.filter((o) => o.kind === 'branch');
    expect(branches).toHaveLength(400);
    const byDomain = new Map<string, number>();
    for (const b of branches) byDomain.set(b.domain!, (byDomain.get(b.domain!) ?? 0) + 1);
    const ranked = [...byDomain.entries()].sort((x, y) => y[1] - x[1]).map(([d]) => d);
    expect(ranked.slice(0, 2).sort()).toEqual(['community', 'rural']);
    expect(byDomain.size).toBe(8);
    expect(branches.some((b) => b.groups === 0)).toBe(true);
    for (const b of branches) {
      expect(b.secretary_phone).toMatch(/^1[3-9]\d{9}$/);
      if (b.clerk_phone) expect(b.clerk_phone).toMatch(/^1[3-9]\d{9}$/);
      if (b.secretary_email) expect(b.secretary_email).toMatch(/^[a-z]+\d+@[a-z0-9.]+$/);
    }
  });

  it('writes records that parse, are unique, lie in the window up to now, and vary their timestamp style', () => {
    const city = generateCity({ branches: 200, seed: 5, now: '2026-11-28T12:00:00+08:00' });
    const now = parseTimestamp('2026-11-28T12:00:00+08:00')!;
    const ids = new Set<string>();
    const styles = new Set<string>();
    for (const row of city.meetings) {
      const m = toMeeting(row);
      expect(m.heldAt).toBeLessThanOrEqual(now);
      expect(m.heldAt).toBeGreaterThanOrEqual(parseTimestamp('2024-12-01')!);
      expect(m.attended).toBeLessThanOrEqual(m.expected);
      expect(ids.has(m.id), m.id).toBe(false);
      ids.add(m.id);
      styles.add(row.held_at.endsWith('Z') ? 'utc' : row.held_at.includes('+08:00') ? 'offset' : 'local');
    }
    expect([...styles].sort()).toEqual(['local', 'offset', 'utc']);
    const perBranchYear = city.meetings.length / 200 / 2;
    expect(perBranchYear).toBeGreaterThan(45);
    expect(perBranchYear).toBeLessThan(75);
  });

  it('injects realistic lapses: most branches clean, a few lax ones silent for months, quorum and minutes problems', () => {
    const city = generateCity({ branches: 300, seed: 42 });
    const health = { good: 0, occasional: 0, lax: 0 };
    for (const b of city.manifest) health[b.health]++;
    expect(health.good).toBeGreaterThan(200);
    expect(health.lax).toBeGreaterThan(0);
    const lax = city.manifest.find((b) => b.health === 'lax')!;
    expect(lax.lapses.filter((l) => l.rule === 'committee-monthly' && l.period === '2026-11')).toHaveLength(1);
    const rules = new Set(city.manifest.flatMap((b) => b.lapses.map((l) => l.rule)));
    for (const r of ['assembly-quorum', 'minutes-missing', 'committee-monthly', 'secretary-lecture-yearly']) expect(rules).toContain(r);
    expect(city.manifest.some((b) => b.establishedOn >= '2025-01-01')).toBe(true);
  });
});
