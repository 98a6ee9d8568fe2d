/**
 * `orglife db migrate`: apply pending schema migrations (they are also applied at every start).
 * `orglife db copy`: move a whole database between SQLite and PostgreSQL (src/store/copy.ts).
 */
import type { Command } from 'commander';
import { UserError } from '../errors.js';
import { openOrCreateStore, storeSpec } from '../existing-db.js';

export function registerDb(program: Command): void {
  const db = program.command('db').description('数据库维护 / database maintenance');
  db.command('migrate')
    .description('应用数据库迁移 / apply pending migrations (database: --db or ORGLIFE_DB — a SQLite file, default ./data/orglife.db, or a postgres:// URL)')
    .action(async () => {
      const store = await openOrCreateStore({ migrate: false });
      try {
        const applied = await store.migrate();
        process.stdout.write(`数据库已是最新 / database up to date: ${store.describe()} (${applied} 个迁移已应用 / migrations applied)\n`);
      } finally {
        await store.close();
      }
    });
  db.command('copy')
    .description(
      '在 SQLite 与 PostgreSQL 之间复制整个数据库（按表核对行数）/ copy a whole database between SQLite and PostgreSQL, verified by row counts per table',
    )
    .option('--to <db>', '目标：SQLite 文件路径或 postgres:// 地址 / target: a SQLite file or a postgres:// URL')
    .option('--from <db>', '源（默认 ORGLIFE_DB）/ source (default: ORGLIFE_DB, else ./data/orglife.db)')
    .option('--replace', '目标已有数据时清空后覆盖 / overwrite a target that already holds rows', false)
    .addHelpText(
      'after',
      `
示例 / examples:
  orglife db copy --to postgres://orglife:密码@db.example:5432/orglife      # SQLite (ORGLIFE_DB) → PostgreSQL
  orglife db copy --from postgres://db.example/orglife --to ./data/orglife.db   # PostgreSQL → SQLite
请先停止 daemon：复制期间写入的数据不会被带过去 / stop the daemons first: writes made during the copy are not carried over.`,
    )
    .action(async (opts: { to?: string; from?: string; replace: boolean }) => {
      if (!opts.to) throw new UserError('缺少 --to（目标数据库）/ missing --to (the target database)', 2);
      const { copyDatabase, CopyError } = await import('../../store/copy.js');
      const from = opts.from ?? storeSpec();
      try {
        const r = await copyDatabase(from, opts.to, {
          replace: opts.replace,
          onTable: (t) => process.stderr.write(`  ${t.table}: ${t.rows} 行 / rows\n`),
        });
        const total = r.tables.reduce((n, t) => n + t.target, 0);
        process.stdout.write(
          `已复制 / copied ${r.from} → ${r.to}: ${r.tables.length} 张表，共 ${total} 行，各表行数与源一致 / ${r.tables.length} tables, ${total} rows, every table's row count matches the source\n`,
        );
      } catch (e) {
        if (e instanceof CopyError) throw new UserError(`复制失败，目标未改动 / copy failed, the target is unchanged: ${e.message}`);
        const code = (e as { code?: string }).code;
        if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === '3D000' || code === '28P01' || code === '28000') {
          throw new UserError(`无法连接数据库 / cannot connect to the database: ${(e as Error).message}`);
        }
        throw e;
      }
    });
}
