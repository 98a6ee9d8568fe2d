/**
 * `orglife import FILE...` — import organizations and meeting records (CSV UTF-8/BOM/GBK, XLSX,
 * NDJSON). All files are validated; if any row of any file is bad nothing is written and every
 * problem is listed (file:line, column, reason in Chinese and English).
 */
import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import { openStore } from '../../store/open.js';
import { formatIssue, ImportRejected, importFiles, type ImportProgress, type ImportResult } from '../../import/index.js';
import { UserError } from '../errors.js';
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
    .action(async (files: string[], opts: { template?: string }) => {
      if (opts.template !== undefined) {
        const { writeTemplates } = await import('../../import/templates.js');
        const written = await writeTemplates(opts.template);
        process.stdout.write(`已写出 ${written.length} 个模板文件 / wrote ${written.length} template files:\n${written.map((f) => `  ${f}`).join('\n')}\n`);
        return;
      }
      if (files.length === 0) throw new UserError('请指定要导入的文件，或用 --template DIR 写出模板 / give the files to import, or --template DIR for blank templates', 1);
      // ORGLIFE_DB: a SQLite file (created on first import) or a PostgreSQL URL.
      const store = await openStore();
      const progress = process.stderr.isTTY ? new ProgressBar() : undefined;
      try {
        const results = await importFiles(store, files, { onProgress: progress && ((p) => progress.update(p)) });
        progress?.stop();
        process.stdout.write(results.map(summaryLine).join('\n') + '\n');
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
