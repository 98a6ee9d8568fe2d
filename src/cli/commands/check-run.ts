/**
 * The work of `orglife check` (registered in ./check.ts). Kept apart so `orglife check --help` loads
 * only the option definitions, not the config schema, the store and the evaluator.
 */
import { defaultConfigPath } from '../../config/env-path.js';
import { loadConfigCached } from '../../config/cache.js';
import { holidayCoverageWarning } from '../../config/warnings.js';
import type { Config } from '../../config/schema.js';
import { LEVEL_RANK, LEVELS } from '../../domain/types.js';
import { defaultStoreSpec, openStore } from '../../store/open.js';
import type { Store } from '../../store/port.js';
import {
  addToStats,
  branchIdsInScope,
  emptyStats,
  evalContext,
  evaluateIds,
  forEachBranchFindingsParallel,
  UnknownOrgError,
  type BranchFindings,
  type CheckStats,
} from '../../evaluation/index.js';
import { annotateFindings, type ShownFinding } from '../../evaluation/alert-states.js';
import { loadExemptions } from '../../alerts/exemptions.js';
import { checkHeading, findingJsonLines, renderCommittee, summaryLine, type BranchReportLines } from '../../evaluation/format.js';
import { UserError } from '../errors.js';
import { EXIT_FINDINGS, type Parsed } from './check.js';

/**
 * Connections of a check's PostgreSQL pool. A chunk's reads go out together and three chunks are
 * read ahead (evaluation/check.ts readAhead), so a pool of 10 opened all 10: ten server processes
 * started and their catalog caches warmed for one command, on a machine whose cores the server
 * shares with this process. Four keep the server as busy: at 20,000 branches, alternating runs on
 * a quiet machine, 0.97 s wall with 3 or 4 against 1.06 s with 10; the statements queue in the pool.
 */
const CHECK_CONNECTIONS = 4;

export async function runCheckCommand(flags: { org?: string; json?: boolean }, parsed: Parsed): Promise<void> {
  // Validated once per change of the config files (config/cache.ts): the YAML parser and the schema stay unloaded.
  const config = await loadConfigCached(defaultConfigPath());
  // `orglife check | head` closes the pipe early: that is the reader's choice, not an error.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
  // A fresh install creates its database on the first check (README quick start); say what is missing.
  // PostgreSQL: a pool of CHECK_CONNECTIONS, not the daemon's 10 (see the constant).
  const store = await openStore(defaultStoreSpec(), { connections: CHECK_CONNECTIONS });
  try {
    const stats = flags.json
      ? await printJson(store, config, parsed, flags.org)
      : await printTable(store, config, parsed.now, flags.org);
    // Last, after the findings: a calendar running out changes when messages go out, not what check finds.
    const holidays = holidayCoverageWarning(config.calendar, parsed.now);
    if (holidays) process.stderr.write(`警告 / warning: calendar.holidays: ${holidays}\n`);
    if (stats.branches === 0 && !flags.org) {
      process.stderr.write(
        `${store.created ? `已新建数据库 ${store.describe()}` : '数据库中还没有支部'}，请先导入组织与会议记录（orglife import）/ no branches yet: import records first\n`,
      );
    }
    const worst = Math.max(0, ...LEVELS.filter((l) => stats.findings[l] > 0).map((l) => LEVEL_RANK[l]));
    if (parsed.failOn && worst >= LEVEL_RANK[parsed.failOn]) process.exitCode = EXIT_FINDINGS;
  } catch (e) {
    if (e instanceof UnknownOrgError) throw new UserError(e.message);
    throw e;
  } finally {
    await store.close();
  }
}

/** Committee names by code: `load` fetches the unknown ones of a chunk in one read, `nameOf` answers from what is loaded. */
function committeeNames(store: Store): { load(codes: Iterable<string | null>): Promise<void>; nameOf(code: string | null): string | null } {
  const names = new Map<string, string | null>();
  return {
    async load(codes) {
      const missing = [...new Set(codes)].filter((c): c is string => c !== null && !names.has(c));
      if (!missing.length) return;
      const headers = await store.orgs.headers(missing);
      for (const c of missing) names.set(c, headers.get(c)?.name ?? null);
    },
    nameOf: (code) => (code === null ? null : (names.get(code) ?? null)),
  };
}

/** --json: one line per finding, written chunk by chunk (on helper threads for big cities). */
async function printJson(store: Store, config: Config, p: Parsed, org?: string): Promise<CheckStats> {
  const committees = committeeNames(store);
  // Counted after annotation: a finding the lifecycle escalated counts as 督办 (for --fail-on too).
  const stats = emptyStats();
  const exemptions = { index: await loadExemptions(store, p.now), now: p.now };
  await forEachBranchFindingsParallel(
    store,
    config,
    p.now,
    async (chunk) => {
      // Each finding's standing in the alert store (told, escalated, acknowledged, history).
      await annotateFindings(store, config, chunk.flatMap((b) => b.findings), exemptions);
      await committees.load(chunk.filter((b) => b.findings.length).map((b) => b.branch.parent));
      addToStats(stats, notExempt(chunk));
      let text = '';
      for (const { branch, findings } of chunk) text += findingJsonLines(findings, branch, committees.nameOf(branch.parent));
      // One write per chunk: a write per line is the slowest part of printing a big city.
      if (text) process.stdout.write(text);
    },
    { org, workers: p.workers },
  );
  process.stderr.write(summaryLine(stats.branchesWithFindings, stats.branches, stats.findings) + '\n');
  return stats;
}

/** The table: committee by committee (by code), each evaluated and printed before the next. */
async function printTable(store: Store, config: Config, now: number, org?: string): Promise<CheckStats> {
  const ids = await branchIdsInScope(store, org);
  const parents = await store.facts.branchParents(ids);
  const byCommittee = new Map<string | null, number[]>();
  for (const id of ids) {
    const parent = parents.get(id) ?? null;
    const list = byCommittee.get(parent);
    if (list) list.push(id);
    else byCommittee.set(parent, [id]);
  }
  const ctx = evalContext(config, now);
  const committees = committeeNames(store);
  await committees.load(byCommittee.keys());
  const nameOf = committees.nameOf;
  const stats = emptyStats();
  const shown = emptyStats().findings;
  const exemptions = { index: await loadExemptions(store, now), now };
  process.stdout.write(checkHeading(now));
  for (const code of [...byCommittee.keys()].sort((a, b) => (a ?? '').localeCompare(b ?? ''))) {
    const lagging: BranchReportLines[] = [];
    await evaluateIds(store, byCommittee.get(code)!, ctx, async (chunk: BranchFindings[]) => {
      await annotateFindings(store, config, chunk.flatMap((b) => b.findings), exemptions);
      addToStats(stats, notExempt(chunk));
      for (const { branch, findings } of chunk) {
        if (findings.length) lagging.push({ code: branch.code, name: branch.name, committee: code, committeeName: nameOf(code), findings });
      }
    });
    if (lagging.length) process.stdout.write(renderCommittee(code, nameOf(code), lagging, shown));
  }
  if (stats.branchesWithFindings) process.stdout.write('\n');
  process.stdout.write(summaryLine(stats.branchesWithFindings, stats.branches, stats.findings) + '\n');
  return stats;
}

/** The chunk without its exempt findings (they are shown as 已豁免 but count for nothing, --fail-on included). */
function notExempt(chunk: BranchFindings[]): BranchFindings[] {
  const isExempt = (f: ShownFinding) => f.shown?.state === 'exempted';
  if (!chunk.some((b) => b.findings.some(isExempt))) return chunk; // the usual case: nothing to copy
  return chunk.map((b) => ({ ...b, findings: b.findings.filter((f) => (f as ShownFinding).shown?.state !== 'exempted') }));
}
