/** Every command of the program. Add a command: one file here, one line below. */
import type { Command } from 'commander';
import { registerConfig } from './config.js';
import { registerDb } from './db.js';
import { registerImport } from './import.js';
import { registerCheck } from './check.js';
import { registerDaemon } from './daemon.js';
import { registerNotify } from './notify.js';
import { registerReport } from './report.js';
import { registerRanking } from './ranking.js';
import { registerAlerts } from './alerts.js';
import { registerStats } from './stats.js';
import { registerDemo } from './demo.js';
import { registerRectify } from './rectify.js';

export function registerCommands(program: Command): void {
  registerImport(program);
  registerCheck(program);
  registerConfig(program);
  registerDb(program);
  registerDaemon(program);
  registerNotify(program);
  registerReport(program);
  registerRanking(program);
  registerAlerts(program);
  registerStats(program);
  registerDemo(program);
  registerRectify(program);
}
