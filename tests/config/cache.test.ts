/**
 * The config cache (src/config/cache.ts): a hit gives exactly what loadConfig gives, and any change
 * to a config file, to the set of files or to the build is a miss that reloads (errors included).
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfigCached } from '../../src/config/cache.js';
import { ConfigError, loadConfig } from '../../src/config/load.js';
import { CONFIG_DIR } from '../helpers/config.js';

const dir = mkdtempSync(join(tmpdir(), 'orglife-config-cache-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('loadConfigCached', () => {
  it('stores the validated config, answers from the cache while nothing changed, and reloads on any change', async () => {
    const conf = join(dir, 'config');
    cpSync(CONFIG_DIR, conf, { recursive: true });
    const file = join(dir, 'cache', 'config.json');
    const opts = { file, build: 'build-1' };

    const first = await loadConfigCached(conf, opts);
    expect(first).toEqual(loadConfig(conf).config);
    expect(existsSync(file)).toBe(true);

    // A hit is read from the cache file: plant a marker there to see it come back.
    const stored = JSON.parse(readFileSync(file, 'utf8'));
    const entry = Object.values(stored.entries)[0] as { config: { rules: Record<string, { enabled: boolean }> } };
    entry.config.rules['minutes-missing']!.enabled = !first.rules['minutes-missing'].enabled;
    writeFileSync(file, JSON.stringify(stored));
    const hit = await loadConfigCached(conf, opts);
    expect(hit.rules['minutes-missing'].enabled).toBe(!first.rules['minutes-missing'].enabled);

    // Another build: a miss, the config validated again.
    expect(await loadConfigCached(conf, { file, build: 'build-2' })).toEqual(first);

    // A new file in the folder: a miss that sees it.
    writeFileSync(join(conf, 'local.yaml'), 'rules:\n  minutes-missing:\n    enabled: false\n');
    const local = await loadConfigCached(conf, { file, build: 'build-2' });
    expect(local.rules['minutes-missing'].enabled).toBe(false);
    expect(local).toEqual(loadConfig(conf).config);

    // A changed file: a miss; an invalid one throws the same ConfigError as loadConfig.
    writeFileSync(join(conf, 'local.yaml'), 'rules:\n  minutes-missing:\n    enabled: maybe\n');
    await expect(loadConfigCached(conf, { file, build: 'build-2' })).rejects.toBeInstanceOf(ConfigError);
    rmSync(join(conf, 'local.yaml'));
    expect(await loadConfigCached(conf, { file, build: 'build-2' })).toEqual(first);
  });

  it('works without a usable cache: off, or a cache file that cannot be written or read', async () => {
    const want = loadConfig(CONFIG_DIR).config;
    expect(await loadConfigCached(CONFIG_DIR, { file: null, build: 'b' })).toEqual(want);
    expect(await loadConfigCached(CONFIG_DIR, { file: join(dir, 'c'), build: null })).toEqual(want);
    expect(existsSync(join(dir, 'c'))).toBe(false);
    const blocked = join(dir, 'not-a-folder');
    writeFileSync(blocked, 'x');
    expect(await loadConfigCached(CONFIG_DIR, { file: join(blocked, 'config.json'), build: 'b' })).toEqual(want);
    // The default place ($XDG_CACHE_HOME/orglife), and ORGLIFE_CONFIG_CACHE=0 turning it off.
    const xdg = join(dir, 'xdg');
    expect(await loadConfigCached(CONFIG_DIR, { build: 'b', env: { XDG_CACHE_HOME: xdg, ORGLIFE_CONFIG_CACHE: '0' } })).toEqual(want);
    expect(existsSync(join(xdg, 'orglife', 'config.json'))).toBe(false);
    expect(await loadConfigCached(CONFIG_DIR, { build: 'b', env: { XDG_CACHE_HOME: xdg } })).toEqual(want);
    expect(existsSync(join(xdg, 'orglife', 'config.json'))).toBe(true);
    const garbage = join(dir, 'garbage.json');
    writeFileSync(garbage, '{"format":1,"entries":');
    expect(await loadConfigCached(CONFIG_DIR, { file: garbage, build: 'b' })).toEqual(want);
  });
});
