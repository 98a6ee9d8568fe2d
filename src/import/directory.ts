/** The orgs an import command knows: the database's, overlaid with the org rows of the command. */
import type { Db } from '../store/sqlite/db.js';
import { loadOrgRefs } from '../store/sqlite/orgs.js';
import type { OrgKind } from '../domain/types.js';

/** An org as the importer knows it; `id` is null until an org first seen in this command is written. */
export interface KnownOrg {
  id: number | null;
  kind: OrgKind;
  parent: string | null;
  /** Seen only in a row that failed validation: it exists, but checks against it are skipped. */
  invalid?: boolean;
}

/** Org code → KnownOrg. Loaded from the database on first use (a few thousand rows). */
export class OrgDirectory {
  private map: Map<string, KnownOrg> | undefined;

  constructor(private readonly db: Db) {}

  private load(): Map<string, KnownOrg> {
    this.map ??= loadOrgRefs(this.db);
    return this.map;
  }

  // Meeting files usually list one branch's records together, and each row is looked up twice
  // (validate, then write): remembering the last answer skips most hash lookups of fresh strings.
  private lastCode: string | undefined;
  private lastOrg: KnownOrg | undefined;

  /** The org with this code, or undefined. */
  get(code: string): KnownOrg | undefined {
    if (code === this.lastCode) return this.lastOrg;
    this.lastCode = code;
    this.lastOrg = this.load().get(code);
    return this.lastOrg;
  }

  /** Record (or replace) an org of the running command. Used by the orgs table. */
  put(code: string, org: KnownOrg): void {
    this.load().set(code, org);
    this.lastCode = undefined;
  }

  /** Every known org (for tree checks). */
  entries(): IterableIterator<[string, KnownOrg]> {
    return this.load().entries();
  }

  /** Re-read ids from the database after the orgs table has written its rows. */
  refreshIds(): void {
    this.lastCode = undefined;
    for (const [code, ref] of loadOrgRefs(this.db)) {
      const known = this.load().get(code);
      if (known) known.id = ref.id;
      else this.load().set(code, ref);
    }
  }
}
