/**
 * The `orglife` command. Each command lives in its own file under src/cli/commands and registers
 * itself on the program; this file only wires them together and turns errors into exit codes.
 */
import { Command, CommanderError } from 'commander';
import { registerCommands } from './commands/index.js';
import { UserError } from './errors.js';
import { describeFault } from './faults.js';
import { ConfigError } from '../config/issues.js';
import { StoreBusyError, StoreMissingError, StoreSpecError } from '../store/errors.js';

const program = new Command('orglife')
  .description('组织生活工作预警系统 — 三会一课检查、预警提醒与体检报告\nOrganizational-life work-warning system.')
  .version('0.1.0')
  .showHelpAfterError('（使用 --help 查看用法）')
  .option('--db <db>', '数据库：SQLite 文件路径或 postgres:// 地址（默认 ORGLIFE_DB，否则 ./data/orglife.db）/ the store: a SQLite file or a postgres:// URL (default ORGLIFE_DB)')
  .exitOverride();

// `--db` names the store for every command: it stands in for ORGLIFE_DB (src/config/env.ts reads it).
program.hook('preAction', () => {
  const spec = program.opts<{ db?: string }>().db;
  if (spec !== undefined) process.env.ORGLIFE_DB = spec;
});

await registerCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) process.exit(e.exitCode);
  if (e instanceof StoreSpecError || e instanceof StoreMissingError || e instanceof StoreBusyError) {
    process.stderr.write(`${e.message}\n`);
    process.exit(2);
  }
  if (e instanceof ConfigError || e instanceof UserError) {
    process.stderr.write(`${e.message}\n`);
    process.exit(e instanceof UserError ? e.exitCode : 2);
  }
  const fault = describeFault(e);
  if (fault) {
    process.stderr.write(`${fault.message}\n`);
    process.exit(fault.exitCode);
  }
  throw e;
}
