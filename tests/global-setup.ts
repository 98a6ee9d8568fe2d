/**
 * Run-wide setup. On a PostgreSQL run (ORGLIFE_TEST_STORE=postgres) it migrates one template
 * database for the whole run, which every test store copies (tests/helpers/pg.ts), and drops the
 * run's databases at the end, including any a crashed test file left behind.
 */
import { openPg, closePg } from '../src/store/postgres/db.js';
import { createPgDatabase, dropPgDatabasesLike, pgAnswers, PG_ADMIN_URL, runPrefix, testStoreKind } from './helpers/pg.js';

export default async function setup(): Promise<(() => Promise<void>) | undefined> {
  if (testStoreKind() !== 'postgres') return undefined;
  if (!(await pgAnswers())) throw new Error(`ORGLIFE_TEST_STORE=postgres but PostgreSQL does not answer at ${PG_ADMIN_URL}`);
  const prefix = runPrefix(); // set in process.env, inherited by the test workers
  delete process.env.ORGLIFE_TEST_PG_TEMPLATE;
  const tpl = await createPgDatabase('template');
  const db = await openPg(tpl.url, { max: 1 });
  await closePg(db);
  process.env.ORGLIFE_TEST_PG_TEMPLATE = tpl.name;
  return async () => {
    await dropPgDatabasesLike(`${prefix}_`);
  };
}
