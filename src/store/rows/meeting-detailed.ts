/**
 * The condition of the partial index meetings_detailed (both stores): a meeting with any minutes
 * element recorded. A query that means to use the index repeats this text verbatim, so each
 * planner sees that the query's condition implies the index's.
 */
export const MEETING_DETAILED =
  'place IS NOT NULL OR chair IS NOT NULL OR recorder IS NOT NULL OR agenda IS NOT NULL OR resolutions IS NOT NULL';
