/** `orglife db migrate`: apply pending schema migrations (they are also applied at every start). */
import type { Command } from 'commander';
import { closeDb, defaultDbPath, migrateDb, openDb } from '../../store/db.js';

export function registerDb(program: Command): void {
  const db = program.command('db').description('数据库维护 / database maintenance');
  db.command('migrate')
    .description('应用数据库迁移 / apply pending migrations (database: ORGLIFE_DB, default ./data/orglife.db)')
    .action(() => {
      const path = defaultDbPath();
      const handle = openDb(path, { migrate: false });
      try {
        const applied = migrateDb(handle);
        process.stdout.write(`数据库已是最新 / database up to date: ${path} (${applied} 个迁移已应用 / migrations applied)\n`);
      } finally {
        closeDb(handle);
      }
    });
}
