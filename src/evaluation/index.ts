/** Store → rules glue used by `orglife check`, the daemon and the reports. */
export {
  forEachBranchFindings,
  runCheck,
  branchIdsInScope,
  resolveOrg,
  evalContext,
  evaluateIds,
  emptyStats,
  addToStats,
  UnknownOrgError,
  type EvalContext,
  type BranchFindings,
  type ChunkHandler,
  type CheckOptions,
  type CheckStats,
} from './check.js';
export { forEachBranchFindingsParallel, type ParallelOptions } from './parallel.js';
export type { BranchRow, OrgHeader } from '../store/types/facts.js';
