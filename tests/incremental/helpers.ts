/**
 * Shared pieces of the incremental re-evaluation tests: a random synthetic city split into what is
 * imported first and a batch of "new records" pushed later (late records, a moved meeting, a
 * corrected one), and snapshots of the alerts and their events to compare stores by.
 */
import { parseTimestamp } from '../../src/domain/calendar.js';
import { importRecords } from '../../src/import/index.js';
import { generateCity, mulberry32, type MeetingRow } from '../../src/synth/index.js';
import type { Store } from '../../src/store/port.js';

export interface SplitCity {
  orgs: Record<string, unknown>[];
  first: MeetingRow[];
  /** The batch pushed later: held-back meetings, plus changed copies of stored ones. */
  batch: MeetingRow[];
  branchCodes: string[];
}

/** A city of `branches` branches (seed `seed`) with about `newRecords` records held back or changed for the batch. */
export function splitCity(seed: number, branches: number, newRecords: number, now: string): SplitCity {
  const city = generateCity({ branches, seed, now, years: 2 });
  const rng = mulberry32(seed ^ 0x5eed);
  const branchCodes = city.orgs.filter((o) => o.kind === 'branch').map((o) => o.code);
  const nowMs = parseTimestamp(now)!;
  // Recent records (inside the rules' windows) of a few branches are the ones that matter.
  const picked = new Set<string>();
  while (picked.size < Math.max(2, Math.round(branchCodes.length / 8))) picked.add(branchCodes[Math.floor(rng() * branchCodes.length)]!);
  const recent = city.meetings.filter((m) => picked.has(m.org) && nowMs - parseTimestamp(m.held_at)! < 200 * 86_400_000);
  const held = new Set<string>();
  for (const m of recent) if (held.size < newRecords * 0.8 && rng() < 0.6) held.add(m.id);
  const first = city.meetings.filter((m) => !held.has(m.id));
  const batch = city.meetings.filter((m) => held.has(m.id));
  // Changed copies of stored records: a few moved to another branch, a few with nobody attending.
  const stored = first.filter((m) => nowMs - parseTimestamp(m.held_at)! < 120 * 86_400_000);
  for (let i = 0; i < Math.max(2, newRecords * 0.1) && stored.length; i++) {
    const m = stored[Math.floor(rng() * stored.length)]!;
    batch.push({ ...m, org: branchCodes[Math.floor(rng() * branchCodes.length)]! });
  }
  for (let i = 0; i < Math.max(2, newRecords * 0.1) && stored.length; i++) {
    const m = stored[Math.floor(rng() * stored.length)]!;
    if (!batch.some((b) => b.id === m.id)) batch.push({ ...m, attended: 0 });
  }
  return { orgs: city.orgs as unknown as Record<string, unknown>[], first, batch, branchCodes };
}

export async function importCity(store: Store, c: SplitCity, now: number): Promise<void> {
  await importRecords(store, 'orgs', c.orgs, 'synth:orgs', { now });
  await importRecords(store, 'meetings', c.first as unknown as Record<string, unknown>[], 'synth:meetings', { now });
}

/** Push the batch as the API would; resolves with the org codes the import session touched. */
export async function pushBatch(store: Store, c: SplitCity, now: number): Promise<string[]> {
  let touched: string[] = [];
  await importRecords(store, 'meetings', c.batch as unknown as Record<string, unknown>[], 'api:test', { now, onTouched: (o) => (touched = o) });
  return touched;
}

const keyOf = (a: { org: string; rule: string; period: string; subject: string }) => `${a.org}|${a.rule}|${a.period}|${a.subject}`;

/** Every alert without its row id (ids may be assigned in another order), by identity; with its events when asked. */
export async function alertSnapshot(store: Store, withEvents?: (org: string) => boolean): Promise<Map<string, unknown>> {
  const out = new Map<string, unknown>();
  for (const a of await store.alerts.list({ limit: 1_000_000 })) {
    const { id, orgName: _n, parent: _p, ...rest } = a;
    const events = withEvents?.(a.org) ? (await store.alerts.history(id)).map(({ id: _i, alertId: _a, ...e }) => e) : undefined;
    out.set(keyOf(a), events ? { ...rest, events } : rest);
  }
  return out;
}
