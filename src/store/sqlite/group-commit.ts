/**
 * Group commit for the delivery hot path. Dozens of delivery jobs run at once; each needs a claim
 * before its send and a "sent" mark after it. One SQLite write transaction each costs a WAL write
 * (and now and then a checkpoint fsync): ~150 µs per commit on the machines here, more than a bare
 * BullMQ job costs in all. So the writes that arrive within one event-loop turn share ONE
 * transaction, flushed on setImmediate — each caller still gets its own result (or error), and its
 * promise resolves only after the commit. The delay this adds is one turn of the event loop
 * (well under a millisecond), which is all it adds to the "provider accepted, not yet marked" window.
 */
import type { Statement, Transaction } from 'better-sqlite3';
import type { Db } from './db.js';

interface Op {
  fn: () => unknown;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

/** Batches synchronous SQLite write operations into one transaction per event-loop turn. */
export class GroupCommit {
  readonly #db: Db;
  #queue: Op[] = [];
  #scheduled = false;
  #savepoint: { begin: Statement; release: Statement; rollback: Statement } | undefined;
  #group: Transaction<(ops: Op[], out: Result[]) => void> | undefined;
  #flat: Transaction<(ops: Op[], out: Result[], state: { failed: boolean }) => void> | undefined;

  constructor(db: Db) {
    this.#db = db;
  }

  /**
   * Run `fn` inside the next group transaction; resolves with its result after the commit. `fn` must be a
   * synchronous function of the database alone: it runs a second time when another operation of its batch throws.
   */
  run<T>(fn: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ fn, resolve: resolve as (v: unknown) => void, reject });
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => this.#flush());
      }
    });
  }

  #flush(): void {
    this.#scheduled = false;
    const batch = this.#queue;
    this.#queue = [];
    let results: Result[] | undefined;
    try {
      // First pass, optimistic: the whole batch in one transaction with no savepoint at all (a
      // savepoint per operation and the nested transaction wrappers inside it cost more than the
      // writes themselves). Any error inside, even one an operation caught, rolls the pass back…
      results = this.#optimistic(batch);
      // …and the batch is replayed, each operation in its own savepoint: one that throws leaves no
      // partial writes behind and rejects only its caller. Replaying is safe: the operations are
      // synchronous functions of the database, and the first pass wrote nothing.
      results ??= this.#guarded(batch);
    } catch (e) {
      // The commit itself failed (e.g. the database is locked for too long): nothing was written.
      for (const op of batch) op.reject(e);
      return;
    }
    const out = results;
    batch.forEach((op, i) => {
      const r = out[i]!;
      if (r.ok) op.resolve(r.v);
      else op.reject(r.e);
    });
  }

  /** The batch in one transaction, nested transactions flattened; undefined (rolled back) if anything threw. */
  #optimistic(batch: Op[]): Result[] | undefined {
    const client = this.#db.$client;
    const state = { failed: false };
    this.#flat ??= client.transaction((ops: Op[], out: Result[], st: { failed: boolean }) => {
      for (const op of ops) {
        try {
          out.push({ ok: true, v: op.fn() });
        } catch {
          st.failed = true;
        }
        if (st.failed) throw ROLLBACK;
      }
    });
    const out: Result[] = [];
    FLAT.set(client, state);
    try {
      this.#flat.immediate(batch, out, state);
      return out;
    } catch (e) {
      // An operation threw (or caught a nested transaction's error): rolled back, replay guarded.
      // Anything else failed BEGIN or COMMIT: nothing was written, every caller gets the error.
      if (e === ROLLBACK) return undefined;
      throw e;
    } finally {
      FLAT.delete(client);
    }
  }

  /** The batch in one transaction, each operation in its own savepoint. */
  #guarded(batch: Op[]): Result[] {
    const client = this.#db.$client;
    // Savepoint statements prepared once: wrapping each operation with client.transaction() would
    // build a new wrapper function per call, which costs more than the savepoint itself.
    const sp = (this.#savepoint ??= {
      begin: client.prepare('SAVEPOINT group_op'),
      release: client.prepare('RELEASE group_op'),
      rollback: client.prepare('ROLLBACK TO group_op'),
    });
    const results: Result[] = [];
    this.#group ??= client.transaction((ops: Op[], out: Result[]) => {
      for (const op of ops) {
        sp.begin.run();
        try {
          out.push({ ok: true, v: op.fn() });
          sp.release.run();
        } catch (e) {
          sp.rollback.run();
          sp.release.run();
          out.push({ ok: false, e });
        }
      }
    });
    this.#group.immediate(batch, results);
    return results;
  }
}

type Result = { ok: true; v: unknown } | { ok: false; e: unknown };

const ROLLBACK = Symbol('group rollback');

/**
 * Connections inside an optimistic group pass. A nested transaction there (`inTransaction` of
 * ./alerts.ts) runs its function directly, without a savepoint, and marks the pass failed when
 * it throws: the whole pass is then rolled back and replayed with savepoints.
 */
const FLAT = new WeakMap<object, { failed: boolean }>();

/** Inside an optimistic group pass on this connection: run `fn` flat, noting a throw. Else undefined. */
export function flatNested<T>(client: object, fn: () => T): { v: T } | undefined {
  const state = FLAT.get(client);
  if (!state) return undefined;
  try {
    return { v: fn() };
  } catch (e) {
    state.failed = true;
    throw e;
  }
}
