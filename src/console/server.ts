/**
 * The console on a server of its own, for `orglife console`: a look at a database without Redis
 * or the daemon (no schedules, no deliveries). Every action is refused (read-only); the CLI gives
 * it a read-only store whose sessions live in memory (./memory-accounts.ts).
 */
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import type { Env } from '../config/env.js';
import type { Store } from '../store/port.js';
import { consolePlugin } from './plugin.js';

export async function buildConsoleServer(o: { store: Store; config: Config; log: Logger; clock?: () => number; readOnly?: boolean; env?: Env }): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: o.log.child({ component: 'console' }) as unknown as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: o.config.http.body_limit_bytes,
    return503OnClosing: true,
  });
  await app.register(consolePlugin, { store: o.store, config: () => o.config, log: o.log, clock: o.clock ?? Date.now, readOnly: o.readOnly ?? true, ...(o.env ? { env: o.env } : {}) });
  app.get('/', async (_request, reply) => reply.redirect('/console/overview', 303));
  return app;
}
