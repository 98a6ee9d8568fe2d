/** The orgs an import command knows: the database's (through the import session), overlaid with the org rows of the command. */
import type { OrgKind } from '../domain/types.js';
import type { ImportSession } from '../store/port.js';

/** An org as the importer knows it; `id` is null until an org first seen in this command is written. */
export interface KnownOrg {
  id: number | null;
  kind: OrgKind;
  parent: string | null;
  /** Seen only in a row that failed validation: it exists, but checks against it are skipped. */
  invalid?: boolean;
  /** Marked removed (撤销) and not imported again in this command (an org row of the command re-activates it). */
  removed?: true;
}

/** Org code → KnownOrg. Loaded from the session once per command (a few thousand rows). */
export class OrgDirectory {
  private constructor(private readonly map: Map<string, KnownOrg>) {}

  static async load(session: ImportSession): Promise<OrgDirectory> {
    return new OrgDirectory(await session.orgRefs());
  }

  // Meeting files usually list one branch's records together, and each row is looked up twice
  // (validate, then write): remembering the last answer skips most hash lookups of fresh strings.
  private lastCode: string | undefined;
  private lastOrg: KnownOrg | undefined;

  /** The org with this code, or undefined. */
  get(code: string): KnownOrg | undefined {
    if (code === this.lastCode) return this.lastOrg;
    this.lastCode = code;
    this.lastOrg = this.map.get(code);
    return this.lastOrg;
  }

  /** Record (or replace) an org of the running command. Used by the orgs table. */
  put(code: string, org: KnownOrg): void {
    this.map.set(code, org);
    this.lastCode = undefined;
  }

  /** Every known org (for tree checks). */
  entries(): IterableIterator<[string, KnownOrg]> {
    return this.map.entries();
  }

  /** Re-read ids through the session after the orgs table has written its rows. */
  async refreshIds(session: ImportSession): Promise<void> {
    this.lastCode = undefined;
    for (const [code, ref] of await session.orgRefs()) {
      const known = this.map.get(code);
      if (known) known.id = ref.id;
      else this.map.set(code, ref);
    }
  }
}
