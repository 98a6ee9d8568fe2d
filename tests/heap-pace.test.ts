/** Paced full collections (src/heap-pace.ts): only once the heap has grown by the step, and they free the garbage. */
import { getHeapStatistics } from 'node:v8';
import { expect, it } from 'vitest';
import { pacedCollections, paceHeap } from '../src/heap-pace.js';

const MiB = 2 ** 20;

it('collects in full once the heap has grown by the step since the last collection, not before', () => {
  paceHeap(64 * MiB); // sets the mark
  const before = pacedCollections();
  let keep: number[][] = [];
  const grow = (mib: number) => {
    // Garbage that stays reachable until dropped: ~1 MiB per array of 128k numbers.
    for (let i = 0; i < mib; i++) keep.push(new Array(128 * 1024).fill(i + 0.5));
  };
  grow(8);
  paceHeap(512 * MiB);
  expect(pacedCollections()).toBe(before);
  grow(96);
  keep = [];
  const used = getHeapStatistics().used_heap_size;
  paceHeap(64 * MiB);
  expect(pacedCollections()).toBe(before + 1);
  expect(getHeapStatistics().used_heap_size).toBeLessThan(used - 64 * MiB);
});
