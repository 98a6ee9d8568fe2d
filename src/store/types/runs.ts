/** Row types of the runs family: schedule ticks (claimed once across daemons), schedules, cycle runs. */

export type TickClaim =
  /** This runner owns the tick now. */
  | { outcome: 'claimed'; attempts: number }
  /** Someone already finished it: do nothing. */
  | { outcome: 'done' }
  /** Another live runner holds it (fresh heartbeat): try again later. */
  | { outcome: 'busy'; claimedBy: string };

export interface ClaimTickInput {
  kind: string;
  tickAt: number;
  jobId: string;
  instanceId: string;
  /** Wall-clock time of the claim (heartbeats compare against it). */
  now: number;
  /** A running claim whose heartbeat is older than this is taken over (its runner died). */
  leaseMs: number;
}

/** One claimed schedule tick. */
export interface TickRow {
  kind: string;
  /** The tick's scheduled time, epoch ms (the cycle's `now`). */
  tickAt: number;
  jobId: string;
  status: 'running' | 'done' | 'failed';
  claimedBy: string;
  claimedAt: number;
  heartbeatAt: number;
  finishedAt: number | null;
  attempts: number;
  error: string | null;
}

export interface RunStart {
  kind: string;
  trigger: 'tick' | 'once';
  asOf: number;
  now: number;
}

/** One cycle or job-kind run. `stats` is the JSON text of its figures. */
export interface RunRow {
  id: number;
  kind: string;
  trigger: 'tick' | 'once';
  asOf: number;
  startedAt: number;
  finishedAt: number | null;
  status: 'running' | 'done' | 'failed';
  stats: string | null;
  error: string | null;
}
