/** `orglife config check [path]`: validate a configuration without running anything. */
import type { Command } from 'commander';
import { checkConfig, defaultConfigPath } from '../../config/load.js';
import { UserError } from '../errors.js';

export function registerConfig(program: Command): void {
  const config = program.command('config').description('配置管理 / configuration');
  config
    .command('check')
    .description('校验配置文件，不运行任何任务 / validate the configuration without running anything')
    .argument('[path]', '配置文件或目录（默认 ORGLIFE_CONFIG 或 ./config）')
    .action((path?: string) => {
      const target = path ?? defaultConfigPath();
      const { files, issues } = checkConfig(target);
      if (issues.length) {
        const lines = issues.map((i) => `  ${i.file}${i.line ? `:${i.line}` : ''}: ${i.path || '(root)'}: ${i.message}`);
        throw new UserError(`配置无效，共 ${issues.length} 处错误 / invalid configuration:\n${lines.join('\n')}`, 2);
      }
      process.stdout.write(`配置有效 / configuration OK: ${files.join(', ')}\n`);
    });
}
