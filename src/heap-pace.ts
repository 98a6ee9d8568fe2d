/**
 * Full garbage collections paced to the heap's growth, for the long chunked passes of a big city:
 * streamed reports (reports/stream.ts), the live figures, the evaluate tick's reconcile and
 * planning (jobs/cycle.ts, alerts/planner.ts). Beside log.ts: every layer may pace. V8 sizes its
 * next full collection on the live heap and this process's heap limit (~4 GiB here): with the ~400 MiB a 250,000-branch run keeps for its whole length, it let each
 * chunk's reports (promoted to the old generation while they are rendered and written) pile up to
 * 1.4 GiB of garbage before collecting: 1.8 GiB peak RSS where ~0.65 GiB was in use. `paceHeap()`
 * after a chunk collects in full once the heap has grown `step` above what the last collection
 * left, which bounds the garbage to about `step` for a collection every few chunks.
 */
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** Default growth between paced collections. */
export const PACE_STEP = 192 * 2 ** 20;

let collect: (() => void) | null | undefined;

/** V8's full collection: `gc` when node runs with --expose-gc, else exposed once for a fresh context. */
function fullCollection(): (() => void) | null {
  if (collect !== undefined) return collect;
  const g = (globalThis as { gc?: () => void }).gc;
  if (typeof g === 'function') return (collect = g);
  try {
    setFlagsFromString('--expose-gc');
    const f = runInNewContext('gc') as unknown;
    collect = typeof f === 'function' ? (f as () => void) : null;
  } catch {
    collect = null;
  }
  return collect;
}

let base: number | undefined;
let collections = 0;

/**
 * After a chunk of work: collect in full when the heap in use has grown `step` above what the last
 * paced collection left (or than at the first call); otherwise only reads the heap's size.
 */
export function paceHeap(step = PACE_STEP): void {
  const used = getHeapStatistics().used_heap_size;
  // A collection V8 made itself lowers the mark too.
  if (base === undefined || used < base) base = used;
  if (used < base + step) return;
  const gc = fullCollection();
  if (!gc) return;
  gc();
  collections++;
  base = getHeapStatistics().used_heap_size;
}

/** Paced full collections so far in this thread. */
export function pacedCollections(): number {
  return collections;
}
