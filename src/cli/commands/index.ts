/**
 * Every command of the program. Add a command: one file here, one line in COMMANDS.
 *
 * Commands are loaded lazily: `orglife check` imports only the check command's module graph, not the
 * SMS SDKs, fastify or exceljs that other commands need. That keeps start-up (paid by every cron run
 * and every CLI test) to what the command uses. Top-level help loads them all; --version none. A
 * command's module should itself import its heavy parts only inside its action (see check.ts), so
 * that `orglife <command> --help` stays fast too.
 */
import type { Command } from 'commander';

type Register = (program: Command) => void;

const COMMANDS: Record<string, () => Promise<Register>> = {
  import: async () => (await import('./import.js')).registerImport,
  check: async () => (await import('./check.js')).registerCheck,
  alerts: async () => (await import('./alerts.js')).registerAlerts,
  rectify: async () => (await import('./rectify.js')).registerRectify,
  stats: async () => (await import('./stats.js')).registerStats,
  report: async () => (await import('./report.js')).registerReport,
  rating: async () => (await import('./rating.js')).registerRating,
  ranking: async () => (await import('./ranking.js')).registerRanking,
  daemon: async () => (await import('./daemon.js')).registerDaemon,
  notify: async () => (await import('./notify.js')).registerNotify,
  demo: async () => (await import('./demo.js')).registerDemo,
  config: async () => (await import('./config.js')).registerConfig,
  db: async () => (await import('./db.js')).registerDb,
  users: async () => (await import('./users.js')).registerUsers,
  console: async () => (await import('./console.js')).registerConsole,
  preview: async () => (await import('./preview.js')).registerPreview,
  grades: async () => (await import('./grades.js')).registerGrades,
  exempt: async () => (await import('./exempt.js')).registerExempt,
  leave: async () => (await import('./leave.js')).registerLeave,
  orgs: async () => (await import('./orgs.js')).registerOrgs,
};

/** Register the command named in argv (the first non-option word), or all of them when none matches. */
export async function registerCommands(program: Command, argv: string[] = process.argv.slice(2)): Promise<void> {
  const name = argv.find((a) => !a.startsWith('-'));
  // `orglife --version` needs no command at all.
  if (!name && argv.some((a) => a === '-V' || a === '--version')) return;
  const loaders = name && COMMANDS[name] ? [COMMANDS[name]] : Object.values(COMMANDS);
  for (const register of await Promise.all(loaders.map((load) => load()))) register(program);
}
