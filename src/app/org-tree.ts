/**
 * The organization tree as the console and the API scope things: a user belongs to an org and
 * sees its subtree (a township committee its branches, the county everything). Loaded from the
 * store and kept until an import changes the orgs table (a cheap version query per request).
 */
import type { Store } from '../store/port.js';
import type { TreeOrg } from '../store/types/console.js';

export type { TreeOrg };

/** Codes in code-point order: localeCompare (ICU collation) made sorting a city's 20,000 rows take a second. */
export function byCode(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export class OrgTree {
  readonly byCode = new Map<string, TreeOrg>();
  readonly children = new Map<string, string[]>();
  readonly roots: string[] = [];
  private subtreeCache = new Map<string, string[]>();

  constructor(rows: readonly TreeOrg[]) {
    for (const r of rows) this.byCode.set(r.code, r);
    for (const r of rows) {
      if (r.parent && this.byCode.has(r.parent)) {
        const list = this.children.get(r.parent);
        if (list) list.push(r.code);
        else this.children.set(r.parent, [r.code]);
      } else this.roots.push(r.code);
    }
  }

  /** Whether `code` is `scope` or below it. */
  within(scope: string, code: string): boolean {
    for (let c: string | null | undefined = code, guard = 0; c && guard < 64; c = this.byCode.get(c)?.parent, guard++) {
      if (c === scope) return true;
    }
    return false;
  }

  /** Whether `scope` sees the whole tree (it is the only root, or the root of every org). */
  isWhole(scope: string): boolean {
    return this.roots.length === 1 && this.roots[0] === scope;
  }

  /** Codes of every branch in the subtree of `scope`. */
  branchesUnder(scope: string): string[] {
    let out = this.subtreeCache.get(scope);
    if (out) return out;
    out = [];
    const stack = [scope];
    while (stack.length) {
      const c = stack.pop()!;
      const o = this.byCode.get(c);
      if (o?.kind === 'branch') out.push(c);
      for (const k of this.children.get(c) ?? []) stack.push(k);
    }
    out.sort();
    this.subtreeCache.set(scope, out);
    return out;
  }

  /** Committees in the subtree of `scope` (scope included when it is one). */
  committeesUnder(scope: string): TreeOrg[] {
    const out: TreeOrg[] = [];
    const stack = [scope];
    while (stack.length) {
      const c = stack.pop()!;
      const o = this.byCode.get(c);
      if (o?.kind === 'committee') out.push(o);
      for (const k of this.children.get(c) ?? []) stack.push(k);
    }
    return out.sort((a, b) => byCode(a.code, b.code));
  }

  /** The SQL scope of a user: null for the whole tree, else the branch codes they may see. */
  scopeOf(scope: string): string[] | null {
    return this.isWhole(scope) ? null : this.branchesUnder(scope);
  }

  name(code: string | null | undefined): string {
    return (code && this.byCode.get(code)?.name) || code || '—';
  }
}

const cache = new WeakMap<Store, { version: string; tree: OrgTree }>();

/** The tree of this store, rebuilt only when the orgs changed (one cheap version query per call). */
export async function orgTreeOf(store: Store): Promise<OrgTree> {
  const version = await store.console.orgTreeVersion();
  const hit = cache.get(store);
  if (hit && hit.version === version) return hit.tree;
  const tree = new OrgTree(await store.console.orgTree());
  cache.set(store, { version, tree });
  return tree;
}
