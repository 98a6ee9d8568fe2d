/** `orglife import FILE...` — placeholder until the importer lands. */
import type { Command } from 'commander';

export function registerImport(program: Command): void {
  program.command('import').description('导入组织与会议记录 / import records').argument('<files...>');
}
