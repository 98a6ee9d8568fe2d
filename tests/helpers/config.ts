/** The shipped configuration (config/default.yaml merged over the schema defaults), with overrides. */
import { resolve } from 'node:path';
import { loadConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';

export const CONFIG_DIR = resolve(import.meta.dirname, '../../config');

export function shippedConfig(): Config {
  return structuredClone(loadConfig(CONFIG_DIR).config);
}
