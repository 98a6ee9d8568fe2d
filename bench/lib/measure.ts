/** Measuring helpers for steps: run the orglife CLI with its peak RSS, time a function, read own peak RSS. */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

export const REPO_ROOT = resolve(import.meta.dirname, '../..');
const PROBE = pathToFileURL(join(import.meta.dirname, 'rss-probe.mjs')).href;

/** What a measured command did. */
export interface CommandRun {
  code: number;
  wallMs: number;
  /** Highest peak RSS among the command's node processes (0 if unknown). */
  peakRssBytes: number;
  /** CPU time (user + system) of the command's node processes, ms (0 if unknown). Unlike wall time,
   * it barely moves when other work competes for the cores. */
  cpuMs: number;
  stderr: string;
}

/**
 * Run `orglife ARGS` (bin/orglife.js, as users run it) in the repository root, with stdout to a file
 * (or /dev/null) and the RSS probe preloaded. Wall time includes node and tsx start-up.
 */
export async function runOrglife(
  args: string[],
  opts: { stdoutFile?: string; env?: Record<string, string> } = {},
): Promise<CommandRun> {
  const rssFile = join(tmpdir(), `orglife-bench-rss-${process.pid}-${Date.now()}`);
  const out = openSync(opts.stdoutFile ?? '/dev/null', 'w');
  const env: NodeJS.ProcessEnv = { ...process.env, ...opts.env, BENCH_RSS_FILE: rssFile };
  env.NODE_OPTIONS = `${env.NODE_OPTIONS ?? ''} --import ${PROBE}`.trim();
  const started = performance.now();
  const child = spawn(process.execPath, [join(REPO_ROOT, 'bin/orglife.js'), ...args], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', out, 'pipe'],
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (s: string) => {
    if (stderr.length < 20_000) stderr += s;
  });
  const code = await new Promise<number>((done, fail) => {
    child.on('error', fail);
    child.on('close', (c, signal) => done(c ?? (signal ? 128 : 1)));
  });
  const wallMs = performance.now() - started;
  closeSync(out);
  let peakRssBytes = 0;
  let cpuMs = 0;
  if (existsSync(rssFile)) {
    for (const line of readFileSync(rssFile, 'utf8').split('\n')) {
      const [, bytes, cpu] = line.split(' ').map(Number);
      if (bytes! > peakRssBytes) peakRssBytes = bytes!;
      if (cpu) cpuMs += cpu;
    }
    rmSync(rssFile, { force: true });
  }
  return { code, wallMs, peakRssBytes, cpuMs, stderr };
}

/**
 * Start-up cost of an orglife command, wall and CPU ms: the quicker of two `orglife COMMAND --help`
 * runs (node, tsx and that command's module graph loaded — the CLI loads commands lazily — nothing
 * done), to tell a command's own work from its start-up. Without a command: `orglife --version`,
 * which loads every command.
 */
export async function orglifeStartup(command?: string): Promise<{ wallMs: number; cpuMs: number }> {
  const args = command ? [command, '--help'] : ['--version'];
  const a = await runOrglife(args);
  const b = await runOrglife(args);
  const best = a.wallMs <= b.wallMs ? a : b;
  return { wallMs: best.wallMs, cpuMs: best.cpuMs };
}

/** Wall ms of the CLI's start-up (see orglifeStartup). */
export async function orglifeStartupMs(command?: string): Promise<number> {
  return (await orglifeStartup(command)).wallMs;
}

/** Run fn and return its result with the elapsed milliseconds. */
export async function timed<T>(fn: () => T | Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - started };
}

/**
 * Read files through once, untimed, so the OS page cache holds them. Whichever step of a pair runs
 * first would otherwise pay the cold reads and make the second look faster than it is.
 */
export function warmFiles(paths: readonly string[]): void {
  const buf = Buffer.allocUnsafe(8 << 20);
  for (const path of paths) {
    if (!existsSync(path)) continue;
    const fd = openSync(path, 'r');
    try {
      while (readSync(fd, buf, 0, buf.length, null) > 0);
    } finally {
      closeSync(fd);
    }
  }
}

/** CPU time (user + system) of this process so far, ms. */
export function cpuMsSelf(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Peak RSS of this process so far, in bytes. */
export function peakRssSelf(): number {
  return process.resourceUsage().maxRSS * 1024;
}
