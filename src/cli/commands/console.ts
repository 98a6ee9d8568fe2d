/**
 * `orglife console [--host H] [--port N] [--config PATH]`: the web console over the database
 * (ORGLIFE_DB), read-only and without Redis, until Ctrl-C: the store is opened read-only and
 * never migrated; sessions and sign-in counts live in memory (src/console/memory-accounts.ts). `orglife daemon` serves the same console
 * with actions enabled.
 */
import type { Command } from 'commander';
import { readEnv } from '../../config/env.js';
import { defaultConfigPath, loadConfig } from '../../config/load.js';
import { log } from '../../log.js';
import { defaultStoreSpec, openStore } from '../../store/open.js';
import { UserError } from '../errors.js';

export function registerConsole(program: Command): void {
  program
    .command('console')
    .description('只读打开网页控制台（无需 Redis，不发送消息）/ serve the web console read-only, without Redis')
    .option('--host <host>', '监听地址 / bind address (default http.host)')
    .option('--port <port>', '端口 / port (default ORGLIFE_HTTP_PORT or http.port)')
    .option('--config <path>', '配置文件或目录（默认 ORGLIFE_CONFIG 或 ./config）')
    .action(async (opts: { host?: string; port?: string; config?: string }) => {
      const env = readEnv();
      const { config } = loadConfig(opts.config ?? defaultConfigPath());
      const port = opts.port === undefined ? (env.httpPort ?? config.http.port) : Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UserError(`端口无效 / invalid --port "${opts.port}"`);
      // Read only: never migrated or written (sessions and sign-in counts are kept in memory). A
      // missing database is a bilingual StoreMissingError (the CLI shows its message).
      const store = await openStore(defaultStoreSpec(), { mustExist: true, readonly: true, migrate: false });
      const { buildConsoleServer } = await import('../../console/server.js');
      const { withMemoryAccounts } = await import('../../console/memory-accounts.js');
      const app = await buildConsoleServer({ store: withMemoryAccounts(store), config, log, readOnly: true, env });
      await app.listen({ host: opts.host ?? config.http.host, port });
      const a = app.server.address();
      const where = a && typeof a === 'object' ? `http://${a.address.includes(':') ? `[${a.address}]` : a.address}:${a.port}/console` : '';
      process.stdout.write(`控制台（只读）/ console (read-only): ${where}\n`);
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await app.close();
      await store.close();
    });
}
