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
  #group: Transaction<(ops: Op[], out: Array<{ ok: true; v: unknown } | { ok: false; e: unknown }>) => void> | undefined;

  constructor(db: Db) {
    this.#db = db;
  }

  /** Run `fn` inside the next group transaction; resolves with its result after the commit. */
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
    const client = this.#db.$client;
    // Savepoint statements prepared once: wrapping each operation with client.transaction() would
    // build a new wrapper function per call, which costs more than the savepoint itself.
    const sp = (this.#savepoint ??= {
      begin: client.prepare('SAVEPOINT group_op'),
      release: client.prepare('RELEASE group_op'),
      rollback: client.prepare('ROLLBACK TO group_op'),
    });
    const results: Array<{ ok: true; v: unknown } | { ok: false; e: unknown }> = [];
    try {
      this.#group ??= client.transaction((ops: Op[], out: typeof results) => {
        for (const op of ops) {
          // Each operation in its own savepoint: one that throws leaves no partial writes behind.
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
    } catch (e) {
      // The commit itself failed (e.g. the database is locked for too long): nothing was written.
      for (const op of batch) op.reject(e);
      return;
    }
    batch.forEach((op, i) => {
      const r = results[i]!;
      if (r.ok) op.resolve(r.v);
      else op.reject(r.e);
    });
  }
}
