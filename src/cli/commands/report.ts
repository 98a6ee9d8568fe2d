/**
 * `orglife report`: health-check reports (体检报告).
 *   orglife report --org CODE --period 2026-10 [--format html|md|json] [--out PATH]
 *   orglife report --all --period 2026-Q3 --out DIR [--format …]
 * A branch code gives its report; a committee code gives its summary. Ranks are always computed
 * over the whole city. --save stores what is shown — the one report with --org, every report with
 * --all — and its rectification items (the daemon does this on schedule and adds the reports not
 * saved yet); without it nothing is written to the database.
 */
import type { Command } from 'commander';
import { mkdirSync, writeFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import cliProgress from 'cli-progress';
import { defaultConfigPath, loadConfig } from '../../config/load.js';
import type { Config } from '../../config/schema.js';
import { parsePeriod, parseTimestamp, type Period } from '../../domain/calendar.js';
import type { Store } from '../../store/port.js';
import { withExistingStore } from '../existing-db.js';
import { fileWriter } from '../file-writer.js';
import { buildReports, ReportError, type BuildResult } from '../../reports/gather.js';
import { saveReports } from '../../reports/generate.js';
import { paceHeap } from '../../heap-pace.js';
import type { BranchReport, CommitteeSummary } from '../../reports/types.js';
import { renderBranch, renderCommittee, renderCommitteeParts, type ReportFormat, REPORT_FORMATS } from '../../reports/render/index.js';
import { rankingRowOf, saveRankingRowsXlsx, type RankingRow } from '../../reports/xlsx.js';
import { streamReports, type StreamOptions, type StreamResult } from '../../reports/stream.js';
import { ratingListSheets, type RatingListSource } from '../../rating/report-xlsx.js';
import { saveSheets } from '../../rating/xlsx.js';
import { UserError } from '../errors.js';

interface ReportFlags {
  org?: string;
  all?: boolean;
  period?: string;
  format?: string;
  out?: string;
  at?: string;
  save?: boolean;
}

/** Parse --at (default: the clock). */
export function parseAt(at: string | undefined): number {
  if (at === undefined) return Date.now();
  const t = parseTimestamp(at);
  if (t === null) throw new UserError(`无效的时间 --at "${at}"：请使用 ISO 8601 格式，如 2026-11-02T09:00 / invalid --at time`);
  return t;
}

/** Parse a period label with a clear error. */
export function parsePeriodFlag(label: string | undefined): Period {
  if (!label) throw new UserError('请用 --period 指定期间，如 2026-10（月）、2026-Q3（季度）或 2026（年度） / --period is required');
  const p = parsePeriod(label.trim());
  if (!p) {
    throw new UserError(
      `无效的期间 "${label}"：请使用 2026-10（月）、2026-Q3（季度）或 2026（年度） / invalid period label (expected YYYY-MM, YYYY-Qn or YYYY)`,
    );
  }
  return p;
}

/** Run fn with the configuration and the existing store (report errors become user errors). */
export async function withReportStore<T>(fn: (store: Store, config: Config) => Promise<T>): Promise<T> {
  const { config } = loadConfig(defaultConfigPath());
  return withExistingStore((store) => fn(store, config), [ReportError]);
}

/** Stream reports (./reports/stream.ts), turning report errors into user errors. */
export async function streamOrFail(store: Store, config: Config, p: Period, now: number, opts: StreamOptions): Promise<StreamResult> {
  try {
    return await streamReports(store, config, p, now, opts);
  } catch (e) {
    if (e instanceof ReportError) throw new UserError(e.message);
    throw e;
  }
}

/** Build reports, turning report errors into user errors. */
export async function buildOrFail(store: Store, config: Config, p: Period, now: number, onProgress?: (done: number, total: number) => void): Promise<BuildResult> {
  try {
    return await buildReports(store, config, p, now, { onProgress });
  } catch (e) {
    if (e instanceof ReportError) throw new UserError(e.message);
    throw e;
  }
}

function formatOf(flag: string | undefined, out: string | undefined, fallback: ReportFormat): ReportFormat {
  if (flag !== undefined) {
    if (!(REPORT_FORMATS as readonly string[]).includes(flag)) {
      throw new UserError(`无效的格式 --format "${flag}"：可选 ${REPORT_FORMATS.join(' | ')} / invalid format`);
    }
    return flag as ReportFormat;
  }
  const ext = out ? extname(out).slice(1).toLowerCase() : '';
  if (ext === 'htm' || ext === 'html') return 'html';
  if (ext === 'md' || ext === 'txt') return 'md';
  if (ext === 'json') return 'json';
  return fallback;
}

const EXT: Record<ReportFormat, string> = { html: 'html', md: 'md', json: 'json' };
/** A file name from an org code: codes are free text, paths are not. */
const safeName = (code: string) => code.replace(/[^\p{L}\p{N}._-]/gu, '_');

function progressBar(label: string): { update(done: number, total: number): void; stop(): void } {
  if (!process.stderr.isTTY) return { update() {}, stop() {} };
  const bar = new cliProgress.SingleBar(
    { format: `${label} [{bar}] {percentage}% | {value}/{total}`, stream: process.stderr, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(done, total) {
      if (!started) bar.start(total, 0);
      started = true;
      bar.setTotal(total);
      bar.update(done);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('生成组织生活体检报告 / health-check reports')
    .option('--org <code>', '支部编码（生成该支部报告）或党委编码（生成党委汇总） / branch or committee code')
    .option('--all', '生成全部支部报告与党委汇总，写入 --out 目录 / all branches and committees into --out DIR')
    .option('--period <label>', '期间：2026-10（月）、2026-Q3（季度）、2026（年度） / period label')
    .option('--format <format>', '格式：html | md | json（默认按 --out 扩展名，否则 --all 为 html、单份为 md）')
    .option('--out <path>', '输出文件（单份）或目录（--all）；不指定则输出到屏幕 / output file or folder')
    .option('--at <time>', '生成时间（默认当前时间），ISO 8601，无时区即北京时间 / generation time')
    .option('--save', '保存报告并建立整改事项（定时任务会自动保存） / store reports and rectification items')
    .action(async (flags: ReportFlags) => runReport(flags));
}

async function runReport(flags: ReportFlags): Promise<void> {
  if (!!flags.all === !!flags.org) throw new UserError('请指定 --org CODE 或 --all 之一 / give either --org CODE or --all');
  const p = parsePeriodFlag(flags.period);
  const now = parseAt(flags.at);
  if (flags.all && !flags.out) throw new UserError('--all 需要用 --out 指定输出目录 / --all needs --out DIR');
  await withReportStore(async (store, config) => (flags.org ? reportOne(store, config, flags, flags.org.trim(), p, now) : reportAll(store, config, flags, p, now)));
}

/** One branch's report or one committee's summary (ranks and summaries still over the whole city, streamed). */
async function reportOne(store: Store, config: Config, flags: ReportFlags, code: string, p: Period, now: number): Promise<void> {
  let report: BranchReport | undefined;
  const built = await streamOrFail(store, config, p, now, {
    onChunk: (reports) => {
      report ??= reports.find((x) => x.org === code);
    },
  });
  const org = built.orgs.find((o) => o.code === code);
  if (!org) throw new UserError(`未找到组织编码 "${code}"，请检查编码或先导入组织 / unknown org code`);
  const format = formatOf(flags.format, flags.out, 'md');
  let text: string;
  let shown: { branch: BranchReport[]; committees: CommitteeSummary[] };
  if (org.kind === 'branch') {
    if (!report) throw new UserError(`支部 "${code}" 在 ${p.label} 尚未成立（成立日期 ${org.establishedOn}），无体检报告 / branch founded after the period`);
    text = renderBranch(report, format);
    shown = { branch: [report], committees: [] };
  } else {
    const s = built.summaries.find((x) => x.org === code);
    if (!s) throw new UserError(`党委 "${code}" 下没有支部，无汇总 / committee has no branches`);
    text = renderCommittee(s, format);
    shown = { branch: [], committees: [s] };
  }
  if (flags.save) await save(store, shown.branch, shown.committees, now);
  if (flags.out) {
    writeFileSync(flags.out, text);
    process.stderr.write(`已写出 / written: ${flags.out}\n`);
  } else process.stdout.write(text);
}

/**
 * Every branch's report and every committee's summary into --out: each chunk of reports is
 * rendered, written (and with --save stored) as soon as it is computed, then dropped; the ranking
 * workbook is written from one small row per branch.
 */
async function reportAll(store: Store, config: Config, flags: ReportFlags, p: Period, now: number): Promise<void> {
  const format = formatOf(flags.format, undefined, 'html');
  const dir = flags.out!;
  mkdirSync(join(dir, 'branches'), { recursive: true });
  mkdirSync(join(dir, 'committees'), { recursive: true });
  const ranking: RankingRow[] = [];
  const files = fileWriter();
  // Without --save each committee summary is written as it is computed and only what rating.xlsx
  // needs is kept (with --save they are all stored at the end).
  const rated: RatingListSource[] = [];
  const onSummary = flags.save
    ? undefined
    : async (s: CommitteeSummary) => {
        await files.writeParts(join(dir, 'committees', `${safeName(s.org)}.${EXT[format]}`), paced(renderCommitteeParts(s, format)));
        rated.push({ org: s.org, name: s.name, rating: s.rating });
      };
  let periodName: string | undefined;
  let created = 0;
  const bar = progressBar('生成');
  let built: StreamResult;
  try {
    built = await streamOrFail(
      store,
      config,
      p,
      now,
      flags.save
        ? {
            onProgress: bar.update,
            onSummary,
            onChunk: async (reports) => {
              for (const r of reports) {
                await files.write(join(dir, 'branches', `${safeName(r.org)}.${EXT[format]}`), renderBranch(r, format));
                ranking.push(rankingRowOf(r));
              }
              periodName ??= reports[0]?.periodName;
              created += await saveReports(store, reports, [], now);
            },
          }
        : {
            // Rendered where computed: a large city's chunks are then shared with a helper thread.
            onProgress: bar.update,
            onSummary,
            render: format,
            onRendered: async (reports) => {
              for (const r of reports) {
                await files.write(join(dir, 'branches', `${safeName(r.org)}.${EXT[format]}`), r.bytes);
                ranking.push(r.ranking);
              }
              periodName ??= reports[0]?.periodName;
            },
          },
    );
  } finally {
    bar.stop();
  }
  for (const s of built.summaries) await files.writeParts(join(dir, 'committees', `${safeName(s.org)}.${EXT[format]}`), paced(renderCommitteeParts(s, format)));
  await files.flush();
  await saveRankingRowsXlsx(join(dir, 'ranking.xlsx'), ranking, periodName ?? p.label);
  await saveSheets(join(dir, 'rating.xlsx'), ratingListSheets(onSummary ? rated : built.summaries, periodName ?? p.label));
  if (flags.save) {
    created += await saveReports(store, [], built.summaries, now);
    process.stderr.write(`已保存报告；新建整改事项 ${created} 项 / reports stored\n`);
  }
  process.stdout.write(
    `已生成 ${p.label} 体检报告 ${built.rows.length} 份、党委汇总 ${built.committees} 份，排名表 ranking.xlsx、评星定级清单 rating.xlsx：${dir}\n`,
  );
}

/** The parts, with the heap's growth paced after each (a province's top summary is ~200 MB of parts, garbage once written). */
function* paced(parts: Iterable<string>): Generator<string> {
  for (const part of parts) {
    yield part;
    paceHeap();
  }
}

async function save(store: Store, branch: BranchReport[], committees: CommitteeSummary[], now: number): Promise<void> {
  const created = await saveReports(store, branch, committees, now);
  process.stderr.write(`已保存报告；新建整改事项 ${created} 项 / reports stored\n`);
}
