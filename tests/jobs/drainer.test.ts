/**
 * The drainer's enqueue marks (delivery_enqueues) with the real Redis and the store of the run:
 * marking is idempotent, a second drainer (another runtime on the same Redis and database) adds
 * nothing already marked, and a drainer that dies between Redis's add and the mark leaves the rows
 * unmarked, so the next drain finds them again — one job per delivery in Redis throughout.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openRuntime, type Runtime } from '../../src/jobs/runtime.js';
import { openStore } from '../../src/store/open.js';
import type { Store } from '../../src/store/port.js';
import { shippedConfig } from '../helpers/config.js';
import { SHARED_REDIS_URL, cleanupPrefix, uniquePrefix } from '../helpers/redis.js';
import { tempStore, type TempStore } from '../helpers/store.js';
import { at, quietLog, testEnv } from './setup.js';

const NOW = at('2026-11-20T10:00');

/** n pending email deliveries (digests carrying no alert, as the go-live summary does). */
async function pendingEmails(store: Store, keys: readonly string[]): Promise<number[]> {
  const contacts = { phone: null, email: 'admin@example.cn', robot: null };
  const model = { recipientName: '管理员', robot: false, at: NOW, own: [], committees: [], emailCopy: false };
  await store.outbox.plan({ sendDay: '2026-11-20', now: NOW, phonesOf: () => [] }, () => ({
    write: {
      plans: keys.map((k) => ({
        digest: { key: `k-${k}`, recipientKey: `r-${k}`, recipientName: '管理员', contacts, route: ['email' as const], level: 'reminder' as const, model, items: [] },
        sends: [{ logical: 'email' as const, channel: 'email' as const, recipient: `${k}@example.cn` }],
        keys: [`d-${k}`],
      })),
      notes: new Map(),
      notBefore: NOW,
      sendDay: '2026-11-20',
    },
    result: null,
  }));
  return (await store.deliveries.pending()).map((p) => p.id);
}

describe('drainer enqueue marks', () => {
  let t: TempStore;
  let prefix: string;
  const runtimes: Runtime[] = [];
  const open = async (store: Store) => {
    const rt = await openRuntime({
      config: shippedConfig(),
      env: testEnv({ redisUrl: SHARED_REDIS_URL, prefix, smtpUrl: 'smtp://127.0.0.1:2525' }),
      db: store,
      clock: () => NOW,
      log: quietLog,
      paused: true, // no worker takes a job: what the drainer added stays in Redis to be counted
      tickWorker: false,
    });
    runtimes.push(rt);
    return rt;
  };
  /** Delivery jobs in the email queue, whatever their state. */
  const jobsIn = async (rt: Runtime) => {
    const c = await rt.queueOf('email').getJobCounts('waiting', 'delayed', 'prioritized', 'active', 'completed', 'failed');
    return Object.values(c).reduce((a, b) => a + b, 0);
  };

  beforeEach(async () => {
    t = await tempStore();
    prefix = uniquePrefix('drainer');
  });
  afterEach(async () => {
    for (const rt of runtimes.splice(0)) await rt.close();
    await cleanupPrefix(SHARED_REDIS_URL, prefix);
    await t.cleanup();
  });

  it('marks what Redis took, idempotently; neither a second drain nor a second drainer adds it again', async () => {
    const ids = await pendingEmails(t.store, ['a', 'b', 'c']);
    const a = await open(t.store);
    const first = await a.drain();
    expect(first).toMatchObject({ added: 3, pending: 3 });
    expect(await t.store.deliveries.enqueuedIn(ids, first.epoch)).toEqual(new Set(ids));
    expect(await jobsIn(a)).toBe(3);
    expect(await a.drain()).toMatchObject({ added: 0, pending: 3, epoch: first.epoch });

    // Marking again (the same ids, twice in one call) changes nothing but the time.
    await t.store.deliveries.markEnqueued([ids[0]!, ids[0]!, ids[1]!], first.epoch, NOW + 1);
    expect(await t.store.deliveries.enqueuedIn(ids, first.epoch)).toEqual(new Set(ids));
    expect(await t.store.deliveries.pruneEnqueued(NOW + 1)).toBe(1); // only c's mark is older: one row per delivery
    expect(await t.store.deliveries.enqueuedIn(ids, first.epoch)).toEqual(new Set([ids[0], ids[1]]));
    expect(await a.drain()).toMatchObject({ added: 1 }); // c, unmarked, is found again
    expect(await jobsIn(a)).toBe(3); // …under its job id: still one job per delivery

    // A second daemon (own store handle, own Redis connections) on the same Redis and database.
    const other = await openStore(t.spec);
    try {
      const b = await open(other);
      expect(await b.drain()).toMatchObject({ added: 0, pending: 3, epoch: first.epoch });
      // New deliveries drained by both at once: each is in Redis once, and marked.
      const more = (await pendingEmails(t.store, ['d', 'e'])).filter((id) => !ids.includes(id));
      const [x, y] = await Promise.all([a.drain(), b.drain()]);
      expect(x.added + y.added).toBeGreaterThanOrEqual(2);
      expect(await jobsIn(a)).toBe(5);
      expect(await t.store.deliveries.enqueuedIn(more, first.epoch)).toEqual(new Set(more));
      expect(await b.drain()).toMatchObject({ added: 0, pending: 5 });
    } finally {
      for (const rt of runtimes.splice(1)) await rt.close();
      await other.close();
    }
  });

  it('a drainer that dies between Redis taking the jobs and the mark leaves them unmarked: the next drain finds them again', async () => {
    const ids = await pendingEmails(t.store, ['a', 'b']);
    // The store of a process that dies right when it would write the marks.
    const dying: Store = {
      ...t.store,
      deliveries: {
        ...t.store.deliveries,
        markEnqueued: async () => {
          throw new Error('killed before the mark');
        },
      },
    };
    const a = await open(dying);
    await expect(a.drain()).rejects.toThrow('killed before the mark');
    expect(await jobsIn(a)).toBe(2); // Redis took them
    const epoch = (await a.drain({ dueBy: NOW - 1 })).epoch; // (nothing due: only reads the epoch)
    expect(await t.store.deliveries.enqueuedIn(ids, epoch)).toEqual(new Set());

    const b = await open(t.store);
    expect(await b.drain()).toMatchObject({ added: 2, pending: 2, epoch });
    expect(await t.store.deliveries.enqueuedIn(ids, epoch)).toEqual(new Set(ids));
    expect(await jobsIn(b)).toBe(2); // the re-add reused the job ids
    expect(await b.drain()).toMatchObject({ added: 0 });
  });

  it('a drainer whose Redis add fails marks nothing, and a new Redis epoch (Redis emptied) re-adds every pending delivery', async () => {
    const ids = await pendingEmails(t.store, ['a', 'b']);
    const a = await open(t.store);
    const q = a.queueOf('email');
    const addBulk = q.addBulk.bind(q);
    q.addBulk = async () => {
      throw new Error('Redis went away');
    };
    await expect(a.drain()).rejects.toThrow('Redis went away');
    q.addBulk = addBulk;
    const first = await a.drain();
    expect(first).toMatchObject({ added: 2 });
    // Redis restarted empty: no epoch key, no jobs. Every pending delivery goes in again.
    await cleanupPrefix(SHARED_REDIS_URL, prefix);
    expect(await jobsIn(a)).toBe(0);
    const second = await a.drain();
    expect(second.epoch).not.toBe(first.epoch);
    expect(second).toMatchObject({ added: 2 });
    expect(await jobsIn(a)).toBe(2);
    expect(await t.store.deliveries.enqueuedIn(ids, second.epoch)).toEqual(new Set(ids));
    expect(await t.store.deliveries.enqueuedIn(ids, first.epoch)).toEqual(new Set());
  });
});
