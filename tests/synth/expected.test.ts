import { describe, expect, it } from 'vitest';
import { parseTimestamp } from '../../src/domain/calendar.js';
import type { Meeting } from '../../src/domain/types.js';
import { rulesFor } from '../../src/config/load.js';
import { evaluateBranch } from '../../src/rules/index.js';
import { expectedFindings, generateCity, toMeeting, toOrg } from '../../src/synth/index.js';
import { shippedConfig } from '../helpers/config.js';

const key = (f: { org: string; rule: string; period: string; level: string }) => `${f.org} ${f.rule} ${f.period} ${f.level}`;

describe("the generator's expected findings", () => {
  // Each moment puts the periods in a different phase: reminder window, grace, warning, escalation.
  it.each([
    ['2026-11-28', 2],
    ['2026-12-07T10:00:00+08:00', 2],
    ['2027-01-02T09:00:00+08:00', 1],
    ['2026-04-02', 3],
  ] as const)('agree with the rules engine on every branch of a generated city at %s', (now, years) => {
    const config = shippedConfig();
    const city = generateCity({ branches: 250, seed: 11, now, years });
    const at = parseTimestamp(now)!;
    const meetingsOf = new Map<string, Meeting[]>();
    for (const row of city.meetings) {
      const list = meetingsOf.get(row.org) ?? [];
      list.push(toMeeting(row));
      meetingsOf.set(row.org, list);
    }
    const orgs = new Map(city.orgs.map((o) => [o.code, toOrg(o)]));
    const want: string[] = [];
    const got: string[] = [];
    for (const b of city.manifest) {
      want.push(...expectedFindings(b, at).map(key));
      const org = orgs.get(b.code)!;
      got.push(...evaluateBranch(org, meetingsOf.get(b.code) ?? [], rulesFor(config, org.domain), at).map(key));
    }
    expect(want.length).toBeGreaterThan(100);
    expect(got.sort()).toEqual(want.sort());
  });
});
