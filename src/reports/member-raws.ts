/**
 * The member-level inputs of reports and star estimates (roster, tracked meetings, first tracked
 * meeting) read from the store for a set of branches: one reader for the report build
 * (./gather.ts) and the rating estimate (../rating/estimate.ts), so both score members alike.
 */
import type { Period } from '../domain/calendar.js';
import type { Store } from '../store/port.js';
import type { MemberRaw } from './compute-members.js';

/** Roster, the period's tracked meetings and the first tracked meeting of the branches that have a roster. */
export async function memberRaws(store: Store, ids: readonly number[], p: Period, asOf: number): Promise<Map<number, MemberRaw>> {
  const out = new Map<number, MemberRaw>();
  const rosters = await store.members.rosters(ids);
  if (!rosters.size) return out;
  const withRoster = [...rosters.keys()];
  const [first, tracked] = await Promise.all([store.members.firstTrackedAt(withRoster, asOf), store.members.trackedIn(withRoster, p.start, p.end)]);
  for (const [org, list] of rosters) {
    const idOf = new Map(list.map((m) => [m.row, m.id]));
    out.set(org, {
      members: list,
      firstTrackedAt: first.get(org) ?? null,
      tracked: (tracked.get(org) ?? []).map((t) => ({ heldAt: t.heldAt, tookPart: new Set(t.tookPart.map((r) => idOf.get(r)!).filter(Boolean)) })),
    });
  }
  return out;
}
