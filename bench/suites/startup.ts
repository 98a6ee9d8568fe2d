/**
 * CLI start-up: `orglife --version` and `orglife check --help` through bin/orglife.js, as users and
 * cron jobs run it after `npm ci` (which builds dist/ through the `prepare` script), beside the
 * floor of a bare `node -e 0` measured in the same run. The size of the city does not matter: run it
 * as `npm run bench -- --sizes 1000 --suites startup`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { info } from '../lib/figures.js';
import type { BenchContext, BenchSuite, Figure, StepResult } from '../lib/types.js';

const RUNS = 11;
const LIMIT_S = 0.3;

/** Median wall and CPU seconds of RUNS runs (after one warm-up) of `node ARGS` in the repository. */
function timeNode(args: string[], ctx: BenchContext): StepResult {
  const walls: number[] = [];
  const cpus: number[] = [];
  for (let i = 0; i <= RUNS; i++) {
    const before = childCpuS();
    const t = performance.now();
    const r = spawnSync(process.execPath, args, { cwd: ctx.repoRoot, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NODE_OPTIONS: '' } });
    const wall = (performance.now() - t) / 1000;
    if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status}: ${String(r.stderr).slice(0, 300)}`);
    const cpu = childCpuS() - before;
    if (i === 0) continue; // warm-up: page cache, not counted
    walls.push(wall);
    cpus.push(cpu);
  }
  walls.sort((a, b) => a - b);
  cpus.sort((a, b) => a - b);
  const mid = Math.floor(walls.length / 2);
  return { metrics: { wallS: walls[mid]!, minS: walls[0]!, maxS: walls[walls.length - 1]!, cpuS: cpus[mid]! } };
}

/**
 * CPU seconds (user + system) of this process's waited-for children so far: fields cutime and cstime
 * of /proc/self/stat, in clock ticks (100 a second on Linux). CPU barely moves when other work
 * competes for the cores, unlike wall time.
 */
function childCpuS(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[13]) + Number(fields[14])) / 100;
}

const bin = (ctx: BenchContext) => join(ctx.repoRoot, 'bin/orglife.js');

const suite: BenchSuite = {
  id: 'startup',
  title: 'CLI start-up',
  order: 5,
  method: `
**Measured:** the wall time, median of ${RUNS} runs after one warm-up, of \`node bin/orglife.js --version\` and
\`node bin/orglife.js check --help\` in the repository after \`npm ci\` (whose \`prepare\` script builds dist/:
bin/orglife.js runs the compiled JavaScript while dist/.build-stamp is newer than every file under src/).

**Floor:** \`node -e 0\`, the same number of runs, in turn with the others: what any Node program pays.

**Target:** each under ${LIMIT_S} s. On a loaded machine both the floor and the figures grow; the ratio to the
floor shows what orglife itself adds.`,
  steps: [
    { id: 'floor', title: 'node -e 0', run: async (ctx) => timeNode(['-e', '0'], ctx) },
    {
      id: 'version',
      title: 'orglife --version',
      run: async (ctx) => {
        if (!existsSync(join(ctx.repoRoot, 'dist/.build-stamp'))) throw new Error('dist/ not built: run npm run build (or npm ci) first');
        return timeNode([bin(ctx), '--version'], ctx);
      },
    },
    { id: 'checkHelp', title: 'orglife check --help', run: async (ctx) => timeNode([bin(ctx), 'check', '--help'], ctx) },
  ],
  figures(o) {
    const out: Figure[] = [];
    const floor = o.floor ? { label: 'node -e 0', value: o.floor.metrics.wallS! } : undefined;
    for (const [id, label] of [['version', 'orglife --version'], ['checkHelp', 'orglife check --help']] as const) {
      const m = o[id]?.metrics;
      if (!m) continue;
      const pass = m.wallS! < LIMIT_S;
      out.push({
        label: `${label} (wall, median)`,
        value: m.wallS!,
        unit: 's',
        floor,
        target: `< ${LIMIT_S} s`,
        verdict: pass ? 'PASS' : 'MISS',
        detail: `${floor ? `${(m.wallS! / floor.value).toFixed(2)}× floor; ` : ''}min ${m.minS!.toFixed(3)} s, max ${m.maxS!.toFixed(3)} s${pass ? '' : `; ${(m.wallS! - LIMIT_S).toFixed(2)} s over`}`,
      });
    }
    for (const [id, label] of [['floor', 'node -e 0'], ['version', 'orglife --version'], ['checkHelp', 'orglife check --help']] as const) {
      const m = o[id]?.metrics;
      if (m) out.push(info(`${label} (CPU, median)`, m.cpuS!, 'CPU-s', 'user + system; barely moved by other load', o.floor && id !== 'floor' ? { label: 'node -e 0', value: o.floor.metrics.cpuS! } : undefined));
    }
    if (o.floor && !o.version) out.push(info('node -e 0 (wall, median)', o.floor.metrics.wallS!, 's'));
    return out;
  },
};

export default suite;
