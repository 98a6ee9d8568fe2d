/** Which files a config source is: a file, or a folder's *.yaml files (default.yaml first, then by name). */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { ConfigError } from './issues.js';

export function listConfigFiles(path: string): string[] {
  if (!existsSync(path)) {
    throw new ConfigError([{ file: path, line: null, path: '', message: '配置文件或目录不存在 / config file or folder not found' }]);
  }
  if (!statSync(path).isDirectory()) return [path];
  const names = readdirSync(path)
    .filter((n) => /\.ya?ml$/.test(n))
    .sort((a, b) => (isDefault(a) ? -1 : isDefault(b) ? 1 : a.localeCompare(b)));
  return names.map((n) => join(path, n));
}

const isDefault = (name: string) => /^default\.ya?ml$/.test(basename(name));
