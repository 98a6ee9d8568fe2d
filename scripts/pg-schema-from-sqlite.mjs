// A starting point for mirroring a SQLite schema file (src/store/sqlite/schema/X.ts) in PostgreSQL
// (src/store/postgres/schema/X.ts): sqliteTable → pgTable, autoincrement ids → identity columns,
// integer columns named *_at / at / since / due_at… → epoch-ms bigint (`ms`), real → double precision,
// boolean-mode integers → boolean. Review the output (which integers are times) before committing.
// Usage: node scripts/pg-schema-from-sqlite.mjs src/store/sqlite/schema/rating.ts > src/store/postgres/schema/rating.ts
import { readFileSync } from 'node:fs';

const src = readFileSync(process.argv[2], 'utf8');
let out = src
  .replace(/from 'drizzle-orm\/sqlite-core'/, "from 'drizzle-orm/pg-core'")
  .replace(/sqliteTable/g, 'pgTable')
  .replace(/integer\('id'\)\.primaryKey\(\{ autoIncrement: true \}\)/g, "integer('id').primaryKey().generatedByDefaultAsIdentity()")
  .replace(/integer\('([a-z_]*?(?:_at|^at|since|_until|_deadline))'\)/g, "ms('$1')")
  .replace(/integer\('at'\)/g, "ms('at')")
  .replace(/integer\('([a-z_]+)', \{ mode: 'boolean' \}\)/g, "boolean('$1')")
  .replace(/\breal\(/g, 'doublePrecision(');
const used = ['pgTable', 'integer', 'text', 'index', 'uniqueIndex', 'primaryKey', 'check', 'boolean', 'doublePrecision'].filter((n) =>
  new RegExp(`(?<![.\\w])${n}\\(`).test(out.replace(/^import .*$/m, '')),
);
out = out.replace(/^import \{[^}]*\} from 'drizzle-orm\/pg-core';$/m, `import { ${used.join(', ')} } from 'drizzle-orm/pg-core';\nimport { ms } from './records.js';`);
process.stdout.write(out);
