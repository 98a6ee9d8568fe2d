/**
 * Configuration errors, in a leaf module: the CLI entry point catches ConfigError on every command,
 * and importing it must not pull in the YAML parser and the schema (start-up time of `--help`).
 */

export interface ConfigIssue {
  file: string;
  line: number | null;
  path: string;
  message: string;
}

/** Thrown when a configuration is invalid; `issues` lists every problem. */
export class ConfigError extends Error {
  constructor(readonly issues: ConfigIssue[]) {
    super(
      `配置无效 / invalid configuration (${issues.length} error${issues.length === 1 ? '' : 's'}):\n` +
        issues.map((i) => `  ${i.file}${i.line ? `:${i.line}` : ''}: ${i.path || '(root)'}: ${i.message}`).join('\n'),
    );
    this.name = 'ConfigError';
  }
}
