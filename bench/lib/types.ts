/**
 * The benchmark suite interface. A suite is a file in bench/suites/ that default-exports a
 * BenchSuite; the harness (bench/run.ts) finds it by itself, prepares the fixtures it needs, runs
 * each step in a fresh child process (so peak RSS is per step) and turns the outcomes into figures.
 */
import type { CityFilesInfo } from '../../src/synth/index.js';

/** Fixtures the harness prepares and caches under bench/.data/ (keyed by size and seed). */
export type FixtureName = 'city' | 'db';

/** What a step gets. Plain JSON: it crosses the process boundary. */
export interface BenchContext {
  /** Number of branches of the city. */
  size: number;
  seed: number;
  /** The city's "now" (ISO); use it as `check --at`. */
  now: string;
  repoRoot: string;
  /** The generated files of the city. */
  city: CityFilesInfo;
  /** With needs 'db': a database holding the city as imported by `orglife import`. Read-only: copy it to write. */
  dbPath?: string;
  /** An empty folder for this step, removed afterwards. */
  scratchDir: string;
}

/** What a step reports. */
export interface StepResult {
  /** Named numbers (seconds, rows, counts …) that `figures` turns into table rows. */
  metrics: Record<string, number>;
  /** Peak RSS of the process doing the work when that is not the step's own (e.g. a CLI it spawned). */
  peakRssBytes?: number;
  /** Short remarks shown under the table. */
  notes?: string[];
  /** Files the step produced that can serve as a fixture (the harness adopts them if it has none). */
  provides?: Partial<Record<FixtureName, string>>;
}

/** One measurement, run in its own child process. */
export interface BenchStep {
  id: string;
  title: string;
  run(ctx: BenchContext): Promise<StepResult>;
}

/** A step's result as the harness saw it. */
export interface StepOutcome extends StepResult {
  /** Peak RSS of the step's child process (process.resourceUsage().maxRSS). */
  childPeakRssBytes: number;
  /** peakRssBytes when the step reported one, else childPeakRssBytes. */
  rssBytes: number;
  /** Wall time of the whole child, including its start-up. */
  wallMs: number;
  /** Set when the step threw: its message. */
  error?: string;
}

/** One row of the results table. */
export interface Figure {
  label: string;
  value: number;
  unit: string;
  /** The raw floor measured in the same run, for comparison. */
  floor?: { label: string; value: number };
  /** The target in words, e.g. '≥ 50% of floor' or '< 30 s'. */
  target?: string;
  verdict?: 'PASS' | 'MISS' | 'INFO';
  /** By how much, in words. */
  detail?: string;
}

/** A family of measurements. */
export interface BenchSuite {
  /** Used by --suites: 'import', 'check', 'dispatch', 'reports' … */
  id: string;
  title: string;
  /** Run order among suites (import 10, check 20; default 50). */
  order?: number;
  needs?: FixtureName[];
  /** Markdown for BENCHMARKS.md: what is measured, against which floor, and the target. */
  method: string;
  steps: BenchStep[];
  /** Table rows from the step outcomes (keyed by step id); a missing outcome means the step failed. */
  figures(outcomes: Record<string, StepOutcome>, ctx: { size: number; city: CityFilesInfo }): Figure[];
}
