/** `orglife check` — placeholder until the rules land. */
import type { Command } from 'commander';

export function registerCheck(program: Command): void {
  program.command('check').description('检查组织生活落实情况 / evaluate the rules');
}
