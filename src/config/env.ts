/**
 * Everything the process takes from the environment, in one place. Secrets (passwords, API keys,
 * tokens) come only from here, never from config files; other modules receive values, not process.env.
 */

/** The environment variables orglife reads, with their meaning (for --help and the README). */
export const ENV_VARS = {
  ORGLIFE_DB: 'the store: a SQLite database file (default ./data/orglife.db) or a postgres:// URL',
  ORGLIFE_CONFIG: 'config file or folder (default ./config)',
  REDIS_URL: 'Redis for the job queues (default redis://127.0.0.1:6379)',
  ORGLIFE_QUEUE_PREFIX: 'BullMQ key prefix (default orglife)',
  SMTP_URL: 'smtp://user:pass@host:port — when set, the email channel sends through it',
  ORGLIFE_HTTP_PORT: 'port of the HTTP API (overrides http.port)',
  ORGLIFE_API_TOKENS: 'API bearer tokens: name:scope+scope:token,… (scopes ingest, read, admin)',
  LOG_LEVEL: 'pino log level (default info)',
  ORGLIFE_CONFIG_CACHE: '0 = do not cache the validated configuration (default: cached in $XDG_CACHE_HOME/orglife, else ~/.cache/orglife, keyed by the build and every config file’s content)',
} as const;

export interface Env {
  /** ORGLIFE_DB: a SQLite file path or a postgres:// URL (the store spec; see src/store/open.ts). */
  dbPath: string | undefined;
  configPath: string | undefined;
  redisUrl: string;
  queuePrefix: string;
  smtpUrl: string | undefined;
  httpPort: number | undefined;
  logLevel: string;
  /** Look up any other variable by name (provider keys, webhook secrets named in config). */
  get(name: string): string | undefined;
}

/** Read the environment once; pass the result down instead of touching process.env elsewhere. */
export function readEnv(env: NodeJS.ProcessEnv = process.env): Env {
  const port = env.ORGLIFE_HTTP_PORT ? Number(env.ORGLIFE_HTTP_PORT) : undefined;
  if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port <= 65535)) {
    throw new Error(`ORGLIFE_HTTP_PORT 无效 / invalid: "${env.ORGLIFE_HTTP_PORT}" (expected 0-65535)`);
  }
  return {
    dbPath: env.ORGLIFE_DB || undefined,
    configPath: env.ORGLIFE_CONFIG || undefined,
    redisUrl: env.REDIS_URL || 'redis://127.0.0.1:6379',
    queuePrefix: env.ORGLIFE_QUEUE_PREFIX || 'orglife',
    smtpUrl: env.SMTP_URL || undefined,
    httpPort: port,
    logLevel: env.LOG_LEVEL || 'info',
    get: (name) => env[name] || undefined,
  };
}
