import { resolve } from 'node:path';

/** Where the configuration comes from: ORGLIFE_CONFIG, else ./config. */
export function defaultConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.ORGLIFE_CONFIG || 'config');
}
