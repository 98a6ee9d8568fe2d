import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GroupCommit } from '../../src/store/sqlite/group-commit.js';
import { inTransaction } from '../../src/store/sqlite/alerts.js';
import { tempDb, type TempDb } from '../helpers/db.js';

describe('group commit of the delivery path', () => {
  let tdb: TempDb;
  const insert = (kind: string) => tdb.db.$client.prepare('INSERT INTO schedule_state (kind, expr, since) VALUES (?, ?, 0)').run(kind, '* * * * *').changes;
  const kinds = () => (tdb.db.$client.prepare('SELECT kind FROM schedule_state ORDER BY kind').pluck().all() as string[]);

  beforeEach(() => {
    tdb = tempDb();
  });
  afterEach(() => tdb.cleanup());

  it('commits the operations of one event-loop turn together, each with its own result', async () => {
    const gc = new GroupCommit(tdb.db);
    const results = await Promise.all([gc.run(() => insert('a')), gc.run(() => insert('b')), gc.run(() => tdb.db.$client.inTransaction)]);
    expect(results).toEqual([1, 1, true]);
    expect(kinds()).toEqual(['a', 'b']);
  });

  it('rolls back only the operation that throws, with no partial writes, and rejects only its caller', async () => {
    const gc = new GroupCommit(tdb.db);
    const [a, b, c] = await Promise.allSettled([
      gc.run(() => insert('a')),
      gc.run(() => {
        insert('b');
        throw new Error('half done');
      }),
      gc.run(() => insert('c')),
    ]);
    expect(a).toEqual({ status: 'fulfilled', value: 1 });
    expect(b).toMatchObject({ status: 'rejected', reason: new Error('half done') });
    expect(c).toEqual({ status: 'fulfilled', value: 1 });
    expect(kinds()).toEqual(['a', 'c']);
  });

  it('rolls back a nested transaction an operation caught, keeping the rest of that operation and the others', async () => {
    const gc = new GroupCommit(tdb.db);
    const [a, b] = await Promise.all([
      gc.run(() => insert('a')),
      gc.run(() => {
        insert('b');
        try {
          inTransaction(tdb.db, () => {
            insert('b-nested');
            throw new Error('nested');
          });
        } catch {
          return 'caught';
        }
        return 'not thrown';
      }),
    ]);
    expect([a, b]).toEqual([1, 'caught']);
    expect(kinds()).toEqual(['a', 'b']);
  });

  it('runs later turns in their own transactions', async () => {
    const gc = new GroupCommit(tdb.db);
    await gc.run(() => insert('first'));
    await expect(gc.run(() => insert('first'))).rejects.toThrow(/UNIQUE/);
    await gc.run(() => insert('second'));
    expect(kinds()).toEqual(['first', 'second']);
  });
});
