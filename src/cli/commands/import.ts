/**
 * `orglife import FILE...` — import organizations and meeting records (CSV UTF-8/BOM/GBK, XLSX,
 * NDJSON). All files are validated; if any row of any file is bad nothing is written and every
 * problem is listed (file:line, column, reason in Chinese and English).
 */
import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import { openStore } from '../../store/open.js';
import type { Store } from '../../store/port.js';
import { formatIssue, ImportRejected, importFiles, type ImportProgress, type ImportResult } from '../../import/index.js';
import { UserError } from '../errors.js';
import { parseAtOption } from '../existing-db.js';
import { EXIT_LOCKED } from '../faults.js';

/** Issues printed before "还有 N 处错误". */
const MAX_PRINTED_ISSUES = 200;
/** Files smaller than this finish too fast for a progress bar to help. */
const PROGRESS_MIN_BYTES = 4 << 20;

export function registerImport(program: Command): void {
  program
    .command('import')
    .description(
      '导入组织与会议记录（CSV：UTF-8/GBK，XLSX，NDJSON；中文或英文表头）。任一行有误则整批不导入。\n' +
        'Import organizations and meeting records; a file with any bad row is rejected whole.',
    )
    .argument('[files...]', '文件 / files (.csv .xlsx .ndjson)')
    .option('--template <dir>', '在此目录写出各表的空白模板（CSV 与 XLSX，中文表头），不导入 / write blank CSV and XLSX templates with Chinese headers into DIR, import nothing')
    .option(
      '--reevaluate',
      '导入后立即重新评估受影响的支部（规则与预警，与完整检查结果相同）/ after the import, re-evaluate the branches it touched (findings and alerts, as a full check would)',
    )
    .option('--at <time>', '与 --reevaluate 一起：按此时间评估，ISO 8601，无时区即北京时间 / with --reevaluate: evaluate as of this time (default now)')
    .action(async (files: string[], opts: { template?: string; reevaluate?: boolean; at?: string }) => {
      if (opts.template !== undefined) {
        const { writeTemplates } = await import('../../import/templates.js');
        const written = await writeTemplates(opts.template);
        process.stdout.write(`已写出 ${written.length} 个模板文件 / wrote ${written.length} template files:\n${written.map((f) => `  ${f}`).join('\n')}\n`);
        return;
      }
      if (files.length === 0) throw new UserError('请指定要导入的文件，或用 --template DIR 写出模板 / give the files to import, or --template DIR for blank templates', 1);
      // ORGLIFE_DB: a SQLite file (created on first import) or a PostgreSQL URL.
      const at = parseAtOption(opts.at);
      const store = await openStore();
      const progress = process.stderr.isTTY ? new ProgressBar() : undefined;
      try {
        let touched: string[] = [];
        const results = await importFiles(store, files, { onProgress: progress && ((p) => progress.update(p)), onTouched: (o) => (touched = o) });
        progress?.stop();
        process.stdout.write(results.map(summaryLine).join('\n') + '\n');
        // In this process, right after the commit: works with or without a running daemon (reconcile
        // is one transaction under the alerts lock, so a daemon's tick at the same time is serialised).
        // Without --reevaluate, the commit's durable request is what a running daemon picks up.
        if (opts.reevaluate) process.stdout.write(`${await reevaluateLine(store, touched, at)}\n`);
      } catch (e) {
        progress?.stop();
        if (e instanceof ImportRejected) throw new UserError(rejectionText(e), 1);
        if ((e as Error).name === 'StoreBusyError') {
          throw new UserError(
            `数据库正被其他进程写入（可能另一个导入正在进行），未写入任何数据，请稍后重试 / the database is busy (another import running?); nothing was written, try again later: ${store.describe()}`,
            EXIT_LOCKED,
          );
        }
        throw e;
      } finally {
        await store.close();
      }
    });
}

/**
 * Re-evaluate the touched orgs as of now with the config in force, taking the import's durable
 * request (and any other claimable one) with it, so a running daemon does not redo it; the summary line.
 */
async function reevaluateLine(store: Store, touched: readonly string[], now: number): Promise<string> {
  if (!touched.length) return '无需重新评估：导入未改变任何记录 / nothing to re-evaluate: the import changed no record';
  // Loaded only when asked: a plain import does not pay for the config and the rules.
  const [{ defaultConfigPath, loadConfig }, { runReevaluation }, { hostname }] = await Promise.all([import('../../config/load.js'), import('../../jobs/reevaluate-job.js'), import('node:os')]);
  const config = loadConfig(defaultConfigPath()).config;
  const r = (await runReevaluation({ store, config, clock: () => now, owner: `cli:${hostname()}:${process.pid}:${Date.now()}` }, touched))!;
  const a = r.alerts;
  return (
    `已重新评估 ${r.branches} 个支部：新开预警 ${a.opened}，升级 ${a.raised}，降级 ${a.lowered}，重开 ${a.reopened}，解除 ${a.resolved} / ` +
    `re-evaluated ${r.branches} branch${r.branches === 1 ? '' : 'es'}: ${a.opened} opened, ${a.raised} raised, ${a.lowered} lowered, ${a.reopened} reopened, ${a.resolved} resolved (${r.ms} ms)`
  );
}

/** "orgs.csv：组织 1,024 行，新增 1,000，更新 24，未变 0" (+ ignored columns). */
export function summaryLine(r: ImportResult): string {
  const n = (x: number) => x.toLocaleString('en-US');
  let line = `${r.source}：${r.tableZh} ${n(r.rows)} 行，新增 ${n(r.inserted)}，更新 ${n(r.updated)}，未变 ${n(r.unchanged)}`;
  if (r.ignoredColumns.length) line += `（已忽略无法识别的列：${r.ignoredColumns.join('、')}）`;
  return line;
}

/** The rejection as printed: a headline, the first issues, and how many more there are. */
export function rejectionText(e: ImportRejected): string {
  const lines = [`导入被拒绝，未写入任何数据：共 ${e.total.toLocaleString('en-US')} 处错误 / import rejected, nothing was written: ${e.total} issue${e.total === 1 ? '' : 's'}`];
  const shown = e.issues.slice(0, MAX_PRINTED_ISSUES);
  for (const i of shown) lines.push(`  ${formatIssue(i)}${i.value !== undefined && !i.reasonZh.includes(i.value) ? `（值：${i.value}）` : ''}`);
  const more = e.total - shown.length;
  if (more > 0) lines.push(`  …… 还有 ${more.toLocaleString('en-US')} 处错误 / ${more} more`);
  return lines.join('\n');
}

/** One cli-progress bar on stderr, by bytes, shown only for large files. */
class ProgressBar {
  private bar: cliProgress.SingleBar | undefined;
  private source: string | undefined;

  update(p: ImportProgress): void {
    if (p.bytesTotal < PROGRESS_MIN_BYTES) return;
    const mib = (b: number) => (b / 1048576).toFixed(1);
    if (p.source !== this.source) {
      this.stop();
      this.source = p.source;
      this.bar = new cliProgress.SingleBar(
        {
          stream: process.stderr,
          format: '{file} [{bar}] {percentage}% {done}/{size} MiB 剩余 {eta_formatted}',
          hideCursor: true,
          clearOnComplete: true,
        },
        cliProgress.Presets.shades_classic,
      );
      this.bar.start(p.bytesTotal, 0, { file: p.source, done: '0.0', size: mib(p.bytesTotal) });
    }
    this.bar?.update(p.bytesRead, { done: mib(p.bytesRead) });
  }

  stop(): void {
    this.bar?.stop();
    this.bar = undefined;
    this.source = undefined;
  }
}
