/**
 * The reads re-evaluation's live figures scope to the touched branches (issue 14 item 4) give
 * exactly what the whole-city reads give those branches, on the store under test: the orgs with
 * the committees above them (a removed committee ends the chain), assessments, vetoes,
 * rectification items, report alert facts and warning spans; and the live figures computed from
 * them equal a full live pass's rows of those branches. A committee's exemption reaches its branches
 * in both passes through their chain of committees (also two levels up): asserted against the
 * figures without it, so a lost chain fails here rather than giving equal wrong rows in both passes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { periodOf, parseTimestamp } from '../../src/domain/calendar.js';
import { ancestry } from '../../src/domain/exemptions.js';
import { importRecords } from '../../src/import/index.js';
import { reevaluateOrgs } from '../../src/jobs/reevaluate.js';
import { relatedLabels } from '../../src/reports/gather.js';
import { colourFacts, colourGrades } from '../../src/reports/colour-sections.js';
import { forEachFactsChunk, inputsOf, periodRecords } from '../../src/reports/gather.js';
import { liveFigureOf, livePeriod, refreshLiveFigures } from '../../src/reports/live.js';
import type { LiveFigureRow } from '../../src/store/types/live.js';
import { mulberry32 } from '../../src/synth/index.js';
import { shippedConfig } from '../helpers/config.js';
import { tempStore, type TempStore } from '../helpers/store.js';
import { importCity, splitCity } from './helpers.js';

const NOW_ISO = '2026-11-20';
const T0 = parseTimestamp('2026-11-20T09:00')!;
const config = shippedConfig();

/** The entries of `m` whose key is in `keep`, sorted by key (Maps compare in insertion order). */
const only = <V>(m: Map<string, V>, keep: ReadonlySet<string>) => [...m].filter(([k]) => keep.has(k)).sort(([a], [b]) => (a < b ? -1 : 1));
const sorted = <V>(m: Map<string, V>) => [...m].sort(([a], [b]) => (a < b ? -1 : 1));

describe('reads scoped to some branches', () => {
  let t: TempStore;
  let codes: string[];
  let removedCommittee: string;
  let exemptCommittee: string;
  beforeAll(async () => {
    t = await tempStore();
    const city = splitCity(5, 90, 40, NOW_ISO);
    await importCity(t.store, city, T0 - 3_600_000);
    // Alerts with warnings and resolutions: the rules over every branch, at two times.
    await reevaluateOrgs(t.store, config, T0 - 40 * 86_400_000, city.branchCodes);
    await reevaluateOrgs(t.store, config, T0, city.branchCodes);
    const rng = mulberry32(99);
    const some = city.branchCodes.filter(() => rng() < 0.4);
    const month = periodOf('month', T0);
    const s = await t.store.imports.begin();
    await s.beginFile('assessments');
    const assessments = some.flatMap((org, i) => [
      { org, indicator: '班子考核', period: month.label, score: 60 + (i % 40) },
      { org, indicator: '组织生活成效', period: periodOf('quarter', T0).label, score: 50 + (i % 50) },
    ]);
    await s.upsert('assessments', assessments, assessments.map((_, i) => i + 2), T0 - 3_000_000);
    await s.beginFile('vetoes');
    const vetoes = some.filter((_, i) => i % 5 === 0).map((org) => ({ org, period: periodOf('year', T0).label, item: '违反组织纪律' }));
    await s.upsert('vetoes', vetoes, vetoes.map((_, i) => i + 2), T0 - 3_000_000);
    await s.commit();
    await t.store.reports.store(
      [],
      some.map((org, i) => ({ org, rule: 'committee-monthly', problemPeriod: '2026-09', reportPeriod: '2026-Q3', title: '支委会未按月召开', dueAt: T0 + (i % 3 ? -1 : 1) * 5 * 86_400_000 })),
      T0 - 2_000_000,
    );
    // A committee removed (撤销) while its branches stay: their chain ends at its code.
    const orgs = await t.store.reports.orgs();
    const committees = orgs.filter((o) => o.kind === 'committee' && o.parent !== null && orgs.some((b) => b.kind === 'branch' && b.parent === o.code));
    removedCommittee = committees[0]!.code;
    expect(await t.store.orgs.remove([removedCommittee], 'test', T0 - 1_000_000, [])).toEqual([removedCommittee]);
    const under = orgs.filter((o) => o.parent === removedCommittee).map((o) => o.code);
    // An exemption of every rule, of a committee above some of the codes, in force at T0: its branches
    // owe nothing in the live month (not required while exempt), so they are not rated. Only their
    // chain of committees carries it (a branch has no exemption of its own here). Two of its branches
    // move under a new sub-committee (总支), so they reach it only through the committee rows above
    // them, not their own parent field.
    const parentOf = (c: string) => orgs.find((o) => o.code === c)!.parent!;
    const anchor = some.find((c) => parentOf(c) !== removedCommittee)!;
    exemptCommittee = parentOf(anchor);
    const moved = orgs.filter((o) => o.kind === 'branch' && o.parent === exemptCommittee && o.code !== anchor).slice(0, 2).map((o) => o.code);
    expect(moved.length).toBe(2);
    const sub = { ...city.orgs.find((o) => o.code === exemptCommittee)!, code: 'C-SUB', name: '测试党总支', parent: exemptCommittee };
    await importRecords(t.store, 'orgs', [sub, ...city.orgs.filter((o) => moved.includes(o.code as string)).map((o) => ({ ...o, parent: 'C-SUB' }))], 'test:orgs', { now: T0 - 950_000 });
    await t.store.exemptions.add({ org: exemptCommittee, rule: null, startsOn: '2026-11-01', endsOn: '2026-11-30', reason: '抗洪抢险', approver: '县委组织部', createdBy: 'test' }, T0 - 900_000);
    codes = [...new Set([...some.slice(0, 15), ...under.slice(0, 3), ...moved, 'NO-SUCH-ORG'])];
  }, 120_000);
  afterAll(async () => t?.cleanup());

  it('orgsOf: the codes and every org above them, as orgs() has them', async () => {
    const all = await t.store.reports.orgs();
    const parents = new Map(all.map((o) => [o.code, o.parent]));
    const expected = new Set(codes.flatMap((c) => ancestry(c, (x) => parents.get(x))));
    const got = await t.store.reports.orgsOf(codes);
    expect(got).toEqual(all.filter((o) => expected.has(o.code)));
    expect(got.some((o) => o.code === removedCommittee)).toBe(false);
    expect(got.some((o) => o.parent === removedCommittee)).toBe(true);
    expect(got.filter((o) => o.kind === 'committee').length).toBeGreaterThan(0);
    expect(await t.store.reports.orgsOf([])).toEqual([]);
  });

  it('assessments, vetoes, rectification items, alert facts and warning spans: the whole-city rows of the codes', async () => {
    const keep = new Set(codes);
    const p = periodOf('month', T0);
    const labels = relatedLabels(p);
    const since = periodOf('month', T0 - 200 * 86_400_000).start;
    const pairs = [
      [await t.store.reports.assessments(labels), await t.store.reports.assessments(labels, codes)],
      [await t.store.reports.vetoes(labels), await t.store.reports.vetoes(labels, codes)],
      [await t.store.reports.rectificationFacts(p.start, p.end), await t.store.reports.rectificationFacts(p.start, p.end, codes)],
      [await t.store.reports.alertFacts(p.start), await t.store.reports.alertFacts(p.start, codes)],
      [await t.store.reports.alertFacts(since), await t.store.reports.alertFacts(since, codes)],
      [await t.store.alerts.warningSpans(since, T0 + 1), await t.store.alerts.warningSpans(since, T0 + 1, codes)],
    ] as const;
    for (const [full, scoped] of pairs) {
      // Each read has rows of the codes and of others (so the filter is what makes them equal).
      expect(only(full as Map<string, unknown>, keep).length).toBeGreaterThan(0);
      expect(full.size).toBeGreaterThan(only(full as Map<string, unknown>, keep).length);
      expect(sorted(scoped as Map<string, unknown>)).toEqual(only(full as Map<string, unknown>, keep));
    }
    expect(await t.store.reports.alertFacts(p.start, [])).toEqual(new Map());
  });

  it('live figures of the codes equal a full live pass of every branch, and the full pass equals the figures from the whole org table', async () => {
    const full: LiveFigureRow[] = [];
    await refreshLiveFigures(t.store, config, T0, null, { chunk: 25, onRows: (r) => full.push(...r) });
    // The reference: every branch's facts from orgs() and the whole-city inputs in one go.
    const p = livePeriod(T0);
    const colours = await colourFacts(t.store, config, p, T0);
    const reference: LiveFigureRow[] = [];
    await forEachFactsChunk(t.store, config, await t.store.reports.orgs(), p, T0, 2000, true, (facts) => {
      const grades = colourGrades(colours, config, facts.map((f) => ({ code: f.org.code, name: f.org.name, parent: f.org.parent })));
      reference.push(...facts.map((f) => liveFigureOf(f, config, p, T0, grades)));
    });
    expect(full).toEqual(reference);
    // The same figures without the exemption (the same reads, none of the exemptions): what a lost chain would give.
    const records = await periodRecords(t.store, p);
    expect(records.exemptions.map((e) => e.org)).toEqual([exemptCommittee]);
    const orgs = await t.store.reports.orgs();
    const unexempt = new Map<string, LiveFigureRow>();
    await forEachFactsChunk(t.store, config, orgs, p, T0, 2000, true, (facts) => {
      const grades = colourGrades(colours, config, facts.map((f) => ({ code: f.org.code, name: f.org.name, parent: f.org.parent })));
      for (const f of facts) unexempt.set(f.org.code, liveFigureOf(f, config, p, T0, grades));
    }, inputsOf({ ...records, exemptions: [] }, orgs));
    // Some of the codes stand under the exempt committee: as their parent, and two levels up (through C-SUB).
    const parents = new Map(orgs.map((o) => [o.code, o.parent]));
    const exempt = new Set(orgs.filter((o) => o.kind === 'branch' && ancestry(o.code, (x) => parents.get(x)).includes(exemptCommittee)).map((o) => o.code));
    expect(codes.filter((c) => exempt.has(c) && parents.get(c) === exemptCommittee).length).toBeGreaterThan(0);
    expect(codes.filter((c) => exempt.has(c) && parents.get(c) === 'C-SUB').length).toBe(2);
    expect(unexempt.size).toBe(full.length);
    /** The exemption's effect on rows of a pass: its branches owe nothing this month and are not rated, though they would be without it; the other branches' rows are as without it. */
    const expectExempted = (rows: LiveFigureRow[]) => {
      const mine = rows.filter((x) => exempt.has(x.org));
      expect(mine.length).toBeGreaterThan(0);
      for (const x of mine) {
        const without = unexempt.get(x.org)!;
        expect(without.score, x.org).not.toBeNull();
        expect([x.score, x.grade, x.stars, x.indicators.obligations, x.indicators.timeliness], x.org).toEqual([null, null, null, null, null]);
        expect(x, x.org).not.toEqual(without);
      }
      for (const x of rows.filter((y) => !exempt.has(y.org))) expect(x, x.org).toEqual(unexempt.get(x.org));
    };
    expectExempted(full);
    const part: LiveFigureRow[] = [];
    const r = await refreshLiveFigures(t.store, config, T0, codes, { onRows: (x) => part.push(...x) });
    expectExempted(part);
    expect(part.filter((x) => exempt.has(x.org)).length).toBe(codes.filter((c) => exempt.has(c)).length);
    const keep = new Set(codes);
    const byOrg = (rows: LiveFigureRow[]) => [...rows].sort((a, b) => (a.org < b.org ? -1 : 1));
    expect(byOrg(part)).toEqual(byOrg(full.filter((x) => keep.has(x.org))));
    expect(r.written).toBe(codes.length - 1);
    expect(r.removed).toBe(1); // NO-SUCH-ORG
    // The inputs mattered: some of them are vetoed, some have imported assessments.
    expect(part.some((x) => x.vetoed)).toBe(true);
    expect(part.some((x) => x.colour !== 'green')).toBe(true);
  });

  it('live rows a page at a time: list() in pages, in the same order', async () => {
    const whole = await t.store.live.list();
    expect(whole.length).toBeGreaterThan(20);
    const paged = [];
    for (let page = await t.store.live.listPage('', 7); page.length; page = await t.store.live.listPage(page.at(-1)!.org, 7)) {
      expect(page.length).toBeLessThanOrEqual(7);
      paged.push(...page);
    }
    expect(paged).toEqual(whole);
    expect(await t.store.live.listPage(whole.at(-1)!.org, 7)).toEqual([]);
  });
});
