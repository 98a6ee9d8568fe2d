/**
 * `orglife config check [path]`: validate a configuration without running anything — everything the
 * daemon would refuse at start (file errors with file:line, then what the environment lacks: secrets
 * of enabled channels, bad API tokens), and warnings about what would silently misbehave.
 */
import type { Command } from 'commander';
import { readEnv } from '../../config/env.js';
import { ConfigError, type ConfigIssue } from '../../config/issues.js';
import { checkConfig, defaultConfigPath } from '../../config/load.js';
import { UserError } from '../errors.js';

const line = (i: ConfigIssue) => `  ${i.file}${i.line ? `:${i.line}` : ''}: ${i.path || '(root)'}: ${i.message}`;

export function registerConfig(program: Command): void {
  const config = program.command('config').description('配置管理 / configuration');
  config
    .command('check')
    .description('校验配置文件和所需的环境变量，不运行任何任务 / validate the configuration and the environment it needs, without running anything')
    .argument('[path]', '配置文件或目录（默认 ORGLIFE_CONFIG 或 ./config）')
    .addHelpText('after', '\n退出码：0 = 有效（可能有警告）；2 = 无效。\nExit code 0 = valid (warnings may be printed), 2 = invalid.')
    .action(async (path?: string) => {
      const target = path ?? defaultConfigPath();
      const checked = checkConfig(target);
      const issues = [...checked.issues];
      if (checked.config) issues.push(...(await environmentIssues(checked.config)));
      if (checked.warnings.length) {
        process.stderr.write(`警告 / warnings (${checked.warnings.length}):\n${checked.warnings.map(line).join('\n')}\n`);
      }
      if (issues.length) {
        throw new UserError(`配置无效，共 ${issues.length} 处错误 / invalid configuration:\n${issues.map(line).join('\n')}`, 2);
      }
      process.stdout.write(`配置有效 / configuration OK: ${checked.files.join(', ')}\n`);
    });
}

/** What the daemon checks against the environment at start: channel secrets and API tokens. */
async function environmentIssues(cfg: NonNullable<ReturnType<typeof checkConfig>['config']>): Promise<ConfigIssue[]> {
  const env = readEnv();
  const issues: ConfigIssue[] = [];
  const { createNotifiers } = await import('../../notifiers/registry.js');
  const { parseApiTokens } = await import('../../api/auth.js');
  for (const check of [async () => createNotifiers(cfg.channels, env).close(), async () => void parseApiTokens(env.get('ORGLIFE_API_TOKENS'))]) {
    try {
      await check();
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      issues.push(...e.issues);
    }
  }
  return issues;
}
