/**
 * What an import command changed, as orgs (ImportSession.touchedOrgs): both adapters note each
 * written batch here; incremental re-evaluation starts from the result. Org ids (meetings, members,
 * sign-ins, moved rows' previous orgs) are turned into codes by the adapter at commit.
 */
import type { ImportRows, ImportTable, UpsertOutcome } from '../types/imports.js';

export class TouchedOrgs {
  readonly ids = new Set<number>();
  readonly codes = new Set<string>();

  /** Note the rows of a batch that were inserted or updated (unchanged rows and conflicts touch nothing). */
  note<T extends ImportTable>(table: T, rows: readonly ImportRows[T][], outcomes: readonly UpsertOutcome[]): void {
    for (let i = 0; i < rows.length; i++) {
      const o = outcomes[i];
      if (o !== 'inserted' && o !== 'updated') continue;
      const row = rows[i]!;
      if (table === 'orgs') this.codes.add((row as ImportRows['orgs']).code);
      else if (table === 'meetings' || table === 'members') this.ids.add((row as ImportRows['meetings' | 'members']).orgId);
      else if (table !== 'attendance') this.codes.add((row as { org: string }).org);
    }
  }

  /** Every touched code, sorted, given the codes of the noted ids. */
  result(codesOfIds: Iterable<string>): string[] {
    const all = new Set(this.codes);
    for (const c of codesOfIds) all.add(c);
    return [...all].sort();
  }
}
