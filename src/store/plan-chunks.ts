/**
 * The unplanned outbox in chunks, for planning a province in bounded memory: the outbox rows of the
 * branches under a set of committees at a time (the adapters count and load them:
 * `OutboxRepo.unplannedByCommittee`, `plan({committees})`; this cuts the chunks, pure). A committee's branches always fall in one chunk, so
 * the recipients that gather many branches' alerts (the committee's secretary, its robots) still get
 * one digest; chunks are cut in committee-code order, so a re-run after a crash cuts the rest alike.
 */

/** Committee codes grouped into chunks of about `target` outbox rows (a big committee is a chunk alone). */
export function committeeChunks(counts: readonly { committee: string; rows: number }[], target: number): string[][] {
  const chunks: string[][] = [];
  let cur: string[] = [];
  let rows = 0;
  for (const c of counts) {
    if (cur.length && rows + c.rows > target) {
      chunks.push(cur);
      cur = [];
      rows = 0;
    }
    cur.push(c.committee);
    rows += c.rows;
  }
  if (cur.length) chunks.push(cur);
  return chunks;
}
