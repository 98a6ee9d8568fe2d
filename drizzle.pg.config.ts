import { defineConfig } from 'drizzle-kit';

// The PostgreSQL store's migrations (`npm run db:generate:pg`); the SQLite ones are drizzle.config.ts.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/store/postgres/schema.ts',
  out: './src/store/postgres/migrations',
});
